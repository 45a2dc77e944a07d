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
  /** The request named its capacity (otherwise it comes from the settings). */
  capacityRequested: boolean;
}

/** Request overrides on top of the settings, sanitised the same way as the settings. */
export function resolveOptions(settings: PgmSettings, options: SamplingOptions | undefined, inline: boolean): ResolvedOptions {
  const o = options && typeof options === 'object' ? options : {};
  const merged = sanitizeSettings({ ...settings, ...o, inline: settings.inline });
  const capacity = inline && o.capacity === undefined ? settings.inline.maxTokens : merged.capacity;
  return {
    capacity,
    capacityRequested: o.capacity !== undefined,
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

/** The contextCache setting's value as LoadedModel.networkFor takes it (-1 = exact = null). */
export function cacheOf(setting: number): number | null {
  return setting >= 0 ? setting : null;
}

/** The engine view of a model for one fill; `contextCache` as LoadedModel.networkFor. */
export function engineOf(model: LoadedModel, contextCache: number | null): EngineModel {
  return {
    tokenizer: model.tokenizer,
    network: model.networkFor(contextCache),
    specialIds: model.manifest.specialIds,
    canvas: model.manifest.architecture.canvas,
    fixedLength: model.manifest.fillLength === 'fixed',
  };
}

/**
 * Capacity of one hole. A fixed-length model (no gap filler) fills a hole with exactly its
 * capacity, so a selection it replaces defaults to its own length in tokens (an empty range or
 * an explicit `capacity` option keeps the resolved capacity). Models with a gap filler choose
 * the length themselves, up to the resolved capacity.
 */
export function holeCapacity(model: LoadedModel, text: string, range: { start: number; end: number }, opts: ResolvedOptions): number {
  if (model.manifest.fillLength !== 'fixed' || opts.capacityRequested || range.end <= range.start) return opts.capacity;
  return Math.min(1024, Math.max(1, model.tokenizer.encode(text.slice(range.start, range.end)).length));
}
