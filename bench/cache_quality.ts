/**
 * Quality cost of the approximate context cache (and of fewer inline steps) on a trained model,
 * through the product path (server/engine + the TypeScript sampler). Holes of four kinds are cut
 * with a fixed seed from held-out files (data/heldout/val.jsonl: packages outside the training
 * corpus): single line and rest of line at the cursor get the editor's inline settings (capacity
 * `inline.maxTokens`, single line); multi-line and random span get the explicit-fill settings
 * (capacity 64). Every variant of a hole uses the same seed at the default temperature / top-p;
 * "exact, other seed" is exact sampling with another seed, the noise floor for every column.
 *   [BENCH_KINDS=a,b] [BENCH_SEED=n] node --import tsx bench/cache_quality.ts [MODEL_DIR] [HOLES_PER_KIND] [VAL_JSONL]
 * Prints a markdown table (exact match, edit similarity with a paired +-2 SE difference to exact,
 * parse-keeping (server/syntax: no new parse error near the hole; files with a grammar), same fill
 * as exact, mean ms).
 * BENCH_VARIANTS=policy compares inline step policies instead (inline kinds only), each through
 * the whole inline path: K candidates in one batch, edge cleanup, syntax check and ranking
 * (engine/rank.ts); the first variant (today's inline defaults) is the reference column, and
 * "defaults, other seed" is its noise floor. Mean network rounds per fill are printed too.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fillHoles } from '../server/engine/fill';
import { loadModel, type LoadedModel } from '../server/model/host';
import { cacheOf, engineOf } from '../server/engine/modelView';
import { DEFAULT_SETTINGS } from '../contract/settings';
import { createRng, type Rng } from '../server/sampler/prng';
import { checkFills } from '../server/syntax/check';
import { rankHole } from '../server/engine/rank';
import type { LengthReuse } from '../server/sampler/types';
import { grammarForPath } from '../server/syntax/grammars';

type Kind = 'single_line' | 'rest_of_line' | 'multi_line' | 'random_span';
const ALL_KINDS: Kind[] = ['single_line', 'rest_of_line', 'multi_line', 'random_span'];
/** BENCH_KINDS=single_line,rest_of_line limits the kinds; BENCH_SEED picks another hole set. */
const KINDS = (process.env.BENCH_KINDS?.split(',') ?? (process.env.BENCH_VARIANTS === 'policy' ? ['single_line', 'rest_of_line'] : ALL_KINDS)) as Kind[];
const SEED = Number(process.env.BENCH_SEED ?? 0);
const INLINE = new Set<Kind>(['single_line', 'rest_of_line']);

interface Hole { kind: Kind; text: string; start: number; end: number; truth: string; grammar: string | null }
interface Variant {
  name: string; cache: number | null; steps: number; seedShift: number; inlineOnly?: boolean;
  /** K candidates ranked as the inline path does (absent: one candidate, raw sampler text). */
  candidates?: number; reuse?: LengthReuse;
}

const S = DEFAULT_SETTINGS;
const K = S.inline.candidates;
/** Inline step policies (BENCH_VARIANTS=policy); the first is today's inline default. */
const POLICY: Variant[] = [
  { name: `defaults (cache, ${S.steps} steps, ${K} candidates)`, cache: cacheOf(S.inline.contextCache), steps: S.steps, seedShift: 0, candidates: K },
  { name: 'defaults, other seed', cache: cacheOf(S.inline.contextCache), steps: S.steps, seedShift: 1000, candidates: K },
  // BENCH_CANDIDATES=3 (say) keeps only that K among the policies below
  ...[8, 6, 4].flatMap((steps) => [3, 2].filter((k) => !process.env.BENCH_CANDIDATES || k === Number(process.env.BENCH_CANDIDATES)).map((k) => ({
    name: `${steps} steps, ${k} candidates, length round merged`, cache: cacheOf(S.inline.contextCache), steps, seedShift: 0, candidates: k, reuse: 'always' as const,
  }))),
];
const VARIANTS: Variant[] = process.env.BENCH_VARIANTS === 'policy' ? POLICY : [
  { name: 'exact', cache: null, steps: S.steps, seedShift: 0 },
  { name: 'exact, other seed', cache: null, steps: S.steps, seedShift: 1000 },
  { name: 'cache, no refresh', cache: 0, steps: S.steps, seedShift: 0 },
  { name: 'cache, refresh every 4', cache: 4, steps: S.steps, seedShift: 0 },
  { name: 'exact, 4 steps', cache: null, steps: 4, seedShift: 0, inlineOnly: true },
  { name: 'cache, 4 steps', cache: 0, steps: 4, seedShift: 0, inlineOnly: true },
];

