/**
 * Shared plumbing of the fill requests: checking request options and merging them over settings, turning an LSP
 * cancellation token into an AbortSignal (the engine view of a model: engine/modelView.ts).
 */
import type { CancellationToken } from 'vscode-languageserver/node';
import { LENGTH_FROM, OVERSIZE, PgmErrorCodes, type LengthFrom, type Oversize } from '../../contract/protocol';
import { invalidReason, settingSpec, type PgmSettings } from '../../contract/settings';
import { randomSeed } from '../sampler/prng';
import { inlineSchedule } from '../sampler/schedule';
import type { SamplerOptions } from '../sampler/types';
import { PgmError } from './errors';

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

/** The SamplingOptions fields that override the setting of the same name for one request. */
type Override = 'steps' | 'order' | 'temperature' | 'topP' | 'seed' | 'capacity' | 'candidates';

function refuse(message: string): never {
  throw new PgmError(PgmErrorCodes.InvalidParams, message);
}

/** One override, checked against its setting's rule; undefined when the request leaves it out (or null). */
function override<K extends Override>(o: Record<string, unknown>, key: K): PgmSettings[K] | undefined {
  let v = o[key];
  // SamplingOptions.seed: null or negative = a fresh seed (the setting's -1)
  if (key === 'seed' && (v === null || (typeof v === 'number' && v < 0))) v = -1;
  if (v === undefined || v === null) return undefined;
  const why = invalidReason(settingSpec(key), v);
  if (why) refuse(`options.${key} ${why}`);
  return v as PgmSettings[K];
}

function choice<T extends string>(o: Record<string, unknown>, key: string, allowed: readonly T[], def: T): T {
  const v = o[key];
  if (v === undefined || v === null) return def;
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
  return refuse(`options.${key} must be one of ${allowed.join(', ')}`);
}

/**
 * Request overrides on top of the settings. The settings were sanitised where they entered the
 * server (lsp/settings.ts); the options are the request's own input, so an invalid one is refused
 * with InvalidParams naming the field and its rule (the setting's, contract/settings.ts), never
 * silently repaired.
 */
export function resolveOptions(settings: PgmSettings, options: unknown, inline: boolean): ResolvedOptions {
  if (options !== undefined && options !== null && (typeof options !== 'object' || Array.isArray(options))) refuse('options must be an object');
  const o = (options ?? {}) as Record<string, unknown>;
  const steps = override(o, 'steps');
  const capacity = override(o, 'capacity') ?? (inline ? settings.inline.maxTokens : settings.capacity);
  const singleLine = o.singleLine ?? null;
  if (singleLine !== null && typeof singleLine !== 'boolean') refuse('options.singleLine must be true or false');
  const seed = override(o, 'seed') ?? settings.seed;
  const schedule = inline ? inlineSchedule(settings.inline.steps, capacity) : { steps: settings.steps };
  return {
    capacity,
    candidates: override(o, 'candidates') ?? (inline ? settings.inline.candidates : settings.candidates),
    lengthFrom: choice(o, 'lengthFrom', LENGTH_FROM, 'selection'),
    oversize: choice(o, 'oversize', OVERSIZE, 'error'),
    sampler: {
      // inline: inline.steps and the merged length round (schedule.ts inlineSchedule); a request
      // that names its steps keeps them
      ...schedule,
      ...(steps !== undefined ? { steps } : {}),
      order: override(o, 'order') ?? settings.order,
      temperature: override(o, 'temperature') ?? settings.temperature,
      topP: override(o, 'topP') ?? settings.topP,
      seed: seed < 0 ? randomSeed() : seed,
      singleLine: singleLine ?? inline,
      earlyStop: true,
    },
  };
}
