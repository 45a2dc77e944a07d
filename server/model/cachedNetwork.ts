/**
 * Sampling over the model's step graph (`cache_step.onnx`, training/cache_export.py): one
 * network call per step. With `refresh` 1 every round runs it with an empty cache over every
 * clean token: that is exact sampling, and how the server samples exactly when the model ships
 * the step graph (model/host.ts). Otherwise it is the approximate context cache: the first
 * round of a fill runs the step graph with an empty cache over every clean token; later rounds whose clean set only appends tokens run it over the
 * new tokens alone, which attend to the cached encoder keys/values and to each other. Cached
 * tokens do not see the tokens added after them: that is the approximation, and `refresh`
 * bounds its age by a full re-encode every `refresh` rounds (0 = never). Anything that is not an
 * append re-encodes in full, except that up to 4 cached tokens may leave the clean set (a healing
 * re-draw): they are masked out of the cache. One instance serves one fill; the
 * session is shared, so instances are cheap.
 */
import type { CleanBatch, Logits, Network, QueryBatch } from '../sampler/types';
import { int64Tensor as i64, ort, type OrtSession, type OrtTensor } from './ort';

interface Row {
  ids: number[];
  pos: number[];
}

/** A cached row: its tokens and where each sits along the cache tensors' token axis. */
interface CachedRow extends Row {
  at: number[];
}

/** The graph's cache tensors, fed back as the next call's past_* inputs (never copied into JS). */
interface Cache {
  rows: CachedRow[];
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
  /** Per row: cache indices of tokens that left the clean set (masked out), and of those kept. */
  drop: number[][];
  kept: number[][];
}

/** At most this many cached tokens may leave a row's clean set (a healing re-draw) before a full encode. */
const MAX_DROP = 4;

export interface CacheShape {
  nEnc: number;
  nDec: number;
  nHeads: number;
  headDim: number;
}

const T = () => ort().Tensor;

function realRows(c: CleanBatch): Row[] {
  return Array.from({ length: c.batch }, (_, b) => {
    const row: Row = { ids: [], pos: [] };
    for (let i = 0; i < c.n; i++) {
      if (c.mask[b * c.n + i]) { row.ids.push(c.ids[b * c.n + i]); row.pos.push(c.pos[b * c.n + i]); }
    }
    return row;
  });
}

interface RowMatch { from: number; tail: number; drop: number[]; kept: number[] }

/**
 * How `now` continues cached row `old`: its tokens are old's (same order, same ids; up to
 * MAX_DROP of old's may be gone, as when healing re-draws a token) followed by new ones from
 * index `tail`; null otherwise. Positions are unique within a row, so they identify tokens.
 */
function continues(old: CachedRow, now: Row, from: number): RowMatch | null {
  const where = new Map(old.pos.map((p, k) => [p, k]));
  const keep = new Set<number>();
  let last = -1;
  let tail = now.ids.length;
  for (let i = 0; i < now.ids.length; i++) {
    const k = where.get(now.pos[i]);
    if (k === undefined) { tail = Math.min(tail, i); continue; }
    if (i > tail || k <= last || old.ids[k] !== now.ids[i]) return null;
    keep.add(k);
    last = k;
  }
  const drop = old.at.filter((_, k) => !keep.has(k));
  if (drop.length > MAX_DROP) return null;
  return { from, tail, drop, kept: old.at.filter((_, k) => keep.has(k)) };
}

/**
 * How each row continues a cached one (itself when the batch is unchanged; any row otherwise, as
 * when K candidates of one hole follow their shared length round), or null when some row
 * continues none: then the round re-encodes in full.
 */
