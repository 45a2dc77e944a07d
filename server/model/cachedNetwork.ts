/**
 * Approximate context cache over the optional cache graphs (bench/cache_graphs.py):
 * the first encode of a fill runs `encoder_cache` over every clean token and keeps each encoder
 * layer's keys/values; later encodes whose clean set only appends tokens run `encoder_extend`
 * over the new tokens alone (they attend to the cache and to each other). Cached tokens do not
 * see the tokens added after them, which is the approximation; `refresh` bounds its age by a
 * full re-encode every `refresh` calls (0 = never). Anything that is not an append (a new fill,
 * a token re-drawn by healing) re-encodes in full.
 */
import type { CleanBatch, Logits, Network, QueryBatch } from '../sampler/types';
import type { EncoderState, OnnxNetwork } from './network';
import { ort, type OrtSession, type OrtTensor } from './ort';

interface Cache {
  /** Real tokens of each row already in the cache, in cache order (ids/pos). */
  rows: { ids: number[]; pos: number[] }[];
  n: number;
  memory: Float32Array;
  keys: Float32Array;
  values: Float32Array;
  pos: Int32Array;
  mask: Uint8Array;
  /** [layers, batch, heads, n, headDim] */
  kvDims: number[];
  /** Decoder keys/values of the memory rows ([n_dec + 1, batch, heads, n, headDim]), with the split. */
  decKeys: Float32Array | null;
  decValues: Float32Array | null;
  decDims: number[];
  age: number;
}

/** The decoder split into memory -> keys/values (per token) and queries -> logits. */
export interface DecoderSplit {
  kv: OrtSession;
  query: OrtSession;
}

const T = () => ort().Tensor;
const i64 = (a: Int32Array, dims: number[]) => new (T())('int64', BigInt64Array.from(a, (v) => BigInt(v)), dims);

function realRows(c: CleanBatch): { ids: number[]; pos: number[] }[] {
  return Array.from({ length: c.batch }, (_, b) => {
    const ids: number[] = [];
    const pos: number[] = [];
    for (let i = 0; i < c.n; i++) if (c.mask[b * c.n + i]) { ids.push(c.ids[b * c.n + i]); pos.push(c.pos[b * c.n + i]); }
    return { ids, pos };
  });
}

/** Concatenates two [..., n1, inner] / [..., n2, inner] buffers along the n axis. */
function concatAxis(a: Float32Array, n1: number, b: Float32Array, n2: number, outer: number, inner: number): Float32Array {
  const out = new Float32Array(outer * (n1 + n2) * inner);
  for (let o = 0; o < outer; o++) {
    out.set(a.subarray(o * n1 * inner, (o + 1) * n1 * inner), o * (n1 + n2) * inner);
    out.set(b.subarray(o * n2 * inner, (o + 1) * n2 * inner), (o * (n1 + n2) + n1) * inner);
  }
  return out;
}

export class CachedNetwork implements Network<EncoderState> {
  private cache: Cache | null = null;
  fullEncodes = 0;
  extends = 0;

  constructor(
    private readonly exact: OnnxNetwork, private readonly cacheGraph: OrtSession,
    private readonly extendGraph: OrtSession, private readonly refresh: number,
    private readonly split: DecoderSplit | null = null,
  ) {}

  get vocabSize(): number {
    return this.exact.vocabSize;
  }

  async encode(clean: CleanBatch): Promise<EncoderState> {
    const rows = realRows(clean);
    const tails = this.appendedTails(rows);
    if (!tails) return this.full(clean, rows);
    if (tails.every((t) => t.ids.length === 0)) return this.state();
    return this.extend(tails);
  }

  async decode(state: EncoderState, clean: CleanBatch, queries: QueryBatch): Promise<Logits> {
    const c = this.cache;
    if (!this.split || !c?.decKeys || !c.decValues) return this.exact.decode(state, clean, queries);
    const out = await this.split.query.run({
      query_pos: i64(queries.pos, [queries.batch, queries.q]),
      dec_keys: new (T())('float32', c.decKeys, c.decDims), dec_values: new (T())('float32', c.decValues, c.decDims),
      clean_mask: new (T())('bool', c.mask, [queries.batch, c.n]),
    });
    const logits = out.logits as OrtTensor;
    const [batch, q, vocab] = logits.dims;
    return { batch, q, vocab, data: logits.data as Float32Array };
  }

  /** Decoder keys/values of memory rows (new rows only after an extend: they are per token). */
  private async decoderKv(memory: Float32Array, pos: Int32Array, b: number, n: number): Promise<[Float32Array, Float32Array, number[]] | null> {
    if (!this.split) return null;
    const d = memory.length / (b * n);
    const out = await this.split.kv.run({ memory: new (T())('float32', memory, [b, n, d]), clean_pos: i64(pos, [b, n]) });
    const k = out.dec_keys as OrtTensor;
    return [k.data as Float32Array, (out.dec_values as OrtTensor).data as Float32Array, [...k.dims]];
  }

