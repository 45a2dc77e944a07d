/**
 * `pgm-infill fill FILE`: every marker occurrence is a hole; all are filled in one batch and
 * the file is printed with the fills in place (timing on stderr, so stdout can be redirected).
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fillExplicit } from '../engine/explicit';
import type { EngineModel } from '../engine/fill';
import { findHoles, type Hole } from '../../contract/holes';
import type { FillAlternative } from '../../contract/protocol';
import { grammarForPath } from '../syntax/grammars';
import { randomSeed } from '../sampler/prng';
import type { CliArgs } from './args';

export interface FileFill {
  text: string;
  fills: string[];
  /** Per hole: the chosen fill's score and syntax check, and the ranked candidates. */
  details: (FillAlternative & { lowConfidence: boolean; alternatives: FillAlternative[] })[];
  ms: number;
  steps: number;
  seed: number;
}

/** The text with each hole replaced by its fill. */
export function splice(text: string, ranges: readonly Hole[], fills: string[]): string {
  let out = '';
  let at = 0;
  ranges.forEach((r, i) => {
    out += text.slice(at, r.start) + fills[i];
    at = r.end;
  });
  return out + text.slice(at);
}

export async function fillFile(path: string, model: EngineModel, args: CliArgs): Promise<FileFill> {
  const text = readFileSync(path, 'utf8');
  if (text.includes('\u0000')) throw new Error(`${path} looks binary (NUL characters)`);
  const ranges = findHoles(text, args.marker);
  if (ranges.length === 0) throw new Error(`no ${JSON.stringify(args.marker)} marker in ${path} (set another with --marker)`);
  const seed = args.seed < 0 ? randomSeed() : args.seed;
  const t0 = performance.now();
  const r = await fillExplicit(model, {
    text, ranges, lengthFrom: 'capacity', insertCapacity: args.capacity, oversize: 'error', candidates: args.candidates,
    window: args.window, grammar: args.syntax ? grammarForPath(path) : null, threshold: args.confidenceThreshold,
    sampler: { steps: args.steps, order: args.order, temperature: args.temperature, topP: args.topP, seed, singleLine: false, earlyStop: true },
  });
  const fills = r.fills.map((f) => f.text);
  const details = r.fills.map((f) => ({ text: f.text, score: f.score, parses: f.parses, lowConfidence: f.lowConfidence, alternatives: f.alternatives }));
  return { text: splice(text, ranges, fills), fills, details, ms: performance.now() - t0, steps: r.steps, seed };
}
