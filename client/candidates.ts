/**
 * The ranked candidates of a fill, as the client shows them: the choices of one hole (best
 * first, no duplicate texts), their quick-pick presentation for "PGM: Show Alternatives", and a
 * one-line summary of low-confidence fills. Pure (no `vscode` import), unit-tested.
 */

/** One candidate fill of a hole, as the server ranked it. */
export interface Candidate {
  text: string;
  /** The sampler's score (mean log-probability of the committed tokens; higher is better). */
  score: number;
  /** Whether the document still parses with this fill; null = no grammar for the language. */
  parses: boolean | null;
}

/** The server's answer for one hole: the chosen fill, its flags and the ranked alternatives. */
export interface HoleAnswer extends Candidate {
  /** The chosen fill's score is below the confidence threshold. */
  lowConfidence: boolean;
  /** The candidates, best first (the server puts the chosen one first; repeats are dropped here). */
  alternatives: Candidate[];
}

/** The chosen fill first, then the alternatives in the server's order; one entry per distinct text. */
export function rankedChoices(hole: HoleAnswer): Candidate[] {
  const seen = new Set<string>();
  const out: Candidate[] = [];
  for (const c of [hole, ...(hole.alternatives ?? [])]) {
    if (typeof c?.text !== 'string' || seen.has(c.text)) continue;
    seen.add(c.text);
    out.push({ text: c.text, score: c.score, parses: c.parses ?? null });
  }
  return out;
}

function candidateOf(raw: unknown, fallbackText: string): Candidate {
  const c = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  return {
    text: typeof c.text === 'string' ? c.text : fallbackText,
    score: typeof c.score === 'number' ? c.score : Number.NaN,
    parses: typeof c.parses === 'boolean' ? c.parses : null,
  };
}

/**
 * The per-range answers of a fill result, one per edit: the chosen fill (`newText`), its score,
 * syntax check and confidence flag, and the ranked alternatives. A server older than issue 9
 * sends only `newText`: one unscored candidate, nothing else.
 */
export function holeAnswers(result: { edits?: readonly unknown[] }): HoleAnswer[] {
  return (result.edits ?? []).map((raw) => {
    const e = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
    const text = typeof e.newText === 'string' ? e.newText : '';
    const alts = Array.isArray(e.alternatives) ? e.alternatives : [];
    return {
      ...candidateOf({ ...e, text }, text),
      lowConfidence: e.lowConfidence === true,
      alternatives: alts.map((a) => candidateOf(a, '')),
    };
  });
}

/** A score for people: two decimals, or 'n/a' when the server gave none. */
export function scoreText(score: number): string {
  return Number.isFinite(score) ? score.toFixed(2) : 'n/a';
}

export const PREVIEW_CHARS = 80;

/** Whitespace made visible and the text cut to one short line, for a list row. */
export function oneLine(text: string, max = PREVIEW_CHARS): string {
  if (text.length === 0) return '(empty: delete the selection)';
  const flat = text.replace(/\r?\n/g, ' ⏎ ').replace(/\t/g, ' → ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function parseWords(parses: boolean | null): string {
  return parses === true ? 'parses' : parses === false ? 'does not parse' : 'not checked';
}

/** What a quick-pick row shows for candidate `index` (0 = the server's choice). */
export interface ChoiceRow {
  label: string;
  description: string;
  detail: string;
  index: number;
}

export function choiceRows(choices: readonly Candidate[]): ChoiceRow[] {
  return choices.map((c, index) => {
    const lines = c.text.split('\n').length;
    return {
      label: `${index === 0 ? '$(star-full) ' : ''}${oneLine(c.text)}`,
      description: `#${index + 1} · score ${scoreText(c.score)} · ${parseWords(c.parses)}`,
      detail: `${c.text.length} chars, ${lines} line${lines === 1 ? '' : 's'}`,
      index,
    };
  });
}

/**
 * The answer of each hole as applied: the server's choice as it flagged it, or the candidate the
 * user picked instead, judged against the same confidence threshold.
 */
export function appliedAnswers(holes: readonly HoleAnswer[], texts: readonly string[], threshold: number): HoleAnswer[] {
  return holes.map((h, i) => {
    const text = texts[i] ?? h.text;
    if (text === h.text) return h;
    const c = rankedChoices(h).find((x) => x.text === text) ?? { text, score: Number.NaN, parses: null };
    return { ...c, lowConfidence: Number.isFinite(c.score) && c.score < threshold, alternatives: h.alternatives };
  });
}

/** Status/log words for a fill whose holes may be under the confidence threshold ('' when none is). */
export function lowConfidenceSummary(holes: readonly Pick<HoleAnswer, 'lowConfidence'>[]): string {
  const low = holes.filter((h) => h.lowConfidence).length;
  if (low === 0) return '';
  return holes.length === 1 ? 'low confidence' : `low confidence in ${low} of ${holes.length} ranges`;
}
