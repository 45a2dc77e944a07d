/**
 * From a hole's candidates to the answer (docs/server.md#candidates): each candidate's edges are
 * cleaned (edges.ts), candidates with the same text merge (the best score stays), the syntax
 * check parses each in the document (syntax/check.ts), and they are ranked: those that parse
 * first, then those given the median length (fill.ts LENGTH_LEVELS), then by score, then fewer
 * parse errors. A blank candidate for a non-empty selection (it would delete the code) is last. A grammar that fails to load degrades to
 * the score alone (parses = null), never to a failed fill.
 */
import type { FillAlternative } from '../../contract/protocol';
import { checkFills, type FillCheck } from '../syntax/check';
import { cleanFill, holeContext } from './edges';
import type { HoleFill } from './fill';

export interface RankedFill extends FillAlternative {
  tokens: number;
  lowConfidence: boolean;
  /** Distinct candidates, best first; [0] is this fill. */
  alternatives: FillAlternative[];
}

export interface RankContext {
  /** The whole document the hole is in. */
  text: string;
  start: number;
  end: number;
  /** Tree-sitter grammar name (syntax/grammars.ts) or null for no syntax check. */
  grammar: string | null;
  /** Scores below this are low confidence. */
  threshold: number;
  /** Skip the edge cleanup (evaluations of the raw sampler output). */
  raw?: boolean;
  /** Told when a grammar fails to load (the fill goes on without the check). */
  onSyntaxError?: (e: unknown) => void;
}

/** Parses (true or unknown) before does-not-parse. */
function parsesFirst(a: FillAlternative, b: FillAlternative): number {
  return (a.parses === false ? 1 : 0) - (b.parses === false ? 1 : 0);
}

/** Best first among alternatives of one length: parses (true or unknown) first, then higher score. */
export function compareAlternatives(a: FillAlternative, b: FillAlternative): number {
  return parsesFirst(a, b) || b.score - a.score;
}

type Cand = { text: string; score: number; tokens: number; lengthOffset?: number };

/** Candidates with the same text become one, keeping the highest score and the length nearest the median. */
export function mergeSame(cands: Cand[]): Cand[] {
  const byText = new Map<string, Cand>();
  for (const c of cands) {
    const seen = byText.get(c.text);
    if (!seen) byText.set(c.text, { ...c });
    else byText.set(c.text, { ...seen, score: Math.max(seen.score, c.score), lengthOffset: Math.min(seen.lengthOffset ?? 0, c.lengthOffset ?? 0) });
  }
  return [...byText.values()];
}

export async function rankHole(hole: HoleFill, ctx: RankContext): Promise<RankedFill> {
  const hc = holeContext(ctx.text, ctx.start, ctx.end);
  const cleaned = hole.candidates.map((c) => ({ ...c, text: ctx.raw ? c.text : cleanFill(c.text, hc) }));
  const distinct = mergeSame(cleaned);
  let check: FillCheck | null = null;
  try {
    check = await checkFills(ctx.grammar, ctx.text, { start: ctx.start, end: ctx.end }, distinct.map((c) => c.text));
  } catch (e) {
    ctx.onSyntaxError?.(e);
  }
  // replacing a selection with nothing deletes code: a blank candidate goes last there
  const blankLast = ctx.end > ctx.start;
  const blank = (t: string) => (blankLast && t.trim() === '' ? 1 : 0);
  const ranked = distinct
    .map((c, i) => ({ ...c, parses: check ? check.parses[i] : null, errors: check ? check.errors[i] : 0 }))
    .sort((a, b) => blank(a.text) - blank(b.text) || parsesFirst(a, b) || (a.lengthOffset ?? 0) - (b.lengthOffset ?? 0) ||
      b.score - a.score || a.errors - b.errors);
  const best = ranked[0];
  return {
    text: best.text, score: best.score, parses: best.parses, tokens: best.tokens,
    lowConfidence: best.score < ctx.threshold,
    alternatives: ranked.map((c) => ({ text: c.text, score: c.score, parses: c.parses })),
  };
}
