/**
 * A selection too large for one fill: recognising the server's typed error and the question put
 * to the user ("Fill in Parts" = oversize `split`, "Cap It" = oversize `cap`, or cancel). Never
 * silent: without an answer nothing is filled. Pure (no `vscode` import), unit-tested.
 */

export type OversizeChoice = 'split' | 'cap';

/** What the server said: which range is too large, its size and the most one fill takes, in tokens. */
export interface TooLarge { range: number; tokens: number; maxTokens: number }

export const FILL_IN_PARTS = 'Fill in Parts';
export const CAP_IT = 'Cap It';

function finite(v: unknown): v is number { return typeof v === 'number' && Number.isFinite(v); }

/** The error's facts when it is the server's `selectionTooLarge` error, else undefined. */
export function selectionTooLarge(err: unknown): TooLarge | undefined {
  const data = (err as { data?: unknown })?.data as { kind?: unknown; range?: unknown; tokens?: unknown; maxTokens?: unknown } | undefined;
  if (!data || data.kind !== 'selectionTooLarge' || !finite(data.tokens) || !finite(data.maxTokens)) return undefined;
  return { range: finite(data.range) ? data.range : 0, tokens: data.tokens, maxTokens: data.maxTokens };
}

/** The message and detail of the modal question. */
export function oversizeQuestion(t: TooLarge, ranges: number): { message: string; detail: string } {
  const what = ranges === 1 ? 'The selection' : `Selection ${t.range + 1} of ${ranges}`;
  const parts = Math.max(2, Math.ceil(t.tokens / Math.max(1, t.maxTokens)));
  return {
    message: `${what} is about ${t.tokens} tokens; the model fills at most ${t.maxTokens} tokens at once.`,
    detail: `${FILL_IN_PARTS}: fill it as about ${parts} consecutive parts, each from the text around it.\n` +
      `${CAP_IT}: replace it with one fill of at most ${t.maxTokens} tokens (shorter than the selection).\n` +
      'Cancel: change nothing.',
  };
}

/** The button the user picked, as the request option; undefined = cancel. */
export function oversizeChoice(pick: string | undefined): OversizeChoice | undefined {
  return pick === FILL_IN_PARTS ? 'split' : pick === CAP_IT ? 'cap' : undefined;
}
