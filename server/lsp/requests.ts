/**
 * Shared plumbing of the fill requests: merging request options over settings, turning an LSP
 * cancellation token into an AbortSignal (the engine view of a model: engine/modelView.ts).
 */
import type { CancellationToken } from 'vscode-languageserver/node';
import { LENGTH_FROM, OVERSIZE, type LengthFrom, type Oversize, type SamplingOptions } from '../../contract/protocol';
import { sanitizeSettings, type PgmSettings } from '../../contract/settings';
import { randomSeed } from '../sampler/prng';
import { inlineSchedule } from '../sampler/schedule';
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
  /** Candidates per hole (explicit: `candidates`, inline: `inline.candidates`, unless the request says). */
  candidates: number;
  lengthFrom: LengthFrom;
  oversize: Oversize;
}

function pick<T extends string>(v: unknown, allowed: readonly T[], def: T): T {
  return typeof v === 'string' && (allowed as readonly string[]).includes(v) ? (v as T) : def;
}

/** Request overrides on top of the settings, sanitised the same way as the settings. */
export function resolveOptions(settings: PgmSettings, options: SamplingOptions | undefined, inline: boolean): ResolvedOptions {
  const o = options && typeof options === 'object' ? options : {};
  const merged = sanitizeSettings({ ...settings, ...o, inline: settings.inline });
  const capacity = inline && o.capacity === undefined ? settings.inline.maxTokens : merged.capacity;
  const candidates = inline && o.candidates === undefined ? settings.inline.candidates : merged.candidates;
  const schedule = inline ? inlineSchedule(settings.inline.steps, capacity) : { steps: merged.steps };
  return {
    capacity,
    candidates,
    lengthFrom: pick(o.lengthFrom, LENGTH_FROM, 'selection'),
    oversize: pick(o.oversize, OVERSIZE, 'error'),
    sampler: {
      // inline: inline.steps and the merged length round (schedule.ts inlineSchedule); a request
      // that names its steps keeps them
      ...schedule,
      ...(o.steps !== undefined ? { steps: merged.steps } : {}),
      order: merged.order,
      temperature: merged.temperature,
      topP: merged.topP,
      seed: merged.seed < 0 ? randomSeed() : merged.seed,
      singleLine: typeof o.singleLine === 'boolean' ? o.singleLine : inline,
      earlyStop: true,
    },
  };
}
