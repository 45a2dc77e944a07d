/**
 * The measured regimes: (a) generation from scratch (the paper's), (b) the editor (a full canvas
 * of context around one hole), and (c) achieved FLOP/s of one encoder pass against the
 * machine's measured MatMul peak.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fillHoles } from '../server/engine/fill';
import type { LoadedModel } from '../server/model/host';
import type { OrtSession } from '../server/model/ort';
import { engineOf } from '../server/engine/modelView';
import { runSampler } from '../server/sampler/loop';
import { arGenerate, mdlmFill } from './baselines';
import { f32, median, time } from './ort';

export interface Sessions {
  mdlm: OrtSession;
  prefill: OrtSession;
  step: OrtSession;
  /** [M, k] x [k, n] MatMul graphs (M dynamic). */
  matmuls: { k: number; n: number; s: OrtSession }[];
}

export interface GenRow { steps: number; pgm: number; mdlm: number; ar: number }

/** (a) tokens/s generating B canvases from <|doc|> alone, random order, at several step counts. */
export async function generation(pgm: LoadedModel, s: Sessions, B: number, stepsList: number[], reps: number): Promise<GenRow[]> {
  const L = pgm.manifest.architecture.canvas;
  const V = pgm.manifest.architecture.vocabSize;
  const n = L - 1;
  const rows = Array.from({ length: B }, () => ({ ids: [0], pos: [0], holes: [{ start: 1, capacity: n, headBytes: new Uint8Array(0), tailBytes: new Uint8Array(0) }] }));
  const ctx = { specials: pgm.manifest.specialIds, tokenBytes: (id: number) => pgm.tokenizer.tokenBytes(id) };
  const canvas = () => Array.from({ length: B }, () => [0, ...new Array(n).fill(0)]);
  const holes = Array.from({ length: B }, () => Array.from({ length: n }, (_, i) => i + 1));
  const ar: number[] = [];
  const ms = stepsList.map(() => ({ pgm: [] as number[], mdlm: [] as number[] }));
  // interleaved: every round runs each variant once, so all see the same machine load
  for (let round = 0; round < reps; round++) {
    ar.push((await time(() => arGenerate(s.prefill, s.step, Array.from({ length: B }, () => [0]), n, V)))[1]);
    for (const [i, steps] of stepsList.entries()) {
      ms[i].pgm.push((await time(() => runSampler(pgm.networkFor(null), rows, ctx, { steps, order: 'random', temperature: 1, topP: 1, seed: 1, singleLine: false, earlyStop: false })))[1]);
      ms[i].mdlm.push((await time(() => mdlmFill(s.mdlm, canvas(), holes, steps, V, V)))[1]);
    }
  }
  const rate = (xs: number[]) => (B * n) / (median(xs) / 1000);
  return stepsList.map((steps, i) => ({ steps, pgm: rate(ms[i].pgm), mdlm: rate(ms[i].mdlm), ar: rate(ar) }));
}

export interface EditorRow { hole: number; steps: number; pgm: number; pgmRandom: number; cache0: number; cache4: number; mdlm: number; ar: number }

