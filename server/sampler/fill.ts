/**
 * From committed hole positions to the text that replaces the requested range: fillers
 * stripped, healed edge bytes removed (they are still in the document), single-line cut.
 */
import { endsWith, startsWith, type TokenBytes } from './constraints';
import type { HoleLayout, PositionState } from './types';

const utf8 = new TextDecoder('utf-8', { fatal: false });

/**
 * Byte-level tokens can form invalid UTF-8 (a multi-byte character split across tokens the model
 * did not complete). Such bytes are dropped rather than written into the user's file as U+FFFD.
 */
export function decodeFill(bytes: Uint8Array): string {
  return utf8.decode(bytes).replace(/\uFFFD/g, '');
}

/** Bytes of the committed real tokens in position order (fillers and unknowns skipped). */
export function fillBytes(positions: PositionState[], gap: number, tokenBytes: TokenBytes): Uint8Array {
  const parts = positions.filter((p) => p.id !== -1 && p.id !== gap).map((p) => tokenBytes(p.id));
  const out = new Uint8Array(parts.reduce((n, b) => n + b.length, 0));
  let o = 0;
  for (const b of parts) {
    out.set(b, o);
    o += b.length;
  }
  return out;
}

export interface HoleText {
  text: string;
  /** Real tokens generated (fillers excluded). */
  tokens: number;
}

export function holeText(
  positions: PositionState[], layout: HoleLayout, gap: number, tokenBytes: TokenBytes, singleLine: boolean,
): HoleText {
  let bytes = fillBytes(positions, gap, tokenBytes);
  const tokens = positions.filter((p) => p.id !== -1 && p.id !== gap).length;
  if (layout.headBytes.length && startsWith(bytes, layout.headBytes)) bytes = bytes.subarray(layout.headBytes.length);
  if (singleLine) {
    const nl = bytes.indexOf(0x0a);
    if (nl >= 0) return { text: decodeFill(bytes.subarray(0, nl)).replace(/\r$/, ''), tokens };
  }
  if (layout.tailBytes.length && endsWith(bytes, layout.tailBytes)) bytes = bytes.subarray(0, bytes.length - layout.tailBytes.length);
  return { text: decodeFill(bytes), tokens };
}

/**
 * A fill's score: the mean untempered log-probability of its committed real tokens (fillers
 * excluded; a re-drawn healed tail counts with its final draw). An empty fill scores the
 * log-probability the length round gave its first filler, i.e. how sure the model was that
 * the hole is empty. Higher is better; 0 is the maximum.
 */
export function holeScore(positions: PositionState[], gap: number): number {
  const real = positions.filter((p) => p.id !== -1 && p.id !== gap);
  if (real.length === 0) {
    const filler = positions.find((p) => p.id === gap);
    return filler?.logp ?? 0;
  }
  return real.reduce((s, p) => s + (p.logp ?? 0), 0) / real.length;
}
