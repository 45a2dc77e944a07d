/**
 * `--jsonl` batch mode: one request per input line, one JSON answer per line, in order. The
 * product path, so evaluations measure what users get: explicit lines go through the same
 * capacity rule, candidates, edge cleanup, syntax check and ranking as `pgm/infill`; lines with
 * `"mode": "inline"` through the inline path with the extension's inline defaults (capacity,
 * steps, context cache, candidates; one line unless the line is empty or opens a block; the
 * confidence gate). Fields given in the line still win. A bad line gets {"error": ...} and the
 * stream goes on.
 */
import { performance } from 'node:perf_hooks';
import { inlineSingleLine } from '../engine/edges';
import { fillExplicit, SelectionTooLargeError } from '../engine/explicit';
import { fillHoles, type EngineModel } from '../engine/fill';
import { inlineItems } from '../engine/inlineItems';
import { rankHole, type RankedFill } from '../engine/rank';
import { randomSeed } from '../sampler/prng';
import { inlineSchedule } from '../sampler/schedule';
import { OVERSIZE, type FillAlternative, type Oversize } from '../../contract/protocol';
import { DEFAULT_SETTINGS, invalidReason, settingSpec, type SamplingOrder } from '../../contract/settings';
import { GRAMMAR_FILES, grammarForLanguageId, grammarForPath } from '../syntax/grammars';
import type { CliArgs } from './args';

export interface JsonlAnswer {
  id?: unknown;
  fill?: string;
  score?: number;
  parses?: boolean | null;
  low_confidence?: boolean;
  alternatives?: FillAlternative[];
  /** Inline lines: the suggestions shown (empty when gated). */
  items?: string[];
  ms?: number;
  tokens?: number;
  capacity?: number;
  steps?: number;
  seed?: number;
  error?: string;
  data?: unknown;
}

/** A JSONL field checked against its setting's row in the table; `def` when absent. */
function field<T>(o: Record<string, unknown>, name: string, settingKey: string, def: T): T {
  const v = o[name];
  if (v === undefined || v === null) return def;
  const why = invalidReason(settingSpec(settingKey), v);
  if (why) throw new Error(`${name} ${why}`);
  return v as T;
}

/** "python", "typescriptreact", "tsx", or a file name like "a.py" -> a grammar name or null. */
export function grammarOf(language: unknown): string | null {
  if (language === undefined || language === null) return null;
  if (typeof language !== 'string') throw new Error('language must be a string');
  return language in GRAMMAR_FILES ? language : grammarForLanguageId(language) ?? grammarForPath(language);
}

interface Line {
  prefix: string;
  selection: string;
  suffix: string;
  inline: boolean;
  grammar: string | null;
  capacity: number | undefined;
  candidates: number;
  /** Context cache of this line (-1 = exact). */
  cache: number;
  /** The line's own single_line, if it gave one (inline lines otherwise use the one-line rule). */
  singleLineGiven: boolean | undefined;
  oversize: Oversize;
  sampler: { steps: number; order: SamplingOrder; temperature: number; topP: number; seed: number; singleLine: boolean; earlyStop: boolean };
}

function parseLine(o: Record<string, unknown>, args: CliArgs): Line {
  if (typeof o.prefix !== 'string' || typeof o.suffix !== 'string') throw new Error('prefix and suffix must be strings');
  const selection = o.selection ?? '';
  if (typeof selection !== 'string') throw new Error('selection must be a string');
  const oversize = o.oversize ?? 'error';
  if (!OVERSIZE.includes(oversize as Oversize)) throw new Error(`oversize must be one of ${OVERSIZE.join(', ')}`);
  if (o.mode !== undefined && o.mode !== 'inline' && o.mode !== 'fill') throw new Error('mode must be "inline" or "fill"');
  if (o.single_line !== undefined && typeof o.single_line !== 'boolean') throw new Error('single_line must be true or false');
  const inline = o.mode === 'inline';
  const i = DEFAULT_SETTINGS.inline;
  const schedule = inline ? inlineSchedule(i.steps, i.maxTokens) : { steps: args.steps };
  const seedArg = field(o, 'seed', 'seed', args.seed);
  return {
    prefix: o.prefix, selection, suffix: o.suffix, inline, oversize: oversize as Oversize,
    grammar: args.syntax ? grammarOf(o.language) : null,
    capacity: field<number | undefined>(o, 'capacity', 'capacity', undefined),
    candidates: field(o, 'candidates', 'candidates', inline ? args.inlineCandidates : args.candidates),
    singleLineGiven: o.single_line as boolean | undefined,
    cache: field(o, 'context_cache', 'contextCache', inline ? i.contextCache : args.contextCache),
    sampler: {
      ...schedule, steps: field(o, 'steps', 'steps', schedule.steps), order: field<SamplingOrder>(o, 'order', 'order', args.order),
      temperature: field(o, 'temperature', 'temperature', args.temperature),
      topP: field(o, 'top_p', 'topP', args.topP), seed: seedArg < 0 ? randomSeed() : seedArg,
      singleLine: o.single_line === true, earlyStop: true,
    },
  };
}

