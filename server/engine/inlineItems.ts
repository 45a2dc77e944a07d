/**
 * Inline post-processing (pure), in one place for the LSP handler (lsp/inline.ts) and the CLI's
 * inline jsonl lines (cli/jsonl.ts): which ranked candidates (rank.ts) become ghost text, and
 * the overlap each one is trimmed of. The client shows the items as they come (client/inline.ts).
 *
 * The fill is conditioned on the text after the cursor, so it can end by repeating what already
 * follows the cursor on that line; shown as is, accepting it would write that text twice. The
 * overlap trimmed is the longest tail of the fill that the rest of the line starts with, unless
 * trimming it would split a word or drop the closer of a bracket or quote that the fill itself
 * opened (`bar()` before `)` stays whole: the syntax check ranked it with its own `)`). Closing
 * brackets the fill did not open were already dropped by the edge cleanup (edges.ts rule 3).
 */
import { bracketState } from './edges';
import type { RankedFill } from './rank';

const WORD = /[\p{L}\p{N}_$]/u;

/** True when index `i` of `s` falls inside a word (between two word characters). */
function splitsWord(s: string, i: number): boolean {
  return i > 0 && i < s.length && WORD.test(s[i - 1]) && WORD.test(s[i]);
}

/** True when `tail` closes a bracket or a string that `kept` leaves open. */
function closesKept(kept: string, tail: string): boolean {
  const k = bracketState(kept);
  return k.inString !== null || (k.open.length > 0 && bracketState(tail).unmatched.length > 0);
}

/** Length of the tail of `fill` to trim against the text after the cursor on its line (0 = none). */
export function suffixOverlap(fill: string, restOfLine: string): number {
  for (let k = Math.min(fill.length, restOfLine.length); k > 0; k--) {
    const cut = fill.length - k;
    if (!fill.endsWith(restOfLine.slice(0, k))) continue;
    if (splitsWord(fill, cut) || splitsWord(restOfLine, k) || closesKept(fill.slice(0, cut), fill.slice(cut))) continue;
    return k;
  }
  return 0;
}

/** The fill without the overlap; null when nothing but whitespace is left (nothing to show). */
export function inlineSuggestion(fill: string, restOfLine: string): string | null {
  const text = fill.slice(0, fill.length - suffixOverlap(fill, restOfLine));
  return text.trim().length === 0 ? null : text;
}

/**
 * The texts to show, best first: nothing when the best candidate is under the threshold;
 * otherwise every distinct, non-blank candidate at or over it, at most `max`.
 */
export function inlineItems(ranked: RankedFill, restOfLine: string, threshold: number, max: number): string[] {
  if (ranked.score < threshold) return [];
  const out: string[] = [];
  for (const alt of ranked.alternatives) {
    if (alt.score < threshold || out.length >= max) continue;
    const s = inlineSuggestion(alt.text, restOfLine);
    if (s !== null && !out.includes(s)) out.push(s);
  }
  return out;
}
