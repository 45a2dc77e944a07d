/**
 * Range arithmetic for fills, on plain LSP-shaped values: ordering requested ranges, and checking that a server answer edits only what was asked. Pure.
 */
import type { InfillEdit } from '../contract/protocol';

export interface Pos { line: number; character: number }
export interface Rng { start: Pos; end: Pos }

export function comparePos(a: Pos, b: Pos): number {
  return a.line !== b.line ? a.line - b.line : a.character - b.character;
}

export function sameRange(a: Rng, b: Rng): boolean {
  return comparePos(a.start, b.start) === 0 && comparePos(a.end, b.end) === 0;
}

/** Sorts ranges by start and drops exact duplicates (multi-cursor can produce the same range twice). */
export function normalizeRanges<R extends Rng>(ranges: readonly R[]): R[] {
  const sorted = [...ranges].sort((a, b) => comparePos(a.start, b.start) || comparePos(a.end, b.end));
  return sorted.filter((r, i) => i === 0 || !sameRange(r, sorted[i - 1]));
}

/** True when some range starts before the previous one ends (the server refuses those). */
export function hasOverlap(sorted: readonly Rng[]): boolean {
  return sorted.some((r, i) => i > 0 && comparePos(r.start, sorted[i - 1].end) < 0);
}

export type EditCheck = { ok: true; edits: InfillEdit[] } | { ok: false; reason: string };

/**
 * Accepts a server answer only if every edit replaces exactly one of the requested ranges, each
 * at most once. Anything else would touch text the user did not select, so it is refused whole.
 */
export function checkEdits(requested: readonly Rng[], edits: readonly InfillEdit[]): EditCheck {
  const used = new Set<number>();
  for (const e of edits) {
    if (typeof e?.newText !== 'string' || !e.range) return { ok: false, reason: 'malformed edit' };
    const idx = requested.findIndex((r, i) => !used.has(i) && sameRange(r, e.range));
    if (idx < 0) {
      const r = e.range;
      return { ok: false, reason: `edit outside the requested ranges at ${r.start.line + 1}:${r.start.character + 1}` };
    }
    used.add(idx);
  }
  return { ok: true, edits: [...edits] };
}

export function isEmptyRange(r: Rng): boolean {
  return comparePos(r.start, r.end) === 0;
}

/** What a fill of these ranges targets, in words: 'selection', 'cursor', '2 selections', '1 selection + 1 cursor'. */
export function describeTargets(ranges: readonly Rng[]): string {
  const cursors = ranges.filter(isEmptyRange).length;
  const sel = ranges.length - cursors;
  const part = (n: number, word: string): string => (n === 1 ? word : `${n} ${word}s`);
  if (cursors === 0) return part(sel, 'selection');
  if (sel === 0) return cursors === 1 ? 'at the cursor' : `at ${cursors} cursors`;
  return `${sel} selection${sel === 1 ? '' : 's'} + ${cursors} cursor${cursors === 1 ? '' : 's'}`;
}
