/**
 * How many hole positions each step commits, and in which order positions are visited.
 * The paper splits L positions evenly over the steps (k = L / steps); we spread the remainder
 * so that every step commits floor or ceil of L / steps.
 */
import type { SamplingOrder } from '../protocol';
import { shuffle, type Rng } from './prng';

/** sizes[t] = positions committed at step t; sums to `total`; length = steps (>= 1). */
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
