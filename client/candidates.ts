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
  /** Other candidates, best first (may repeat the chosen one). */
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
 * The per-hole answers of a fill result, parallel to its edits. A server that sends no `holes`
 * (older than issue 9) gets one unscored candidate per edit: its fill, nothing else.
 */
export function holeAnswers(result: { edits?: readonly { newText: string }[]; holes?: unknown }): HoleAnswer[] {
  const edits = result.edits ?? [];
  const holes = Array.isArray(result.holes) && result.holes.length === edits.length ? result.holes as unknown[] : undefined;
  return edits.map((e, i) => {
    const raw = (holes?.[i] ?? {}) as Record<string, unknown>;
    const alts = Array.isArray(raw.alternatives) ? raw.alternatives : [];
    return {
      ...candidateOf(raw, e.newText),
      lowConfidence: raw.lowConfidence === true,
      alternatives: alts.map((a) => candidateOf(a, '')).filter((a) => typeof (a as Candidate).text === 'string'),
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

/** Status/log words for a fill whose holes may be under the confidence threshold ('' when none is). */
export function lowConfidenceSummary(holes: readonly Pick<HoleAnswer, 'lowConfidence'>[]): string {
  const low = holes.filter((h) => h.lowConfidence).length;
  if (low === 0) return '';
  return holes.length === 1 ? 'low confidence' : `low confidence in ${low} of ${holes.length} ranges`;
}
