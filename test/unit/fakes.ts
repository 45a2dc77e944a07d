/** Test doubles for the pure stages: a small char tokenizer and a scriptable network. */
import type { TextTokenizer } from '../../server/sampler/slice';
import type { CleanBatch, Logits, Network, QueryBatch } from '../../server/sampler/types';

export const SPECIALS = { doc: 0, gap: 1, pad: 2 };

/** Greedy longest-match tokenizer over a fixed vocabulary (ids 0-2 are specials). */
export class FakeTokenizer implements TextTokenizer {
  readonly vocab: string[];
  readonly healing: boolean;
  /** Lengths of every text passed to encode (to check large documents are sliced). */
  readonly encodedLengths: number[] = [];
  private readonly enc = new TextEncoder();

  constructor(extra: string[] = ['foo', 'fo', 'oo', 'bar', 'ba', 'ar', 'def', ' x', '\n    '], healing = true) {
    const chars = 'abcdefghijklmnopqrstuvwxyz_ ()\n:=+.0123456789'.split('');
    this.vocab = ['<|doc|>', '<|gap|>', '<|pad|>', ...chars, ...extra];
    this.healing = healing;
  }

  get vocabSize(): number {
    return this.vocab.length;
  }

  id(token: string): number {
    const i = this.vocab.indexOf(token);
    if (i < 0) throw new Error(`no token ${JSON.stringify(token)}`);
    return i;
  }

  encode(text: string): number[] {
    this.encodedLengths.push(text.length);
    const out: number[] = [];
    let i = 0;
    while (i < text.length) {
      let best = -1;
      for (let id = 3; id < this.vocab.length; id++) {
        const t = this.vocab[id];
        if (text.startsWith(t, i) && (best < 0 || t.length > this.vocab[best].length)) best = id;
      }
      // unknown characters become '_'
      out.push(best < 0 ? this.id('_') : best);
      i += best < 0 ? 1 : this.vocab[best].length;
    }
    return out;
  }

  tokenBytes(id: number): Uint8Array {
    return id < 3 ? new Uint8Array(0) : this.enc.encode(this.vocab[id]);
  }

  text(ids: number[]): string {
    return ids.map((i) => (i < 3 ? `<${i}>` : this.vocab[i])).join('');
  }
}

export interface Call {
  clean: { ids: number[]; pos: number[] }[];
  queries: number[][];
}

/**
 * A network whose logits come from a function of (row's clean tokens, query position):
 * `prefer` returns the id to favour (logit 10, others 0), or null for flat logits.
 */
export class FakeNetwork implements Network<CleanBatch> {
  readonly calls: Call[] = [];
  onEncode?: () => void;

  constructor(
    readonly vocabSize: number,
    private readonly prefer: (clean: { ids: number[]; pos: number[] }, pos: number) => number | null = () => null,
  ) {}

  async encode(clean: CleanBatch): Promise<CleanBatch> {
    this.onEncode?.();
    return clean;
  }

  async decode(clean: CleanBatch, _c: CleanBatch, queries: QueryBatch): Promise<Logits> {
    const rows = unpack(clean);
    const qs: number[][] = [];
    const data = new Float32Array(queries.batch * queries.q * this.vocabSize);
    for (let b = 0; b < queries.batch; b++) {
      qs.push(Array.from(queries.pos.subarray(b * queries.q, (b + 1) * queries.q)));
      for (let i = 0; i < queries.q; i++) {
        const want = this.prefer(rows[b], queries.pos[b * queries.q + i]);
        if (want !== null) data[(b * queries.q + i) * this.vocabSize + want] = 10;
      }
    }
    this.calls.push({ clean: rows, queries: qs });
    return { batch: queries.batch, q: queries.q, vocab: this.vocabSize, data };
  }
}

function unpack(c: CleanBatch): { ids: number[]; pos: number[] }[] {
  const rows = [];
  for (let b = 0; b < c.batch; b++) {
    const ids: number[] = [];
    const pos: number[] = [];
    for (let i = 0; i < c.n; i++) {
      if (c.mask[b * c.n + i]) {
        ids.push(c.ids[b * c.n + i]);
        pos.push(c.pos[b * c.n + i]);
      }
    }
    rows.push({ ids, pos });
  }
  return rows;
}
