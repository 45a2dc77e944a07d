/**
 * The two baselines of the benchmark, driven the way a sampler would drive them, with the same
 * token draw (server/sampler/distribution) as the PGM so JS-side costs are comparable.
 * - MDLM-style: every step runs the whole canvas ([MASK] at unknown positions).
 * - Autoregressive: prefill the prefix once, then one token per step with a KV cache.
 */
import { allIdsExcept, drawToken } from '../server/sampler/distribution';
import { createRng, shuffle } from '../server/sampler/prng';
import { stepSizes } from '../server/sampler/schedule';
import type { OrtSession, OrtTensor } from '../server/model/ort';
import { bool, i64 } from './ort';

const OPTS = { temperature: 1, topP: 1 };

/** Fills `holes[b]` (canvas positions) of each row in `steps` full-canvas passes (random order). */
export async function mdlmFill(s: OrtSession, canvas: number[][], holes: number[][], steps: number, vocab: number, maskId: number): Promise<void> {
  const rng = createRng(1);
  const ids = allIdsExcept(vocab, [0, 2]);
  const B = canvas.length;
  const L = canvas[0].length;
  const orders = holes.map((h) => shuffle([...h], rng));
  const sizes = holes.map((h) => stepSizes(h.length, steps));
  for (const row of canvas) for (const h of holes[canvas.indexOf(row)]) row[h] = maskId;
  const done = holes.map(() => 0);
  for (let t = 0; t < steps; t++) {
    const q = orders.map((o, b) => o.slice(done[b], done[b] + sizes[b][t]));
    const Q = Math.max(1, ...q.map((x) => x.length));
    const qpos = q.flatMap((x) => Array.from({ length: Q }, (_, i) => x[i] ?? x[0] ?? 0));
    const out = await s.run({
      ids: i64(canvas.flat(), [B, L]), pos: i64(canvas.flatMap(() => Array.from({ length: L }, (_, i) => i)), [B, L]),
      mask: bool(new Array(B * L).fill(1), [B, L]), query_pos: i64(qpos, [B, Q]),
    });
    const logits = (out.logits as OrtTensor).data as Float32Array;
    q.forEach((x, b) => x.forEach((p, i) => { canvas[b][p] = drawToken(logits, (b * Q + i) * vocab, ids, OPTS, rng).id; }));
    q.forEach((x, b) => (done[b] += x.length));
  }
}

/** Generates `n` tokens after `prefix` (same length per row) with a KV cache. */
export async function arGenerate(prefill: OrtSession, step: OrtSession, prefix: number[][], n: number, vocab: number): Promise<void> {
  const rng = createRng(1);
  const ids = allIdsExcept(vocab, [0, 2]);
  const B = prefix.length;
  const T = prefix[0].length;
  let out = await prefill.run({ ids: i64(prefix.flat(), [B, T]), pos: i64(prefix.flatMap(() => Array.from({ length: T }, (_, i) => i)), [B, T]) });
  for (let t = 0; t < n; t++) {
    const logits = (out.logits as OrtTensor).data as Float32Array;
    const next = Array.from({ length: B }, (_, b) => drawToken(logits, b * vocab, ids, OPTS, rng).id);
    if (t === n - 1) break;
    out = await step.run({ ids: i64(next, [B, 1]), pos: i64(new Array(B).fill(T + t), [B, 1]), past_k: out.present_k, past_v: out.present_v });
  }
}