export function editSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur.push(Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = cur;
  }
  return 1 - prev[b.length] / Math.max(a.length, b.length, 1);
}

/** [start, end) of the hole in `text`, or null when this file has no place for the kind. */
function cut(text: string, kind: Kind, rng: Rng): [number, number] | null {
  const pick = (n: number) => Math.floor(rng() * n);
  if (kind === 'random_span') {
    if (text.length < 200) return null;
    const a = 50 + pick(text.length - 110);
    return [a, Math.min(text.length, a + 10 + pick(111))];
  }
  const lines = text.split('\n');
  const starts = [0];
  for (const l of lines) starts.push(starts[starts.length - 1] + l.length + 1);
  const n = kind === 'multi_line' ? 2 + pick(5) : 1;
  const ok = (i: number) => i > 0 && i + n < lines.length && lines.slice(i, i + n).every((l) => l.trim().length >= 4);
  const cands = lines.map((_, i) => i).filter(ok);
  if (cands.length === 0) return null;
  const i = cands[pick(cands.length)];
  const indent = lines[i].length - lines[i].trimStart().length;
  const end = starts[i + n - 1] + lines[i + n - 1].length;
  if (kind !== 'rest_of_line') return [starts[i] + indent, end];
  const body = lines[i].trimEnd().length;
  if (body - indent < 8) return null;
  return [starts[i] + indent + 1 + pick(body - indent - 4), starts[i] + body];
}

function makeHoles(files: { text: string; src: string }[], perKind: number, m: LoadedModel): Hole[] {
  const out: Hole[] = [];
  for (const kind of KINDS) {
    const rng = createRng(ALL_KINDS.indexOf(kind) + 17 + 1000 * SEED);
    const cap = INLINE.has(kind) ? S.inline.maxTokens : S.capacity;
    let got = 0;
    for (let tries = 0; got < perKind && tries < perKind * 50; tries++) {
      const { text, src } = files[Math.floor(rng() * files.length)];
      const c = cut(text, kind, rng);
      if (!c) continue;
      const truth = text.slice(c[0], c[1]);
      const n = m.tokenizer.encode(truth).length;
      if (truth.trim() === '' || n > cap) continue;
      out.push({ kind, text, start: c[0], end: c[1], truth, grammar: grammarForPath(src) });
      got++;
    }
  }
  return out;
}

interface Tally { em: number; es: number[]; same: number; ms: number; n: number; parses: number; checked: number; calls: number }

async function runHole(m: LoadedModel, h: Hole, v: Variant, seed: number): Promise<[string, number, number]> {
  const inline = INLINE.has(h.kind);
  const t0 = performance.now();
  const text = h.text.slice(0, h.start) + h.text.slice(h.end);
  const r = await fillHoles(engineOf(m, v.cache), {
    text, window: 0, candidates: v.candidates,
    holes: [{ start: h.start, end: h.start, capacity: inline ? S.inline.maxTokens : S.capacity }],
    sampler: { steps: v.steps, order: S.order, temperature: S.temperature, topP: S.topP, seed, singleLine: inline, earlyStop: true, reuseLengthRound: v.reuse },
  });
  if (v.candidates === undefined) return [r.fills[0].text, performance.now() - t0, r.steps];
  const ranked = await rankHole(r.fills[0], { text, start: h.start, end: h.start, threshold: S.confidenceThreshold, grammar: h.grammar });
  return [ranked.text, performance.now() - t0, r.steps];
}

