/**
 * One fill at the size of the paper's PGM 8/8 (random weights from bench/official_size.py):
 *   flock /tmp/heavy.lock node --import tsx bench/official_fill.ts /tmp/pgm-owt-random [threads] [fills] [contextCache]
 * A prose document longer than the 1024-token canvas, one 32-token selection rewritten in its
 * middle (fixed length), 8 steps, confidence order, CPU provider; contextCache N (default off)
 * uses the cache step graph of bench/official_cache_graphs.py with a re-encode every N steps. Prints load time, fill
 * latencies, network rounds and time per round, and RSS as JSON (docs/benchmarks.md, "The paper's model size").
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fillHoles } from '../server/engine/fill';
import { engineOf } from '../server/engine/modelView';
import { loadModel } from '../server/model/host';
import { timed } from './ort';

const WORDS = 'the of a to in is that for it as was with be by on not he this are or his from at which but have an they you were her she there would their we him been has when who will more no if out so said what up its about into than them can only other new some could time these two may then do first any my now such like our over man me even most made after also did many before must through back years where much your way well down should because each just those people how too little state good very make world still own see men work long get here between both life being under never day same another know while last might us great old year off come since against go came right used take three'.split(' ');

function prose(words: number): string {
  let s = '';
  for (let i = 0; i < words; i++) s += WORDS[(i * 37 + (i >> 3)) % WORDS.length] + (i % 17 === 16 ? '.\n' : ' ');
  return s;
}

const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const [dir, threadsArg, fillsArg, cacheArg] = process.argv.slice(2);
  if (!dir) throw new Error('usage: official_fill.ts MODEL_DIR [threads=2] [fills=3]');
  const threads = Number(threadsArg ?? 2);
  const fills = Number(fillsArg ?? 3);
  const contextCache = cacheArg === undefined ? null : Number(cacheArg);
  const m = await loadModel(dir, { executionProvider: 'cpu', threads });
  if (contextCache !== null && !m.hasCache) throw new Error(`context cache: ${m.cacheNote}`);
  const text = prose(1600);
  const mid = text.indexOf(' ', text.length >> 1);
  const selected = text.slice(mid, text.indexOf(' ', mid + 150));
  const hole = { start: mid, end: mid + selected.length, capacity: 32 };
  const req = { text, holes: [hole], window: 0, sampler: { steps: 8, order: 'confidence' as const, temperature: 0.7, topP: 0.95, seed: 1, singleLine: false, earlyStop: true } };
  await fillHoles(engineOf(m, contextCache), req); // warm-up
  const ms: number[] = [];
  let tokens = 0;
  let net = 0;
  let rounds = 0;
  for (let i = 0; i < fills; i++) {
    const engine = engineOf(m, contextCache);
    const t = timed(engine.network);
    const t0 = performance.now();
    const r = await fillHoles({ ...engine, network: t.net }, { ...req, sampler: { ...req.sampler, seed: i + 2 } });
    ms.push(performance.now() - t0);
    tokens = r.fills[0].tokens;
    net += t.ms();
    rounds += t.rounds();
  }
  const parameters = (JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { parameters?: number }).parameters;
  const out = {
    model: m.manifest.name, parameters, canvas: m.manifest.architecture.canvas, graphs: m.graphs,
    threads, contextCache, loadMs: Math.round(m.loadMs), fills, fillMsP50: Math.round(p50(ms)), fillMs: ms.map(Math.round),
    tokensPerFill: tokens, networkRoundsPerFill: rounds / fills, networkMsPerRound: Math.round(net / Math.max(1, rounds)),
    rssMB: Math.round(process.memoryUsage().rss / 2 ** 20),
  };
  console.log(JSON.stringify(out, null, 2));
  await m.release();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
