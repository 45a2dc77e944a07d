/**
 * Tokenizing only the part of a document a window needs. Large files are never tokenized
 * whole: we cut a character slice a few times longer than the token budget next to the hole,
 * tokenize it, drop the token at the far cut (it may be a fragment) and widen the slice only
 * if it did not yield enough tokens.
 */
export interface TextTokenizer {
  /** Token ids of `text`, no special tokens added. */
  encode(text: string): number[];
  /** Bytes of a token (empty for special tokens). */
  tokenBytes(id: number): Uint8Array;
  /** Whether hole edges need token healing (false for raw bytes, where every byte is a token). */
  readonly healing: boolean;
}

/** Characters per token assumed for the first slice; widened (doubled) when too few came out. */
const FIRST_GUESS_CHARS_PER_TOKEN = 4;

export interface Slice {
  tokens: number[];
  /** True when the slice reached the limit (all text between limit and the hole is present). */
  reachedLimit: boolean;
}

/** Up to `want` tokens of text[from, to) closest to `to` (the text before a hole). */
export function tokensBefore(tok: TextTokenizer, text: string, from: number, to: number, want: number): Slice {
  if (want <= 0 || to <= from) return { tokens: [], reachedLimit: to <= from };
  for (let chars = want * FIRST_GUESS_CHARS_PER_TOKEN; ; chars *= 2) {
    const start = Math.max(from, to - chars);
    let tokens = tok.encode(text.slice(start, to));
    const reachedLimit = start === from;
    if (!reachedLimit) tokens = tokens.slice(1);
    if (tokens.length >= want) return { tokens: tokens.slice(tokens.length - want), reachedLimit: reachedLimit && tokens.length === want };
    if (reachedLimit) return { tokens, reachedLimit: true };
  }
}

/** Up to `want` tokens of text[from, to) closest to `from` (the text after a hole). */
export function tokensAfter(tok: TextTokenizer, text: string, from: number, to: number, want: number): Slice {
  if (want <= 0 || to <= from) return { tokens: [], reachedLimit: to <= from };
  for (let chars = want * FIRST_GUESS_CHARS_PER_TOKEN; ; chars *= 2) {
    const end = Math.min(to, from + chars);
    let tokens = tok.encode(text.slice(from, end));
    const reachedLimit = end === to;
    if (!reachedLimit) tokens = tokens.slice(0, -1);
    if (tokens.length >= want) return { tokens: tokens.slice(0, want), reachedLimit: reachedLimit && tokens.length === want };
    if (reachedLimit) return { tokens, reachedLimit: true };
  }
}
