/**
 * The one place onnxruntime-node is loaded. Loaded lazily so that telemetry is switched off
 * (ORT_DISABLE_TELEMETRY) before the native module initialises, and so that tools which never
 * run a model (unit tests, --help) do not pay for loading it.
 */
import type * as OrtModule from 'onnxruntime-node';

export type Ort = typeof OrtModule;
export type OrtSession = OrtModule.InferenceSession;
export type OrtTensor = OrtModule.Tensor;

let loaded: Ort | null = null;

export function ort(): Ort {
  if (!loaded) {
    process.env.ORT_DISABLE_TELEMETRY = '1';
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require('onnxruntime-node') as Ort;
    loaded.env.logLevel = 'error';
  }
  return loaded;
}

/** Execution providers this onnxruntime-node build ships for this platform. */
export function supportedBackends(): string[] {
  try {
    return ort().listSupportedBackends().map((b) => b.name);
  } catch {
    return ['cpu'];
  }
}
