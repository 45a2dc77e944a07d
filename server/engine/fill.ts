/**
 * Document text + holes -> fills: windowing, sampling, text assembly. Pure orchestration over
 * the abstract Network and tokenizer, shared by the LSP server, the CLI and the benchmarks.
 */
import { progressToken, type ProgressFrame } from '../../contract/protocol';
import { MAX_CANDIDATES } from '../../contract/settings';
import { holeScore, holeText } from '../sampler/fill';
import { runSampler } from '../sampler/loop';
import type { HoleState, Network, SamplerOptions, SpecialIds, StepEvent } from '../sampler/types';
import { planRows, type HoleRequest, type PlannedRow } from '../sampler/window';
import type { TextTokenizer } from '../sampler/slice';

export interface EngineModel {
  tokenizer: TextTokenizer;
  network: Network;
  specialIds: SpecialIds;
  canvas: number;
  /** The model has no gap filler (also implied by specialIds.gap = -1): every hole is filled with exactly its capacity. */
  fixedLength?: boolean;
}

export interface FillRequest {
  text: string;
  holes: HoleRequest[];
  /** Context window in tokens; 0 or more than the canvas = the canvas. */
  window: number;
  sampler: Omit<SamplerOptions, 'onStep'>;
  /**
   * Candidates per hole (default 1): every row is sampled this many times in the same batch
   * (the batch dimension), sharing the length round; each candidate gets a score.
   */
  candidates?: number;
  /** Called after each step with the partial fills of every hole (request order). */
  onProgress?: (p: ProgressFrame) => void;
}

export interface Candidate {
  text: string;
  /** Real tokens generated (fillers excluded). */
  tokens: number;
  /** Mean untempered log-probability of the committed tokens (sampler/fill.ts holeScore). */
  score: number;
  /** |CDF level - 0.5| of the length this candidate was given (0 = the median length). */
  lengthOffset?: number;
}

/** The candidates of one hole, in sampling order (candidate 0 is what K = 1 would give). */
export interface HoleFill extends Candidate {
  candidates: Candidate[];
}

export interface FillResult {
  /** One per request hole, in request order. */
  fills: HoleFill[];
  steps: number;
}

export function effectiveWindow(window: number, canvas: number): number {
  return window > 0 ? Math.min(window, canvas) : canvas;
}

/**
 * Candidate c reads its length at CDF level LENGTH_LEVELS[c % n] of the model's length
 * distribution (sampler 'cdf' rule): two at the median, then shorter and longer ones, so the
 * syntax check has fills of other lengths to choose from when no median-length one parses.
 * Ranking compares median-length candidates first (engine/rank.ts): the score, a mean
 * log-probability, prefers short fills, and picking by score across lengths cost edit
 * similarity (docs/benchmarks.md, "Candidates and syntax check").
 */
export const LENGTH_LEVELS: readonly number[] = [0.5, 0.5, 0.3, 0.7, 0.5, 0.2, 0.8, 0.5];

export async function fillHoles(model: EngineModel, req: FillRequest): Promise<FillResult> {
  const rows = planRows(req.text, req.holes, model.tokenizer, {
    window: effectiveWindow(req.window, model.canvas), doc: model.specialIds.doc,
  });
  const k = Math.max(1, Math.min(MAX_CANDIDATES, Math.floor(req.candidates ?? 1)));
  // candidate c of planned row r is sampler row r * k + c; copies share the layout object
  const layouts = rows.flatMap((r) => Array.from({ length: k }, () => r.layout));
  const onStep = req.onProgress
    ? (e: StepEvent) => req.onProgress?.(progressOf({ ...e, rows: e.rows.filter((_, i) => i % k === 0) }, rows, req.holes.length, model, req.sampler.singleLine))
    : undefined;
  const lengthLevels = layouts.map((_, i) => LENGTH_LEVELS[(i % k) % LENGTH_LEVELS.length]);
  const result = await runSampler(model.network, layouts, {
    specials: model.specialIds, tokenBytes: (id) => model.tokenizer.tokenBytes(id),
  }, { ...req.sampler, ...(model.fixedLength || model.specialIds.gap < 0 ? { length: 'fixed' as const } : {}), onStep, lengthLevels });
  const perCandidate = Array.from({ length: k }, (_, c) =>
    assemble(result.rows.filter((_, i) => i % k === c), rows, req.holes.length, model, req.sampler.singleLine)
      .map((cand) => ({ ...cand, lengthOffset: Math.abs(lengthLevels[c] - 0.5) })));
  const fills = perCandidate[0].map((first, h) => ({ ...first, candidates: perCandidate.map((p) => p[h]) }));
  return { fills, steps: result.steps };
}

function assemble(states: HoleState[][], rows: PlannedRow[], n: number, model: EngineModel, singleLine: boolean): Candidate[] {
  const fills: Candidate[] = new Array(n);
  rows.forEach((row, r) =>
    row.holes.forEach((reqIndex, h) => {
      const ps = states[r][h].positions;
      const t = holeText(ps, row.layout.holes[h], model.specialIds.gap, (id) => model.tokenizer.tokenBytes(id), singleLine);
      fills[reqIndex] = { ...t, score: holeScore(ps, model.specialIds.gap) };
    }),
  );
  return fills;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

function progressOf(e: StepEvent, rows: PlannedRow[], n: number, model: EngineModel, singleLine: boolean): ProgressFrame {
  const fills = assemble(e.rows, rows, n, model, singleLine);
  const holes: ProgressFrame['holes'] = new Array(n);
  const gap = model.specialIds.gap;
  rows.forEach((row, r) =>
    row.holes.forEach((reqIndex, h) => {
      const tokens = e.rows[r][h].positions.map((p) =>
        progressToken(p.id >= 0 && p.id !== gap ? utf8.decode(model.tokenizer.tokenBytes(p.id)) : '', p.step, p.prob, p.id === gap));
      holes[reqIndex] = { text: fills[reqIndex].text, tokens };
    }),
  );
  return { step: e.step, totalSteps: e.totalSteps, holes };
}
