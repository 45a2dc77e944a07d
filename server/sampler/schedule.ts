/**
 * Step counts and visiting orders. The sampler itself commits k = ceil(open / steps left) per
 * step (loop.ts, as training/sample.py); `stepSizes` is the equivalent fixed schedule, used by
 * the benchmark baselines that have no early stop.
 */
import type { SamplingOrder } from '../../contract/settings';
import { shuffle, type Rng } from './prng';
import type { LengthReuse } from './types';

/** sizes[t] = positions committed at step t (floor or ceil of total / steps); sums to `total`. */
export function stepSizes(total: number, steps: number): number[] {
  const s = Math.max(1, Math.floor(steps));
  const out: number[] = [];
  for (let t = 0; t < s; t++) out.push(Math.floor(((t + 1) * total) / s) - Math.floor((t * total) / s));
  return out;
}

/** Effective number of steps: never more steps than positions in the largest row. */
export function effectiveSteps(requested: number, largestRow: number): number {
  return Math.max(1, Math.min(Math.floor(requested), Math.max(1, largestRow)));
}

/**
 * Visiting order of slot indices 0..n-1 for the fixed orders. `confidence` is decided step by
 * step from the logits, so it gets the identity here (unused).
 */
export function fixedOrder(n: number, order: SamplingOrder, rng: Rng): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  return order === 'random' ? shuffle(idx, rng) : idx;
}

/** How an inline suggestion is sampled, beyond the request's own options. */
export interface InlineSchedule {
  steps: number;
  reuseLengthRound: LengthReuse;
}

/**
 * Sampling of an inline suggestion of `capacity` tokens when the inline.steps setting is
 * `steps`: that many steps (never more than positions), and step 1 drawn from the length round's
 * logits ('always'), one network call less per suggestion. Both measured on held-out inline
 * holes through the whole inline path (docs/benchmarks.md, inline step policy): the merged length
 * round stayed within sampling noise, as did 6 steps instead of 8.
 */
export function inlineSchedule(steps: number, capacity: number): InlineSchedule {
  return { steps: effectiveSteps(steps, capacity), reuseLengthRound: 'always' };
}
