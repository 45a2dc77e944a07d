/** Small onnxruntime helpers for the benchmarks (the product code goes through server/model). */
import type { Network } from '../server/sampler/types';
import { int64Tensor, ort, type OrtSession, type OrtTensor } from '../server/model/ort';

export const THREADS = Number(process.env.BENCH_THREADS ?? 0);

export async function session(file: string): Promise<OrtSession> {
  return ort().InferenceSession.create(file, {
    executionProviders: ['cpu'], graphOptimizationLevel: 'all', interOpNumThreads: 1,
    ...(THREADS > 0 ? { intraOpNumThreads: THREADS } : {}),
  });
}

export const i64 = int64Tensor;

export function bool(values: number[] | Uint8Array, dims: number[]): OrtTensor {
  return new (ort().Tensor)('bool', Uint8Array.from(values), dims);
}

export function f32(values: Float32Array, dims: number[]): OrtTensor {
  return new (ort().Tensor)('float32', values, dims);
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

export async function time<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const v = await fn();
  return [v, performance.now() - t0];
}

/** Wraps a network and adds up the wall time of its calls and its rounds (decode calls). */
export function timed<M>(net: Network<M>): { net: Network<M>; ms: () => number; rounds: () => number } {
  let ms = 0;
  let rounds = 0;
  const wrap = <A extends unknown[], R>(f: (...a: A) => Promise<R>) => async (...a: A): Promise<R> => {
    const t0 = performance.now();
    try { return await f(...a); } finally { ms += performance.now() - t0; }
  };
  const decode = wrap(net.decode.bind(net));
  const w: Network<M> = {
    vocabSize: net.vocabSize, encode: wrap(net.encode.bind(net)), decode: (...a) => { rounds++; return decode(...a); },
    releaseMemory: net.releaseMemory?.bind(net), startFill: net.startFill?.bind(net),
  };
  return { net: w, ms: () => ms, rounds: () => rounds };
}