  /** The tokens each row adds to the cache, or null when the clean set is not an append. */
  private appendedTails(rows: { ids: number[]; pos: number[] }[]): { ids: number[]; pos: number[] }[] | null {
    const c = this.cache;
    // refresh N: one full encode then N - 1 extends, so N = 1 is exact (always full)
    if (!c || c.rows.length !== rows.length || (this.refresh > 0 && c.age >= this.refresh - 1)) return null;
    const tails = [];
    for (let b = 0; b < rows.length; b++) {
      const old = c.rows[b];
      const now = rows[b];
      if (now.ids.length < old.ids.length) return null;
      for (let i = 0; i < old.ids.length; i++) if (old.ids[i] !== now.ids[i] || old.pos[i] !== now.pos[i]) return null;
      tails.push({ ids: now.ids.slice(old.ids.length), pos: now.pos.slice(old.ids.length) });
    }
    return tails;
  }

  private async full(clean: CleanBatch, rows: { ids: number[]; pos: number[] }[]): Promise<EncoderState> {
    const dims = [clean.batch, clean.n];
    const out = await this.cacheGraph.run({ clean_ids: i64(clean.ids, dims), clean_pos: i64(clean.pos, dims), clean_mask: new (T())('bool', clean.mask, dims) });
    const keys = out.keys as OrtTensor;
    const memory = (out.memory as OrtTensor).data as Float32Array;
    const dec = await this.decoderKv(memory, clean.pos, clean.batch, clean.n);
    this.cache = {
      rows: rows.map((r) => ({ ids: [...r.ids], pos: [...r.pos] })), n: clean.n,
      memory, keys: keys.data as Float32Array,
      values: (out.values as OrtTensor).data as Float32Array, pos: Int32Array.from(clean.pos), mask: Uint8Array.from(clean.mask),
      kvDims: [...keys.dims], decKeys: dec?.[0] ?? null, decValues: dec?.[1] ?? null, decDims: dec?.[2] ?? [], age: 0,
    };
    this.fullEncodes++;
    return this.state();
  }

  private async extend(tails: { ids: number[]; pos: number[] }[]): Promise<EncoderState> {
    const c = this.cache as Cache;
    const B = tails.length;
    const m = Math.max(...tails.map((t) => t.ids.length));
    const ids = new Int32Array(B * m);
    const pos = new Int32Array(B * m);
    const mask = new Uint8Array(B * m);
    tails.forEach((t, b) => t.ids.forEach((id, i) => { ids[b * m + i] = id; pos[b * m + i] = t.pos[i]; mask[b * m + i] = 1; }));
    for (let b = 0; b < B; b++) for (let i = tails[b].ids.length; i < m; i++) pos[b * m + i] = tails[b].pos[0] ?? c.pos[b * c.n];
    const [L, , H, , hd] = c.kvDims;
    const out = await this.extendGraph.run({
      new_ids: i64(ids, [B, m]), new_pos: i64(pos, [B, m]), new_mask: new (T())('bool', mask, [B, m]),
      past_keys: new (T())('float32', c.keys, c.kvDims), past_values: new (T())('float32', c.values, c.kvDims),
      past_mask: new (T())('bool', c.mask, [B, c.n]),
    });
    const d = (out.memory as OrtTensor).dims[2];
    const newMemory = (out.memory as OrtTensor).data as Float32Array;
    const dec = await this.decoderKv(newMemory, pos, B, m);
    if (dec && c.decKeys && c.decValues) {
      const [Ld, , Hd, , hdd] = c.decDims;
      c.decKeys = concatAxis(c.decKeys, c.n, dec[0], m, Ld * B * Hd, hdd);
      c.decValues = concatAxis(c.decValues, c.n, dec[1], m, Ld * B * Hd, hdd);
      c.decDims = [Ld, B, Hd, c.n + m, hdd];
    }
    c.memory = concatAxis(c.memory, c.n, newMemory, m, B, d);
    c.keys = concatAxis(c.keys, c.n, (out.keys as OrtTensor).data as Float32Array, m, L * B * H, hd);
    c.values = concatAxis(c.values, c.n, (out.values as OrtTensor).data as Float32Array, m, L * B * H, hd);
    c.pos = Int32Array.from(concatAxis(Float32Array.from(c.pos), c.n, Float32Array.from(pos), m, B, 1));
    c.mask = Uint8Array.from(concatAxis(Float32Array.from(c.mask), c.n, Float32Array.from(mask), m, B, 1));
    tails.forEach((t, b) => { c.rows[b].ids.push(...t.ids); c.rows[b].pos.push(...t.pos); });
    c.n += m;
    c.kvDims = [L, B, H, c.n, hd];
    c.age++;
    this.extends++;
    return this.state();
  }

  private state(): EncoderState {
    const c = this.cache as Cache;
    const B = c.rows.length;
    const d = c.memory.length / (B * c.n);
    return {
      memory: new (T())('float32', c.memory, [B, c.n, d]),
      pos: i64(c.pos, [B, c.n]),
      mask: new (T())('bool', c.mask, [B, c.n]),
    };
  }

  /** A new fill never reuses the previous fill's cache. */
  startFill(): void {
    this.cache = null;
  }
}
