/**
 * Approximate context cache over the model's `cache_step.onnx` (training/cache_export.py): one
 * network call per step. The first round of a fill runs the step graph with an empty cache over
 * every clean token (exact); later rounds whose clean set only appends tokens run it over the
 * new tokens alone, which attend to the cached encoder keys/values and to each other. Cached
 * tokens do not see the tokens added after them: that is the approximation, and `refresh`
 * bounds its age by a full re-encode every `refresh` rounds (0 = never). Anything that is not an
 * append (a token re-drawn by healing) re-encodes in full. One instance serves one fill; the
 * session is shared, so instances are cheap.
 */
import type { CleanBatch, Logits, Network, QueryBatch } from '../sampler/types';
import { ort, type OrtSession, type OrtTensor } from './ort';

interface Row {
  ids: number[];
  pos: number[];
}

/** The graph's cache tensors, fed back as the next call's past_* inputs (never copied into JS). */
interface Cache {
  rows: Row[];
  keys: OrtTensor;
  values: OrtTensor;
  decKeys: OrtTensor;
  decValues: OrtTensor;
  mask: OrtTensor;
  age: number;
}

/** What encode hands to decode: the tokens to add and the cache they extend (null = full). */
export interface PendingStep {
  rows: Row[];
  added: Row[];
  base: Cache | null;
  /** Row b extends cached row from[b] (null: row b extends row b). */
  from: number[] | null;
}

export interface CacheShape {
  nEnc: number;
  nDec: number;
  nHeads: number;
  headDim: number;
}

const T = () => ort().Tensor;

function i64(values: number[], dims: number[]): OrtTensor {
  const big = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) big[i] = BigInt(values[i]);
  return new (T())('int64', big, dims);
}

function realRows(c: CleanBatch): Row[] {
  return Array.from({ length: c.batch }, (_, b) => {
    const row: Row = { ids: [], pos: [] };
    for (let i = 0; i < c.n; i++) {
      if (c.mask[b * c.n + i]) { row.ids.push(c.ids[b * c.n + i]); row.pos.push(c.pos[b * c.n + i]); }
    }
    return row;
  });
}

function extendsRow(old: Row, now: Row): boolean {
  if (now.ids.length < old.ids.length) return false;
  for (let i = 0; i < old.ids.length; i++) if (old.ids[i] !== now.ids[i] || old.pos[i] !== now.pos[i]) return false;
  return true;
}

/**
 * Which cached row each row extends (itself when the batch is unchanged; any row otherwise, as
 * when K candidates of one hole follow their shared length round), or null when some row
 * extends none: then the clean set is not an append.
 */
function sources(cached: Row[], now: Row[]): number[] | null {
  const from: number[] = [];
  for (let b = 0; b < now.length; b++) {
    const j = cached.length === now.length ? (extendsRow(cached[b], now[b]) ? b : -1) : cached.findIndex((old) => extendsRow(old, now[b]));
    if (j < 0) return null;
    from.push(j);
  }
  return from;
}

/** Rows of `t` picked along its batch axis `axis` (the cache of K rows from a shared one). */
function pickRows(t: OrtTensor, axis: number, from: number[]): OrtTensor {
  const dims = [...t.dims];
  const outer = dims.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const src = t.data as Float32Array | Uint8Array;
  const out = new (src.constructor as Float32ArrayConstructor | Uint8ArrayConstructor)(outer * from.length * inner);
  for (let o = 0; o < outer; o++) {
    from.forEach((j, b) => out.set(src.subarray((o * dims[axis] + j) * inner, (o * dims[axis] + j + 1) * inner), (o * from.length + b) * inner));
  }
  dims[axis] = from.length;
  return new (T())(t.type as 'float32', out as Float32Array, dims);
}

