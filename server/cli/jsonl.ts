/**
 * `--jsonl` batch mode: one request per input line, one JSON answer per line, in order.
 * A bad line gets {"error": ...} and the stream goes on.
 */
import { performance } from 'node:perf_hooks';
import { fillHoles, type EngineModel } from '../engine/fill';
import { randomSeed } from '../sampler/prng';
import { SAMPLING_ORDERS, type SamplingOrder } from '../protocol';
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

export async function answerLine(line: string, model: EngineModel, args: CliArgs): Promise<JsonlAnswer> {
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
    const t0 = performance.now();
    const r = await fillHoles(model, {
      text: o.prefix + o.suffix,
      holes: [{ start: o.prefix.length, end: o.prefix.length, capacity: numberField(o, 'capacity', args.capacity, 1, 1024, true) }],
      window: args.window,
      sampler: {
        steps: numberField(o, 'steps', args.steps, 1, 1024, true), order: order as SamplingOrder,
        temperature: numberField(o, 'temperature', args.temperature, 0, 10, false),
        topP: numberField(o, 'top_p', args.topP, 0.01, 1, false), seed, singleLine: o.single_line === true, earlyStop: true,
      },
    });
    const ms = Math.round((performance.now() - t0) * 100) / 100;
    return { ...(id !== undefined ? { id } : {}), fill: r.fills[0].text, ms, tokens: r.fills[0].tokens, steps: r.steps, seed };
  } catch (e) {
    return { ...(id !== undefined ? { id } : {}), error: (e as Error).message };
  }
}
