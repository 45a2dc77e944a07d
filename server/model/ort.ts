/**
 * The one place onnxruntime-node is loaded. Loaded lazily so that telemetry is switched off
 * (ORT_DISABLE_TELEMETRY) before the native module initialises, and so that tools which never
 * run a model (unit tests, --help) do not pay for loading it.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type * as OrtModule from 'onnxruntime-node';

export type Ort = typeof OrtModule;
export type OrtSession = OrtModule.InferenceSession;
export type OrtTensor = OrtModule.Tensor;

let loaded: Ort | null = null;

export function ort(): Ort {
  if (!loaded) {
    process.env.ORT_DISABLE_TELEMETRY = '1';
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: after the telemetry switch, only when a model runs
    loaded = require('onnxruntime-node') as Ort;
    // provider start-up failures are reported by us, in one line each; ORT's own logs are noise
    loaded.env.logLevel = 'fatal';
  }
  return loaded;
}

/** An int64 tensor from JS numbers (the graphs take int64 ids and positions; the sampler works in Int32Array). */
export function int64Tensor(values: ArrayLike<number>, dims: number[]): OrtTensor {
  const big = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) big[i] = BigInt(values[i]);
  return new (ort().Tensor)('int64', big, dims);
}

/** Execution providers this onnxruntime-node build ships for this platform. */
export function supportedBackends(): string[] {
  try {
    return ort().listSupportedBackends().map((b) => b.name);
  } catch {
    return ['cpu'];
  }
}

/**
 * CUDA ships as a separate provider library that the default (CPU) install of onnxruntime-node
 * leaves out; checking for it avoids a noisy failed start and gives a useful reason.
 * Returns null when the answer is unknown (other providers, unusual layouts).
 */
export function missingProviderLibrary(ep: string): string | null {
  if (ep === 'webgpu') return missingVulkan();
  if (ep !== 'cuda') return null;
  try {
    const base = join(dirname(require.resolve('onnxruntime-node')), '..', 'bin', 'napi-v6', process.platform, process.arch);
    const lib = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
    if (!existsSync(base) || existsSync(join(base, lib))) return null;
    return `${lib} is not installed (reinstall onnxruntime-node with ONNXRUNTIME_NODE_INSTALL=cuda12)`;
  } catch {
    return null;
  }
}

/** WebGPU on Linux runs on Dawn over Vulkan; without a Vulkan loader it cannot start. */
function missingVulkan(): string | null {
  if (process.platform !== 'linux') return null;
  const dirs = [...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean),
    `/usr/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu`, '/usr/lib64', '/usr/lib', '/usr/local/lib'];
  return dirs.some((d) => existsSync(join(d, 'libvulkan.so.1'))) ? null : 'no Vulkan loader (libvulkan.so.1) on this machine';
}