export class CachedNetwork implements Network<PendingStep> {
  private cache: Cache | null = null;
  /** Rounds that encoded the whole clean set / only the tokens added since. */
  fullEncodes = 0;
  extends = 0;
  /** Wall time inside the step graph (ms). */
  stepMs = 0;

  constructor(
    private readonly step: OrtSession, private readonly shape: CacheShape,
    readonly vocabSize: number, private readonly refresh: number, private readonly pad = 2,
  ) {}

  async encode(clean: CleanBatch): Promise<PendingStep> {
    const rows = realRows(clean);
    const c = this.cache;
    // refresh N: one full encode then N - 1 extends, so N = 1 is exact (always full)
    const stale = !c || (this.refresh > 0 && c.age >= this.refresh - 1);
    const from = stale ? null : sources(c.rows, rows);
    if (!c || !from) return { rows, added: rows, base: null, from: null };
    const added = rows.map((r, b) => ({ ids: r.ids.slice(c.rows[from[b]].ids.length), pos: r.pos.slice(c.rows[from[b]].ids.length) }));
    return { rows, added, base: c, from: from.every((j, b) => j === b) && c.rows.length === rows.length ? null : from };
  }

  async decode(p: PendingStep, _clean: CleanBatch, queries: QueryBatch): Promise<Logits> {
    const B = p.rows.length;
    // at least one (masked) new token per row keeps every shape non-empty
    const m = Math.max(1, ...p.added.map((t) => t.ids.length));
    const ids: number[] = new Array(B * m).fill(this.pad);
    const pos: number[] = new Array(B * m).fill(0);
    const mask = new Uint8Array(B * m);
    p.added.forEach((t, b) => t.ids.forEach((id, i) => { ids[b * m + i] = id; pos[b * m + i] = t.pos[i]; mask[b * m + i] = 1; }));
    const past = p.base ? (p.from ? this.picked(p.base, p.from) : p.base) : this.emptyCache(B);
    const t0 = performance.now();
    const out = await this.step.run({
      new_ids: i64(ids, [B, m]), new_pos: i64(pos, [B, m]), new_mask: new (T())('bool', mask, [B, m]),
      past_keys: past.keys, past_values: past.values, past_dec_keys: past.decKeys, past_dec_values: past.decValues,
      past_mask: past.mask, query_pos: i64(Array.from(queries.pos), [queries.batch, queries.q]),
    });
    this.stepMs += performance.now() - t0;
    if (p.base) this.extends++;
    else this.fullEncodes++;
    this.cache = {
      rows: p.rows.map((r) => ({ ids: [...r.ids], pos: [...r.pos] })),
      keys: out.keys as OrtTensor, values: out.values as OrtTensor,
      decKeys: out.dec_keys as OrtTensor, decValues: out.dec_values as OrtTensor, mask: out.mask as OrtTensor,
      age: p.base ? p.base.age + 1 : 0,
    };
    const logits = out.logits as OrtTensor;
    const [batch, q, vocab] = logits.dims;
    return { batch, q, vocab, data: logits.data as Float32Array };
  }

  private picked(c: Cache, from: number[]): Cache {
    return {
      ...c, keys: pickRows(c.keys, 1, from), values: pickRows(c.values, 1, from), decKeys: pickRows(c.decKeys, 1, from),
      decValues: pickRows(c.decValues, 1, from), mask: pickRows(c.mask, 0, from),
    };
  }

  private emptyCache(B: number): Cache {
    const { nEnc, nDec, nHeads, headDim } = this.shape;
    const none = (layers: number) => new (T())('float32', new Float32Array(0), [layers, B, nHeads, 0, headDim]);
    return {
      rows: [], keys: none(nEnc), values: none(nEnc), decKeys: none(nDec + 1), decValues: none(nDec + 1),
      mask: new (T())('bool', new Uint8Array(0), [B, 0]), age: 0,
    };
  }

  /** A new fill never reuses the previous fill's cache. */
  startFill(): void {
    this.cache = null;
  }
}
