/**
 * Tokenizers named by the manifest: byte-level BPE (`tokenizer.json`, read with
 * @huggingface/tokenizers) or raw bytes. Both expose the same pure interface the sampler and
 * the windowing use: encode text, bytes of each token, decode bytes.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { TextTokenizer } from '../sampler/slice';
import { byteLevelToBytes } from './byteLevel';
import { ManifestError } from './manifest';

export interface ModelTokenizer extends TextTokenizer {
  readonly vocabSize: number;
  /** Decodes ids to text via their bytes (special tokens contribute nothing). */
  decode(ids: number[]): string;
}

// @huggingface/tokenizers is an ES module with a CommonJS build; our code is CommonJS (bundled by
// esbuild), so we require() the CJS build and borrow the types from the ESM declarations.
type HfModule = typeof import('@huggingface/tokenizers', { with: { 'resolution-mode': 'import' } });
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the CJS build (see above)
const { Tokenizer: HfTokenizer } = require('@huggingface/tokenizers') as HfModule;

const utf8 = new TextDecoder('utf-8', { fatal: false });
const EMPTY = new Uint8Array(0);

function decodeVia(tokenBytes: (id: number) => Uint8Array, ids: number[]): string {
  const parts = ids.map(tokenBytes);
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    all.set(p, o);
    o += p.length;
  }
  return utf8.decode(all);
}

/** Byte-level BPE from a tokenizer.json object. Specials (listed in `special`) have no bytes. */
export function bpeTokenizer(json: unknown, vocabSize: number, special: number[]): ModelTokenizer {
  const hf = new HfTokenizer(json as object, {});
  const table: Uint8Array[] = [];
  const bad: number[] = [];
  for (let id = 0; id < vocabSize; id++) {
    const s = hf.id_to_token(id);
    const bytes = s === undefined || special.includes(id) ? EMPTY : byteLevelToBytes(s);
    if (bytes === null) bad.push(id);
    table.push(bytes ?? EMPTY);
  }
  if (bad.length > 0 && bad.length > special.length) {
    throw new Error(`tokenizer.json is not byte-level BPE: ${bad.length} tokens have characters outside the byte table (e.g. id ${bad[0]})`);
  }
  const tokenBytes = (id: number) => table[id] ?? EMPTY;
  return {
    vocabSize,
    healing: true,
    encode: (text) => hf.encode(text, { add_special_tokens: false }).ids,
    tokenBytes,
    decode: (ids) => decodeVia(tokenBytes, ids),
  };
}

export function loadBpeTokenizer(file: string, vocabSize: number, special: number[]): ModelTokenizer {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ManifestError(dirname(file), `cannot read tokenizer ${basename(file)}: ${(e as Error).message}`, 'invalid', { cause: e });
  }
  try {
    return bpeTokenizer(json, vocabSize, special);
  } catch (e) {
    throw new ManifestError(dirname(file), (e as Error).message, 'invalid', { cause: e });
  }
}

/** Raw bytes: ids 0..255 are bytes, specials follow. Every byte is a token, so no healing. */
export function byteTokenizer(vocabSize: number): ModelTokenizer {
  const table = Array.from({ length: vocabSize }, (_, id) => (id < 256 ? Uint8Array.of(id) : EMPTY));
  const tokenBytes = (id: number) => table[id] ?? EMPTY;
  const enc = new TextEncoder();
  return {
    vocabSize,
    healing: false,
    encode: (text) => Array.from(enc.encode(text)),
    tokenBytes,
    decode: (ids) => decodeVia(tokenBytes, ids),
  };
}
