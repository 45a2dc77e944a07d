/** Small onnxruntime helpers for the benchmarks (the product code goes through server/model). */
import { ort, type OrtSession, type OrtTensor } from '../server/model/ort';

export const THREADS = Number(process.env.BENCH_THREADS ?? 0);

export async function session(file: string): Promise<OrtSession> {
  return ort().InferenceSession.create(file, {
    executionProviders: ['cpu'], graphOptimizationLevel: 'all', interOpNumThreads: 1,
    ...(THREADS > 0 ? { intraOpNumThreads: THREADS } : {}),
  });
}

export function i64(values: number[] | Int32Array, dims: number[]): OrtTensor {
  return new (ort().Tensor)('int64', BigInt64Array.from(Array.from(values), (v) => BigInt(v)), dims);
}

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
