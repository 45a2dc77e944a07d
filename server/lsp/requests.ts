/**
 * Shared plumbing of the fill requests: merging request options over settings, turning an LSP
 * cancellation token into an AbortSignal, and the engine view of a loaded model.
 */
import type { CancellationToken } from 'vscode-languageserver/node';
import { sanitizeSettings, type PgmSettings, type SamplingOptions } from '../protocol';
import type { EngineModel } from '../engine/fill';
import type { LoadedModel } from '../model/host';
import { randomSeed } from '../sampler/prng';
import type { SamplerOptions } from '../sampler/types';

export function signalOf(token: CancellationToken | undefined): AbortSignal {
  const ac = new AbortController();
  if (token?.isCancellationRequested) ac.abort();
  token?.onCancellationRequested(() => ac.abort());
  return ac.signal;
}

export interface ResolvedOptions {
  sampler: Omit<SamplerOptions, 'onStep' | 'signal'>;
  capacity: number;
}

/** Request overrides on top of the settings, sanitised the same way as the settings. */
export function resolveOptions(settings: PgmSettings, options: SamplingOptions | undefined, inline: boolean): ResolvedOptions {
  const o = options && typeof options === 'object' ? options : {};
  const merged = sanitizeSettings({ ...settings, ...o, inline: settings.inline });
  const capacity = inline && o.capacity === undefined ? settings.inline.maxTokens : merged.capacity;
  return {
    capacity,
    sampler: {
      steps: merged.steps,
      order: merged.order,
      temperature: merged.temperature,
      topP: merged.topP,
      seed: merged.seed ?? randomSeed(),
      singleLine: typeof o.singleLine === 'boolean' ? o.singleLine : inline,
      earlyStop: true,
    },
  };
}

export function engineOf(model: LoadedModel): EngineModel {
  return {
    tokenizer: model.tokenizer,
    network: model.sampling,
    specialIds: model.manifest.specialIds,
    canvas: model.manifest.architecture.canvas,
  };
}
