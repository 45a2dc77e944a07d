/**
 * From a hole's candidates to the answer (docs/server.md#candidates): each candidate's edges are
 * cleaned (edges.ts), candidates with the same text merge (the best score stays), the syntax
 * check parses each in the document (syntax/check.ts), and they are ranked: those that parse
 * first, then by score (among those that do not parse, ties go to fewer errors). A blank
 * candidate for a non-empty selection (it would delete the code) is ranked last. A grammar that fails to load degrades to
 * the score alone (parses = null), never to a failed fill.
 */
import type { FillAlternative } from '../protocol';
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

/** Best first: parses (true or unknown) before does-not-parse, then higher score. */
export function compareAlternatives(a: FillAlternative, b: FillAlternative): number {
  const pa = a.parses === false ? 1 : 0;
  const pb = b.parses === false ? 1 : 0;
  return pa - pb || b.score - a.score;
}

/** Candidates with the same text become one, keeping the highest score and the most tokens seen with it. */
export function mergeSame(cands: { text: string; score: number; tokens: number }[]): { text: string; score: number; tokens: number }[] {
  const byText = new Map<string, { text: string; score: number; tokens: number }>();
  for (const c of cands) {
    const seen = byText.get(c.text);
    if (!seen || c.score > seen.score) byText.set(c.text, { ...c });
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
    .sort((a, b) => blank(a.text) - blank(b.text) || compareAlternatives(a, b) || a.errors - b.errors);
  const best = ranked[0];
  return {
    text: best.text, score: best.score, parses: best.parses, tokens: best.tokens,
    lowConfidence: best.score < ctx.threshold,
    alternatives: ranked.map((c) => ({ text: c.text, score: c.score, parses: c.parses })),
  };
}
