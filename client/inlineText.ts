/**
 * Post-processing of inline suggestion text, as small pure stages (unit-tested):
 * the fill is conditioned on the suffix, so it can end by repeating what already follows the
 * cursor; showing that would duplicate text on accept.
 */

/** Length of the longest tail of `insert` that equals a head of `after`. */
export function suffixOverlap(insert: string, after: string): number {
  const max = Math.min(insert.length, after.length);
  for (let k = max; k > 0; k--) {
    if (insert.endsWith(after.slice(0, k))) return k;
  }
  return 0;
}

/** Drops the part of `insert` that the text after the cursor already holds. */
export function trimSuffixOverlap(insert: string, after: string): string {
  const k = suffixOverlap(insert, after);
  return k > 0 ? insert.slice(0, insert.length - k) : insert;
}

/** A suggestion worth showing: not empty, not only whitespace. */
export function isUseful(insert: string): boolean {
  return insert.trim().length > 0;
}

/** The whole pipeline for one suggestion; undefined = show nothing. */
export function prepareSuggestion(insert: string, lineAfterCursor: string): string | undefined {
  const trimmed = trimSuffixOverlap(insert, lineAfterCursor);
  return isUseful(trimmed) ? trimmed : undefined;
}

/**
 * The ranked suggestions of one request (the server sends up to K, best first), each prepared as
 * above; empty ones and repeats (two candidates that differ only in the trimmed overlap) dropped,
 * order kept, so VS Code cycles them best first (Alt+] / Alt+[).
 */
export function prepareSuggestions(inserts: readonly string[], lineAfterCursor: string): string[] {
  const out: string[] = [];
  for (const insert of inserts) {
    const text = prepareSuggestion(insert, lineAfterCursor);
    if (text !== undefined && !out.includes(text)) out.push(text);
  }
  return out;
}

/**
 * Resolves true after `ms`, or false as soon as `onCancel` fires (the user kept typing), so a
 * request dropped during the debounce never reaches the server.
 */
export function debounce(ms: number, onCancel: (cb: () => void) => void): Promise<boolean> {
  return new Promise((resolve) => {
    if (ms <= 0) { resolve(true); return; }
    const timer = setTimeout(() => resolve(true), ms);
    onCancel(() => { clearTimeout(timer); resolve(false); });
  });
}