function row(name: string, t: Tally, base: number[]): string {
  const d = t.es.map((x, i) => x - base[i]);
  const mean = d.reduce((a, b) => a + b, 0) / d.length;
  const sd = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, d.length - 1));
  const es = t.es.reduce((a, b) => a + b, 0) / t.n;
  const parses = t.checked ? `${((100 * t.parses) / t.checked).toFixed(0)}% of ${t.checked}` : 'n/a';
  return `| ${name} | ${t.n} | ${((100 * t.em) / t.n).toFixed(1)}% | ${es.toFixed(3)} | ${mean >= 0 ? '+' : ''}${mean.toFixed(3)} ± ${(2 * sd / Math.sqrt(d.length)).toFixed(3)} | ${parses} | ${((100 * t.same) / t.n).toFixed(0)}% | ${(t.ms / t.n).toFixed(0)} | ${(t.calls / t.n).toFixed(1)} |`;
}

async function main(): Promise<void> {
  const dir = process.argv[2] ?? join(__dirname, '../models/pgm-code');
  const perKind = Number(process.argv[3] ?? 50);
  const val = process.argv[4] ?? join(__dirname, '../data/heldout/val.jsonl');
  const files = readFileSync(val, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { text: string; src: string });
  const m = await loadModel(dir, { executionProvider: 'cpu', threads: 0 });
  if (!m.hasCache) throw new Error(`${dir}: ${m.cacheNote}`);
  const holes = makeHoles(files, perKind, m);
  const groups: Record<string, Record<string, Tally>> = { inline: {}, explicit: {} };
  for (const [i, h] of holes.entries()) {
    const g = groups[INLINE.has(h.kind) ? 'inline' : 'explicit'];
    let exact = '';
    for (const v of VARIANTS) {
      if (v.inlineOnly && !INLINE.has(h.kind)) continue;
      const [fill, ms, calls] = await runHole(m, h, v, 1 + i + v.seedShift + 100_000 * SEED);
      if (v === VARIANTS[0]) exact = fill;
      const t = (g[v.name] ??= { em: 0, es: [], same: 0, ms: 0, n: 0, parses: 0, checked: 0, calls: 0 });
      t.calls += calls;
      const check = await checkFills(h.grammar, h.text, { start: h.start, end: h.end }, [fill]);
      if (check) { t.checked++; t.parses += check.parses[0] ? 1 : 0; }
      t.em += fill.trim() === h.truth.trim() ? 1 : 0;
      t.es.push(editSimilarity(fill.trim(), h.truth.trim()));
      t.same += fill === exact ? 1 : 0;
      t.ms += ms;
      t.n++;
    }
  }
  console.log(`${holes.length} holes from ${val} (${KINDS.map((k) => `${holes.filter((h) => h.kind === k).length} ${k}`).join(', ')}); model ${m.manifest.name}; ` +
    `order ${S.order}, T ${S.temperature}, top-p ${S.topP}; inline: capacity ${S.inline.maxTokens}, single line; explicit: capacity ${S.capacity}`);
  for (const [name, g] of Object.entries(groups)) {
    const base = g[VARIANTS[0].name];
    if (!base) continue;
    const ref = VARIANTS === POLICY ? 'defaults' : 'exact';
    console.log(`\n${name} holes\n\n| sampling | holes | exact match | edit similarity | ES - ${ref} (±2 SE) | parse-keeping | same fill as ${ref} | mean ms | network rounds |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|`);
    for (const [v, t] of Object.entries(g)) console.log(row(`${v}${v.includes('steps') ? '' : `, ${S.steps} steps`}`, t, base.es));
  }
  await m.release();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