export async function answerLine(line: string, engineFor: (cache: number | null) => EngineModel, args: CliArgs): Promise<JsonlAnswer> {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line);
  } catch (e) {
    return { error: `not JSON: ${(e as Error).message}` };
  }
  if (!o || typeof o !== 'object' || Array.isArray(o)) return { error: 'each line must be a JSON object' };
  const id = o.id === undefined ? {} : { id: o.id };
  try {
    const req = parseLine(o, args);
    const model = engineFor(req.cache >= 0 ? req.cache : null);
    const t0 = performance.now();
    const r = req.inline ? await inlineLine(model, req, args) : await explicitLine(model, req, args);
    const ms = Math.round((performance.now() - t0) * 100) / 100;
    const f = r.fill;
    return {
      ...id, fill: f.text, score: round(f.score), parses: f.parses, low_confidence: f.lowConfidence,
      alternatives: f.alternatives.map((a) => ({ ...a, score: round(a.score) })), ...(r.items ? { items: r.items } : {}),
      ms, tokens: f.tokens, capacity: r.capacity, steps: r.steps, seed: req.sampler.seed,
    };
  } catch (e) {
    return { ...id, error: (e as Error).message, ...(e instanceof SelectionTooLargeError ? { data: e.data } : {}) };
  }
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

interface LineResult {
  fill: RankedFill;
  capacity: number;
  steps: number;
  items?: string[];
}

async function explicitLine(model: EngineModel, req: Line, args: CliArgs): Promise<LineResult> {
  const start = req.prefix.length;
  const r = await fillExplicit(model, {
    text: req.prefix + req.selection + req.suffix, ranges: [{ start, end: start + req.selection.length }],
    lengthFrom: req.capacity !== undefined && req.selection !== '' ? 'capacity' : 'selection',
    insertCapacity: req.capacity ?? args.capacity, oversize: req.oversize, candidates: req.candidates,
    window: args.window, sampler: req.sampler, grammar: req.grammar, threshold: args.confidenceThreshold,
  });
  return { fill: r.fills[0], capacity: r.fills[0].capacity, steps: r.steps };
}

/** As server/lsp/inline.ts: the hole is an insertion at the end of `prefix`. */
async function inlineLine(model: EngineModel, req: Line, args: CliArgs): Promise<LineResult> {
  const text = req.prefix + req.suffix;
  const at = req.prefix.length;
  const linePrefix = req.prefix.slice(req.prefix.lastIndexOf('\n') + 1);
  const restOfLine = req.suffix.split('\n', 1)[0];
  const capacity = req.capacity ?? args.inlineMaxTokens;
  const r = await fillHoles(model, {
    text, holes: [{ start: at, end: at, capacity }], candidates: req.candidates, window: args.window,
    sampler: { ...req.sampler, singleLine: req.singleLineGiven ?? inlineSingleLine(linePrefix, restOfLine) },
  });
  const fill = await rankHole(r.fills[0], { text, start: at, end: at, grammar: req.grammar, threshold: args.confidenceThreshold });
  return { fill, capacity, steps: r.steps, items: inlineItems(fill, restOfLine, args.confidenceThreshold, req.candidates) };
}
