/**
 * Which inline suggestions to show (pure): the confidence gate and the per-item post-processing
 * (lsp/inlineText.ts), shared by the LSP handler and the CLI's inline jsonl lines.
 */
import type { RankedFill } from '../engine/rank';
import { inlineSuggestion } from './inlineText';

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
