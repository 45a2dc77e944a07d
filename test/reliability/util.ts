/**
 * Helpers of the load and fuzz runs (the LSP client itself is harness/lsp.ts).
 */
import { createRng } from '../../server/sampler/prng';

/** A deterministic PRNG so load and fuzz runs reproduce from their seed (the sampler's own). */
export const prng = createRng;

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/** Resolves after `ms` of wall time: the typist's pace between keystrokes, not a wait for the server. */
export function pace(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
