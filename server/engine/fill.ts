/**
 * Document text + holes -> fills: windowing, sampling, text assembly. Pure orchestration over
 * the abstract Network and tokenizer, shared by the LSP server, the CLI and the benchmarks.
 */
import { holeText } from '../sampler/fill';
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
  /** Called after each step with the partial fills of every hole (request order). */
  onProgress?: (p: FillProgress) => void;
}

export interface HoleFill {
  text: string;
  tokens: number;
}

export interface FillResult {
  /** One per request hole, in request order. */
  fills: HoleFill[];
  steps: number;
}

export interface PositionView {
  text: string;
  step: number;
  confidence: number;
  gap: boolean;
}

export interface FillProgress {
  step: number;
  totalSteps: number;
  holes: { text: string; positions: PositionView[] }[];
}

export function effectiveWindow(window: number, canvas: number): number {
  return window > 0 ? Math.min(window, canvas) : canvas;
}

export async function fillHoles(model: EngineModel, req: FillRequest): Promise<FillResult> {
  const rows = planRows(req.text, req.holes, model.tokenizer, {
    window: effectiveWindow(req.window, model.canvas), doc: model.specialIds.doc,
  });
  const onStep = req.onProgress
    ? (e: StepEvent) => req.onProgress?.(progressOf(e, rows, req.holes.length, model, req.sampler.singleLine))
    : undefined;
  const result = await runSampler(model.network, rows.map((r) => r.layout), {
    specials: model.specialIds, tokenBytes: (id) => model.tokenizer.tokenBytes(id),
  }, { ...req.sampler, ...(model.fixedLength || model.specialIds.gap < 0 ? { length: 'fixed' as const } : {}), onStep });
  const fills = assemble(result.rows, rows, req.holes.length, model, req.sampler.singleLine);
  return { fills, steps: result.steps };
}

function assemble(states: HoleState[][], rows: PlannedRow[], n: number, model: EngineModel, singleLine: boolean): HoleFill[] {
  const fills: HoleFill[] = new Array(n);
  rows.forEach((row, r) =>
    row.holes.forEach((reqIndex, h) => {
      fills[reqIndex] = holeText(states[r][h].positions, row.layout.holes[h], model.specialIds.gap, (id) => model.tokenizer.tokenBytes(id), singleLine);
    }),
  );
  return fills;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

function progressOf(e: StepEvent, rows: PlannedRow[], n: number, model: EngineModel, singleLine: boolean): FillProgress {
  const fills = assemble(e.rows, rows, n, model, singleLine);
  const holes: FillProgress['holes'] = new Array(n);
  rows.forEach((row, r) =>
    row.holes.forEach((reqIndex, h) => {
      const positions = e.rows[r][h].positions.map((p) => ({
        text: p.id >= 0 && p.id !== model.specialIds.gap ? utf8.decode(model.tokenizer.tokenBytes(p.id)) : '',
        step: p.step, confidence: p.prob, gap: p.id === model.specialIds.gap,
      }));
      holes[reqIndex] = { text: fills[reqIndex].text, positions };
    }),
  );
  return { step: e.step, totalSteps: e.totalSteps, holes };
}
