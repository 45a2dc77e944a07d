/**
 * Post-processing of an inline suggestion (pure): a fill that ends with the text already after
 * the cursor on that line would show it twice, so that overlap is trimmed; whitespace-only
 * suggestions are dropped.
 */
export function trimSuffixOverlap(fill: string, restOfLine: string): string {
  const rest = restOfLine.trimEnd();
  if (rest.length > 0 && fill.endsWith(rest)) return fill.slice(0, fill.length - rest.length);
  return fill;
}

export function inlineSuggestion(fill: string, restOfLine: string): string | null {
  const text = trimSuffixOverlap(fill, restOfLine);
  return text.trim().length === 0 ? null : text;
}
