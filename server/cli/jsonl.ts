/**
 * `--jsonl` batch mode: one request per input line, one JSON answer per line, in order.
 * A bad line gets {"error": ...} and the stream goes on. `"mode": "inline"` applies the
 * extension's inline defaults (capacity, steps, context cache, single line) instead of the
 * command line's, so the inline path can be measured from outside the editor; fields given in
 * the line still win.
 */
import { performance } from 'node:perf_hooks';
import { fillHoles, type EngineModel } from '../engine/fill';
import { randomSeed } from '../sampler/prng';
import { DEFAULT_SETTINGS, SAMPLING_ORDERS, type SamplingOrder } from '../protocol';
import { inlineSteps } from '../sampler/schedule';
import type { CliArgs } from './args';

export interface JsonlAnswer {
  id?: unknown;
  fill?: string;
  ms?: number;
  tokens?: number;
  steps?: number;
  seed?: number;
  error?: string;
}

function numberField(o: Record<string, unknown>, key: string, def: number, min: number, max: number, integer: boolean): number {
  const v = o[key];
  if (v === undefined || v === null) return def;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
    throw new Error(`${key} must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}]`);
  }
  return v;
}

/** Defaults of one line: the command line's, or the extension's inline settings. */
function defaultsOf(o: Record<string, unknown>, args: CliArgs) {
  if (o.mode === undefined || o.mode === 'fill') return { capacity: args.capacity, steps: args.steps, cache: args.contextCache, singleLine: false };
  if (o.mode !== 'inline') throw new Error('mode must be "inline" or "fill"');
  const i = DEFAULT_SETTINGS.inline;
  return { capacity: i.maxTokens, steps: inlineSteps(DEFAULT_SETTINGS.steps, i.maxTokens), cache: i.contextCache, singleLine: true };
}

export async function answerLine(line: string, engineFor: (cache: number | null) => EngineModel, args: CliArgs): Promise<JsonlAnswer> {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line);
  } catch (e) {
    return { error: `not JSON: ${(e as Error).message}` };
  }
  if (!o || typeof o !== 'object' || Array.isArray(o)) return { error: 'each line must be a JSON object' };
  const id = o.id;
  try {
    if (typeof o.prefix !== 'string' || typeof o.suffix !== 'string') throw new Error('prefix and suffix must be strings');
    const order = o.order === undefined ? args.order : o.order;
    if (!SAMPLING_ORDERS.includes(order as SamplingOrder)) throw new Error(`order must be one of ${SAMPLING_ORDERS.join(', ')}`);
    const seedArg = numberField(o, 'seed', args.seed, -1, 2 ** 32 - 1, true);
    const seed = seedArg < 0 ? randomSeed() : seedArg;
    const d = defaultsOf(o, args);
    const cache = numberField(o, 'context_cache', d.cache, -1, 1024, true);
    if (o.single_line !== undefined && typeof o.single_line !== 'boolean') throw new Error('single_line must be true or false');
    const t0 = performance.now();
    const r = await fillHoles(engineFor(cache >= 0 ? cache : null), {
      text: o.prefix + o.suffix,
      holes: [{ start: o.prefix.length, end: o.prefix.length, capacity: numberField(o, 'capacity', d.capacity, 1, 1024, true) }],
      window: args.window,
      sampler: {
        steps: numberField(o, 'steps', d.steps, 1, 1024, true), order: order as SamplingOrder,
        temperature: numberField(o, 'temperature', args.temperature, 0, 10, false),
        topP: numberField(o, 'top_p', args.topP, 0.01, 1, false), seed, singleLine: (o.single_line as boolean | undefined) ?? d.singleLine, earlyStop: true,
      },
    });
    const ms = Math.round((performance.now() - t0) * 100) / 100;
    return { ...(id !== undefined ? { id } : {}), fill: r.fills[0].text, ms, tokens: r.fills[0].tokens, steps: r.steps, seed };
  } catch (e) {
    return { ...(id !== undefined ? { id } : {}), error: (e as Error).message };
  }
}
