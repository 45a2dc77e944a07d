/**
 * `pgm-infill fill FILE`: every marker occurrence is a hole; all are filled in one batch and
 * the file is printed with the fills in place (timing on stderr, so stdout can be redirected).
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fillExplicit } from '../engine/explicit';
import type { EngineModel } from '../engine/fill';
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

/** Character ranges of each marker occurrence. */
export function findMarkers(text: string, marker: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (let i = text.indexOf(marker); i >= 0; i = text.indexOf(marker, i + marker.length)) out.push({ start: i, end: i + marker.length });
  return out;
}

export function splice(text: string, ranges: { start: number; end: number }[], fills: string[]): string {
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
  const ranges = findMarkers(text, args.marker);
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