/** (b) latency (p50 of `reps`) of one fill with the canvas full of context, batch 1. */
export async function editor(pgm: LoadedModel, s: Sessions, holes: number[], steps: number, reps: number): Promise<EditorRow[]> {
  const text = readFileSync(join(__dirname, '../server/sampler/loop.ts'), 'utf8');
  const at = Math.floor(text.length / 2);
  const L = pgm.manifest.architecture.canvas;
  const V = pgm.manifest.architecture.vocabSize;
  const out: EditorRow[] = [];
  for (const hole of holes) {
    const run = (order: 'confidence' | 'random', cache: number | null = null) => fillHoles(engineOf(pgm, cache), {
      text, holes: [{ start: at, end: at, capacity: hole }], window: 0,
      sampler: { steps, order, temperature: 0.7, topP: 0.95, seed: 1, singleLine: false, earlyStop: false },
    });
    const ctxLen = L - hole;
    const pre = Math.floor(ctxLen / 2);
    const canvas = () => [Array.from({ length: L }, (_, i) => 3 + (i % 1000))];
    const holePos = [Array.from({ length: hole }, (_, i) => pre + i)];
    const variants: Record<Exclude<keyof EditorRow, 'hole' | 'steps'>, () => Promise<unknown>> = {
      pgm: () => run('confidence'),
      pgmRandom: () => run('random'),
      cache0: () => run('confidence', 0),
      cache4: () => run('confidence', 4),
      mdlm: () => mdlmFill(s.mdlm, canvas(), holePos, steps, V, V),
      // AR sees only the prefix (no suffix) and needs one step per token
      ar: () => arGenerate(s.prefill, s.step, [Array.from({ length: L - hole }, (_, i) => 3 + i)], hole, V),
    };
    out.push({ hole, steps, ...(await interleaved(variants, reps)) });
  }
  return out;
}

/**
 * p50 latency of each variant, measured round-robin (one run of each per round) so that load
 * from other processes on this shared machine hits every variant alike.
 */
async function interleaved<K extends string>(variants: Record<K, () => Promise<unknown>>, reps: number): Promise<Record<K, number>> {
  const keys = Object.keys(variants) as K[];
  const times = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (const k of keys) await variants[k]();
  for (let i = 0; i < reps; i++) for (const k of keys) times[k].push((await time(variants[k]))[1]);
  return Object.fromEntries(keys.map((k) => [k, median(times[k])])) as Record<K, number>;
}

export interface FlopsResult {
  /** Best GFLOP/s over the MatMul shapes (best run of each), and which shape reached it. */
  peakGflops: number;
  peakShape: string;
  /** Encoder GFLOP/s at its best run (comparable with the peak) and at its median run. */
  encoderGflops: number;
  encoderGflopsP50: number;
  encoderMs: number;
  encoderGflop: number;
  n: number;
}

/** (c) one encoder pass over a full canvas of clean tokens vs a large MatMul. */
export async function flops(pgm: LoadedModel, s: Sessions, reps: number): Promise<FlopsResult> {
  const a = pgm.manifest.architecture;
  let peakGflops = 0;
  let peakShape = '';
  for (const { k, n, s: mm } of s.matmuls) {
    for (const M of [a.canvas, 1024]) {
      const x = f32(new Float32Array(M * k).fill(0.01), [M, k]);
      await mm.run({ x });
      let best = Infinity;
      for (let i = 0; i < reps; i++) best = Math.min(best, (await time(() => mm.run({ x })))[1]);
      const g = (2 * M * k * n) / (best / 1000) / 1e9;
      if (g > peakGflops) { peakGflops = g; peakShape = `[${M}, ${k}] x [${k}, ${n}]`; }
    }
  }
  const n = a.canvas;
  const clean = { batch: 1, n, ids: Int32Array.from({ length: n }, (_, i) => 3 + i), pos: Int32Array.from({ length: n }, (_, i) => i), mask: new Uint8Array(n).fill(1) };
  const net = pgm.networkFor(null);
  await net.encode(clean);
  const enc: number[] = [];
  for (let i = 0; i < reps; i++) enc.push((await time(() => net.encode(clean)))[1]);
  // per layer: q, kv, o projections (4 d^2 MACs per token), MLP (2 d dff), attention (2 n d)
  const macs = a.nEnc * n * (4 * a.dModel * a.dModel + 2 * a.dModel * a.dFf + 2 * n * a.dModel);
  const encoderGflop = (2 * macs) / 1e9;
  const encoderMs = median(enc);
  return {
    peakGflops, peakShape, encoderGflops: encoderGflop / (Math.min(...enc) / 1000), encoderGflopsP50: encoderGflop / (encoderMs / 1000),
    encoderMs, encoderGflop, n,
  };
}
