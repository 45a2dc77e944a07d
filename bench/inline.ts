/**
 * `npm run bench:inline`: inline suggestions at editor speed with the shipped model.
 *  1. Through the language server (bench/server.ts), servers alternated request by request:
 *     models/pgm-code at the default settings, with the previous inline step count (8) and with
 *     exact inline sampling, plus the random-weight benchmark model (bench/.graphs/pgm, when
 *     `npm run bench` has made it).
 *  2. Where the time of one inline fill goes, in process (same text, same settings, the default
 *     inline.candidates): tokenize + window, network calls, the rest (sampler: softmax/top-p/draw,
 *     healing, bookkeeping); "server - fill" is the server p50 minus the in-process p50 (LSP round
 *     trip, queueing, candidate ranking and the syntax check); the client's debounce is the
 *     inline.debounceMs setting (a wait, not work; test/e2e measures keystroke to ghost text).
 *     The default is also timed side by side (alternated fill by fill) with the inline sampling
 *     before the step policy (8 steps, a separate length round), with network rounds per fill.
 *   BENCH_REPS (default 30), BENCH_FILLS (RSS run, default 1000).
 */
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { effectiveWindow, fillHoles } from '../server/engine/fill';
import { loadModel } from '../server/model/host';
import { DEFAULT_SETTINGS } from '../contract/settings';
import { cacheOf, engineOf } from '../server/engine/modelView';
import { resolveOptions } from '../server/lsp/requests';
import { planRows } from '../server/sampler/window';
import type { SamplerOptions } from '../server/sampler/types';
import { median, timed } from './ort';
import { measuredBy } from './report';
import { throughServer, type ServerVariant } from './server';

const ROOT = join(__dirname, '..');
const SHIPPED = join(ROOT, 'models/pgm-code');
const RANDOM = join(ROOT, 'bench/.graphs/pgm');

interface Breakdown { total: number; window: number; network: number; sampler: number; rounds: number }

/** One breakdown per sampler override, the overrides alternated fill by fill. */
async function breakdown(dir: string, contextCache: number | null, reps: number, samplers: Partial<SamplerOptions>[] = [{}]): Promise<Breakdown[]> {
  const m = await loadModel(dir, { executionProvider: 'cpu', threads: 0 });
  const src = readFileSync(join(ROOT, 'server/sampler/loop.ts'), 'utf8');
  const text = src.slice(0, 600) + '\n' + src.slice(600, 1000) + '\n';
  const opts = resolveOptions(DEFAULT_SETTINGS, undefined, true);
  const hole = { start: 600, end: 600, capacity: opts.capacity };
  const rows: Breakdown[][] = samplers.map(() => []);
  for (let i = 0; i < reps + 2; i++) for (const [v, sampler] of samplers.entries()) {
    const engine = engineOf(m, contextCache);
    const t = timed(engine.network);
    const t0 = performance.now();
    planRows(text, [hole], m.tokenizer, { window: effectiveWindow(0, m.manifest.architecture.canvas), doc: m.manifest.specialIds.doc });
    const window = performance.now() - t0;
    const t1 = performance.now();
    const r = await fillHoles({ ...engine, network: t.net }, { text, holes: [hole], window: 0, candidates: opts.candidates, sampler: { ...opts.sampler, ...sampler, seed: i } });
    const total = performance.now() - t1;
    if (i >= 2) rows[v].push({ total, window, network: t.ms(), sampler: total - window - t.ms(), rounds: r.steps });
  }
  await m.release();
  return rows.map((rs) => {
    const med = (k: keyof Breakdown) => median(rs.map((r) => r[k]));
    return { total: med('total'), window: med('window'), network: med('network'), sampler: med('sampler'), rounds: rs.reduce((a, r) => a + r.rounds, 0) / rs.length };
  });
}

const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

async function main(): Promise<void> {
  const reps = Number(process.env.BENCH_REPS ?? 30);
  const fills = Number(process.env.BENCH_FILLS ?? 1000);
  const before = loadavg();
  const inlineCache = DEFAULT_SETTINGS.inline.contextCache;
  const variants: ServerVariant[] = [
    { label: `pgm-code, default settings (inline.contextCache ${inlineCache}, inline.steps ${DEFAULT_SETTINGS.inline.steps})`, modelDir: SHIPPED, settings: {} },
    { label: 'pgm-code, inline.steps 8 (the previous step count)', modelDir: SHIPPED, settings: { inline: { steps: 8 } } },
    { label: 'pgm-code, exact inline (inline.contextCache -1)', modelDir: SHIPPED, settings: { inline: { contextCache: -1 } } },
  ];
  const hasRandom = existsSync(join(RANDOM, 'cache_step.onnx'));
  if (hasRandom) variants.push({ label: 'random weights, default settings', modelDir: RANDOM, settings: {} });
  const server = await throughServer(variants, reps, fills);
  // the inline sampling before the step policy: 8 steps, step 1 a round of its own
  const [now, previous] = await breakdown(SHIPPED, cacheOf(inlineCache), reps, [{}, { steps: 8, reuseLengthRound: 'exact' }]);
  const parts = [
    { label: `pgm-code, default (cache ${inlineCache})`, b: now, server: 0 },
    { label: `pgm-code, cache ${inlineCache}, as before the step policy (8 steps, separate length round; alternated with the row above)`, b: previous, server: -1 },
    { label: 'pgm-code, exact', b: (await breakdown(SHIPPED, null, reps))[0], server: 2 },
    ...(hasRandom ? [{ label: `random weights, default (cache ${inlineCache})`, b: (await breakdown(RANDOM, cacheOf(inlineCache), reps))[0], server: 3 }] : []),
  ];
  const out = [
    ...measuredBy('bench:inline', 'bench/inline.ts', before, reps),
    '',
    '| server | inline p50 | inline p95 | same context again (memo) p50 | typed ahead (memo) p50 | selection 64 p50 | RSS |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...server.map((s) => `| ${s.label} | ${f(s.inlineP50)} | ${f(s.inlineP95)} | ${f(s.repeatP50, 2)} | ${f(s.typedAheadP50, 2)} | ${f(s.selection64P50)} | ${f(s.rssStartMb, 0)} MB${s.fills ? ` -> ${f(s.rssEndMb, 0)} MB after ${s.fills} more inline fills` : ''} |`),
    '',
    `Where one inline fill's time goes (in process, medians, ms; the client waits inline.debounceMs = ${DEFAULT_SETTINGS.inline.debounceMs} ms after the last keystroke before asking):`,
    '',
    `| model, sampling (${DEFAULT_SETTINGS.inline.candidates} candidates) | fill (in process) | tokenize + window | network calls | network rounds per fill (mean) | sampler and the rest | server p50 - fill (LSP, ranking, syntax check) |`,
    '|---|---:|---:|---:|---:|---:|---:|',
    ...parts.map(({ label, b, server: k }) => `| ${label} | ${f(b.total)} | ${f(b.window, 2)} | ${f(b.network)} | ${f(b.rounds)} | ${f(b.sampler)} | ${k >= 0 ? f(server[k].inlineP50 - b.total) : ''} |`),
  ];
  console.log(out.join('\n'));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