function sources(cached: CachedRow[], now: Row[]): RowMatch[] | null {
  const out: RowMatch[] = [];
  for (let b = 0; b < now.length; b++) {
    const candidates = cached.length === now.length ? [b] : cached.map((_, j) => j);
    let m: RowMatch | null = null;
    for (const j of candidates) if ((m = continues(cached[j], now[b], j))) break;
    if (!m) return null;
    out.push(m);
  }
  return out;
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
    const match = stale ? null : sources(c.rows, rows);
    if (!c || !match) return { rows, added: rows, base: null, from: null, drop: [], kept: [] };
    const added = rows.map((r, b) => ({ ids: r.ids.slice(match[b].tail), pos: r.pos.slice(match[b].tail) }));
    const same = c.rows.length === rows.length && match.every((x, b) => x.from === b);
    return { rows, added, base: c, from: same ? null : match.map((x) => x.from), drop: match.map((x) => x.drop), kept: match.map((x) => x.kept) };
  }

  async decode(p: PendingStep, _clean: CleanBatch, queries: QueryBatch): Promise<Logits> {
    const B = p.rows.length;
    // at least one (masked) new token per row keeps every shape non-empty
    const m = Math.max(1, ...p.added.map((t) => t.ids.length));
    const ids: number[] = new Array(B * m).fill(this.pad);
    const pos: number[] = new Array(B * m).fill(0);
    const mask = new Uint8Array(B * m);
    p.added.forEach((t, b) => t.ids.forEach((id, i) => { ids[b * m + i] = id; pos[b * m + i] = t.pos[i]; mask[b * m + i] = 1; }));
    const past = p.base ? this.past(p) : this.emptyCache(B);
    const P = past.mask.dims[1];
    const t0 = performance.now();
    const feeds = {
      new_ids: i64(ids, [B, m]), new_pos: i64(pos, [B, m]), new_mask: new (T())('bool', mask, [B, m]),
      past_keys: past.keys, past_values: past.values, past_dec_keys: past.decKeys, past_dec_values: past.decValues,
      past_mask: past.mask, query_pos: i64(queries.pos, [queries.batch, queries.q]),
    };
    // exact sampling (refresh 1) never reads the cache: fetching the logits alone spares copying
    // every layer's keys and values out of onnxruntime each round
    const exact = this.refresh === 1;
    const out = exact ? await this.step.run(feeds, ['logits']) : await this.step.run(feeds);
    this.stepMs += performance.now() - t0;
    if (p.base) this.extends++;
    else this.fullEncodes++;
    if (!exact) this.cache = {
      rows: p.rows.map((r, b) => {
        const fresh = Array.from({ length: p.added[b].ids.length }, (_, i) => P + i);
        return { ids: [...r.ids], pos: [...r.pos], at: p.base ? [...p.kept[b], ...fresh] : fresh };
      }),
      keys: out.keys as OrtTensor, values: out.values as OrtTensor,
      decKeys: out.dec_keys as OrtTensor, decValues: out.dec_values as OrtTensor, mask: out.mask as OrtTensor,
      age: p.base ? p.base.age + 1 : 0,
    };
    const logits = out.logits as OrtTensor;
    const [batch, q, vocab] = logits.dims;
    return { batch, q, vocab, data: logits.data as Float32Array };
  }

  /** The cache a step extends: rows picked for the batch, tokens that left the clean set masked out. */
  private past(p: PendingStep): Cache {
    const c = p.base as Cache;
    const from = p.from;
    const picked = from ? {
      ...c, keys: pickRows(c.keys, 1, from), values: pickRows(c.values, 1, from), decKeys: pickRows(c.decKeys, 1, from),
      decValues: pickRows(c.decValues, 1, from), mask: pickRows(c.mask, 0, from),
    } : c;
    if (p.drop.every((d) => d.length === 0)) return picked;
    const [B, P] = picked.mask.dims;
    const mask = Uint8Array.from(picked.mask.data as Uint8Array);
    p.drop.forEach((d, b) => d.forEach((k) => { mask[b * P + k] = 0; }));
    return { ...picked, mask: new (T())('bool', mask, [B, P]) };
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
