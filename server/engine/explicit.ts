/**
 * Explicit fills (selections, placeholder holes, CLI): each range's capacity from its selection
 * (capacity.ts), oversized selections refused / capped / split as asked, K candidates per range
 * in one batch (fill.ts), then edges cleaned, syntax-checked and ranked (rank.ts).
 */
import type { LengthFrom, Oversize, ProgressFrame, SelectionTooLargeData } from '../../contract/protocol';
import { maxHoleCapacity } from '../sampler/window';
import { capacityFor, selectionTokens, splitParts } from './capacity';
import { effectiveWindow, fillHoles, type EngineModel, type FillRequest } from './fill';
import { rankHole, type RankedFill } from './rank';

export interface ExplicitRequest {
  text: string;
  /** Character offsets of each range (request order). */
  ranges: { start: number; end: number }[];
  lengthFrom: LengthFrom;
  /** Capacity of an insertion (empty range), or of every range with lengthFrom 'capacity'. */
  insertCapacity: number;
  oversize: Oversize;
  candidates: number;
  window: number;
  sampler: FillRequest['sampler'];
  /** Tree-sitter grammar of the document, or null (no syntax check). */
  grammar: string | null;
  threshold: number;
  onProgress?: (p: ProgressFrame) => void;
  onSyntaxError?: (e: unknown) => void;
}

export interface ExplicitFill extends RankedFill {
  /** Capacity the range was given (for a split range: the largest part's). */
  capacity: number;
  /** Parts the range was filled in (1 unless split). */
  parts: number;
}

export interface ExplicitResult {
  fills: ExplicitFill[];
  steps: number;
}

/** A selection larger than the model fills, with oversize 'error'. Nothing was filled. */
export class SelectionTooLargeError extends Error {
  constructor(readonly data: SelectionTooLargeData) {
    super(`the selection is ${data.tokens} tokens; this model fills at most ${data.maxTokens} at once. ` +
      `Select less, or ask for it to be filled in parts (oversize 'split') or capped (oversize 'cap').`);
    this.name = 'SelectionTooLargeError';
  }
}

type Plan = { capacity: number; split: boolean };

function planRanges(model: EngineModel, req: ExplicitRequest): Plan[] {
  const window = effectiveWindow(req.window, model.canvas);
  const ceiling = maxHoleCapacity(window);
  const encode = (t: string) => model.tokenizer.encode(t);
  return req.ranges.map((r, i) => {
    if (req.lengthFrom === 'capacity') return { capacity: Math.min(req.insertCapacity, ceiling), split: false };
    const tokens = selectionTokens(encode, req.text.slice(r.start, r.end));
    const plan = capacityFor(tokens, req.insertCapacity, window);
    // a fixed-length model (no gap filler) writes exactly its capacity: the selection's own length
    if (plan.kind === 'fill') return { capacity: model.fixedLength && tokens > 0 ? tokens : plan.capacity, split: false };
    if (req.oversize === 'error') throw new SelectionTooLargeError({ kind: 'selectionTooLarge', range: i, tokens: plan.tokens, maxTokens: plan.maxTokens });
    return { capacity: ceiling, split: req.oversize === 'split' };
  });
}

export async function fillExplicit(model: EngineModel, req: ExplicitRequest): Promise<ExplicitResult> {
  const plans = planRanges(model, req);
  const fills: ExplicitFill[] = new Array(req.ranges.length);
  let steps = 0;
  const whole = req.ranges.map((_, i) => i).filter((i) => !plans[i].split);
  if (whole.length > 0) {
    const r = await fillHoles(model, {
      text: req.text, holes: whole.map((i) => ({ ...req.ranges[i], capacity: plans[i].capacity })),
      window: req.window, sampler: req.sampler, candidates: req.candidates,
      // progress frames name holes by request index, so they are sent only when no range is split
      onProgress: whole.length === req.ranges.length ? req.onProgress : undefined,
    });
    steps += r.steps;
    for (const [j, i] of whole.entries()) {
      const ranked = await rankHole(r.fills[j], { ...req.ranges[i], text: req.text, grammar: req.grammar, threshold: req.threshold, onSyntaxError: req.onSyntaxError });
      fills[i] = { ...ranked, capacity: plans[i].capacity, parts: 1 };
    }
  }
  for (const i of req.ranges.map((_, k) => k).filter((k) => plans[k].split)) {
    const r = await fillInParts(model, req, req.ranges[i], plans[i].capacity);
    steps += r.steps;
    fills[i] = r.fill;
  }
  return { fills, steps };
}

/**
 * An oversized selection filled in consecutive parts of at most half the ceiling each (line
 * boundaries where possible), one after the other: each part sees the parts before it already
 * filled and the original text after it. The parts' best fills are joined.
 */
async function fillInParts(model: EngineModel, req: ExplicitRequest, range: { start: number; end: number }, ceiling: number): Promise<{ fill: ExplicitFill; steps: number }> {
  const encode = (t: string) => model.tokenizer.encode(t);
  const parts = splitParts(req.text, range.start, range.end, Math.max(1, Math.floor(ceiling / 2)), encode);
  let text = req.text;
  let shift = 0;
  let steps = 0;
  const done: { text: string; score: number; tokens: number; parses: boolean | null; capacity: number }[] = [];
  for (const p of parts) {
    const start = p.start + shift;
    const end = p.end + shift;
    const plan = capacityFor(selectionTokens(encode, text.slice(start, end)), req.insertCapacity, effectiveWindow(req.window, model.canvas));
    const capacity = plan.kind === 'fill' ? plan.capacity : ceiling;
    const r = await fillHoles(model, { text, holes: [{ start, end, capacity }], window: req.window, sampler: req.sampler, candidates: req.candidates });
    const ranked = await rankHole(r.fills[0], { start, end, text, grammar: req.grammar, threshold: req.threshold, onSyntaxError: req.onSyntaxError });
    steps += r.steps;
    done.push({ ...ranked, capacity });
    text = text.slice(0, start) + ranked.text + text.slice(end);
    shift += ranked.text.length - (end - start);
  }
  const tokens = done.reduce((n, d) => n + d.tokens, 0);
  const score = tokens > 0 ? done.reduce((s, d) => s + d.score * d.tokens, 0) / tokens : Math.min(...done.map((d) => d.score));
  const parses = done.some((d) => d.parses === null) ? null : done.every((d) => d.parses);
  const joined = done.map((d) => d.text).join('');
  return {
    steps,
    fill: {
      text: joined, score, parses, tokens, lowConfidence: score < req.threshold,
      alternatives: [{ text: joined, score, parses }], capacity: Math.max(...done.map((d) => d.capacity)), parts: parts.length,
    },
  };
}
