/**
 * How long a fill may be (docs/server.md#capacity): pure rules, unit-tested.
 *
 * - A non-empty selection: capacity = ceil(selected tokens x CAPACITY_FACTOR) + CAPACITY_MARGIN,
 *   at least MIN_CAPACITY and at most the ceiling. The model still picks the length (the 'cdf'
 *   rule), but never much longer than what was selected.
 * - An empty selection (fill at the cursor) or a placeholder marker: the `capacity` setting
 *   (insert up to that many tokens), at most the ceiling.
 * - The ceiling is half the context window (sampler/window.ts maxHoleCapacity): the other half is
 *   context. A selection of more tokens than the ceiling is too large: with `oversize` 'error'
 *   the request fails with SelectionTooLarge {tokens, maxTokens}; 'cap' fills it with a fill of
 *   at most the ceiling (the user chose a shorter text); 'split' fills it in parts (splitParts).
 */
import { maxHoleCapacity } from '../sampler/window';

export const CAPACITY_FACTOR = 1.5;
export const CAPACITY_MARGIN = 4;
export const MIN_CAPACITY = 4;

/** Selections longer than this many characters are not tokenized to be measured (see selectionTokens). */
const MEASURE_LIMIT_CHARS = 1 << 20;

export type Oversize = 'error' | 'split' | 'cap';

export type CapacityPlan =
  | { kind: 'fill'; capacity: number }
  | { kind: 'tooLarge'; tokens: number; maxTokens: number };

/** Capacity of a hole whose selection has `selectedTokens` tokens (0 = empty selection). */
export function capacityFor(selectedTokens: number, insertCapacity: number, window: number): CapacityPlan {
  const ceiling = maxHoleCapacity(window);
  if (selectedTokens === 0) return { kind: 'fill', capacity: Math.max(1, Math.min(insertCapacity, ceiling)) };
  if (selectedTokens > ceiling) return { kind: 'tooLarge', tokens: selectedTokens, maxTokens: ceiling };
  const want = Math.ceil(selectedTokens * CAPACITY_FACTOR) + CAPACITY_MARGIN;
  return { kind: 'fill', capacity: Math.min(ceiling, Math.max(MIN_CAPACITY, want)) };
}

/** Token count of a selection; huge ones are estimated (4 characters per token) instead of tokenized. */
export function selectionTokens(encode: (text: string) => number[], text: string): number {
  if (text.length === 0) return 0;
  if (text.length > MEASURE_LIMIT_CHARS) return Math.ceil(text.length / 4);
  return encode(text).length;
}

/**
 * Splits an oversized selection [start, end) into consecutive parts at line ends, each of at
 * most `maxTokens` tokens where a line allows (a single longer line is cut by characters).
 * Parts cover the selection exactly, in order.
 */
export function splitParts(
  text: string, start: number, end: number, maxTokens: number, encode: (text: string) => number[],
): { start: number; end: number }[] {
  const parts: { start: number; end: number }[] = [];
  let at = start;
  while (at < end) {
    let cut = at;
    // grow by whole lines while the part fits
    for (;;) {
      const nl = text.indexOf('\n', cut);
      const next = nl < 0 || nl + 1 > end ? end : nl + 1;
      if (next === cut) break;
      if (encode(text.slice(at, next)).length > maxTokens) break;
      cut = next;
      if (cut >= end) break;
    }
    if (cut === at) cut = cutLongLine(text, at, end, maxTokens, encode);
    parts.push({ start: at, end: cut });
    at = cut;
  }
  return parts;
}

/** The longest prefix of one over-long line that fits (binary search on characters; >= 1 char). */
function cutLongLine(text: string, at: number, end: number, maxTokens: number, encode: (t: string) => number[]): number {
  const nl = text.indexOf('\n', at);
  let lo = at + 1;
  let hi = nl < 0 || nl + 1 > end ? end : nl + 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (encode(text.slice(at, mid)).length <= maxTokens) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
