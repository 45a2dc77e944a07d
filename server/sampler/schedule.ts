/**
 * Step counts and visiting orders. The sampler itself commits k = ceil(open / steps left) per
 * step (loop.ts, as training/sample.py); `stepSizes` is the equivalent fixed schedule, used by
 * the benchmark baselines that have no early stop.
 */
import type { SamplingOrder } from '../../contract/settings';
import { shuffle, type Rng } from './prng';

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

/** Tokens per step for inline suggestions (a short hole needs fewer network rounds). */
export const INLINE_TOKENS_PER_STEP = 4;

/**
 * Steps for an inline suggestion of `capacity` tokens when the steps setting is `steps`: at most
 * one step per INLINE_TOKENS_PER_STEP tokens (16 tokens: 4 steps). Measured on 100 held-out
 * inline holes at capacity 16 (docs/benchmarks.md): 4 steps stayed within sampling noise of 8.
 */
export function inlineSteps(steps: number, capacity: number): number {
  return effectiveSteps(Math.min(steps, Math.ceil(capacity / INLINE_TOKENS_PER_STEP)), capacity);
}
