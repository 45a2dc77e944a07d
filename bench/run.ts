/**
 * `npm run bench`: exact PGM vs an MDLM-style full-canvas network vs autoregressive decoding
 * with a KV cache, all in onnxruntime-node with random weights of the same width and depth.
 * Graphs come from bench/make_baselines.py (generated on first run). Writes docs/benchmarks.md.
 *   BENCH_QUICK=1 for a short smoke run; BENCH_FILLS=N for the memory run (default 1000).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { loadModel } from '../server/model/host';
import { editor, flops, generation, type Sessions } from './regimes';
import { render, type Results } from './report';
import { session } from './ort';
import { throughServer } from './server';

const ROOT = join(__dirname, '..');
const G = join(ROOT, 'bench', '.graphs');
const QUICK = process.env.BENCH_QUICK === '1';

/** The one command that creates the Python venv the graph generator needs (as .ci/run does). */
export const VENV_COMMAND = 'python3 -m venv .venv && .venv/bin/pip install -r training/requirements.txt';

/** bench/.graphs/graphs.json, as bench/make_baselines.py writes it. */
interface GraphsInfo {
  config: Record<string, number | string>;
  pgm_params: number;
  mdlm_params: number;
  ar_params: number;
  matmuls: [number, number][];
}

function ensureGraphs(): GraphsInfo {
  // graphs from before the matmul shapes / the cache step graph are regenerated
  const stale = !existsSync(join(G, 'graphs.json')) || !JSON.parse(readFileSync(join(G, 'graphs.json'), 'utf8')).matmuls ||
    !existsSync(join(G, 'pgm/cache_step.onnx'));
  if (stale) {
    if (!existsSync(join(ROOT, '.venv/bin/python'))) {
      console.error(`npm run bench needs the Python venv .venv (PyTorch + onnx) to generate its graphs once. Create it with:\n  ${VENV_COMMAND}`);
      process.exit(2);
    }
    console.log('generating random-weight graphs (bench/make_baselines.py)...');
    execFileSync(join(ROOT, '.venv/bin/python'), ['-m', 'bench.make_baselines', '--out', G], { cwd: ROOT, stdio: 'inherit' });
  }
  return JSON.parse(readFileSync(join(G, 'graphs.json'), 'utf8')) as GraphsInfo;
}

async function main(): Promise<void> {
  const loadBefore = loadavg();
  const info = ensureGraphs();
  // exact PGM on its encoder and decoder: the FLOP/s figure times the encoder pass alone
  const pgm = await loadModel(join(G, 'pgm'), { executionProvider: 'cpu', threads: Number(process.env.BENCH_THREADS ?? 0), exact: 'encoder-decoder' });
  const s: Sessions = {
    mdlm: await session(join(G, 'mdlm/mdlm.onnx')), prefill: await session(join(G, 'ar/prefill.onnx')),
    step: await session(join(G, 'ar/step.onnx')),
    matmuls: await Promise.all(info.matmuls.map(async ([k, n]) => ({ k, n, s: await session(join(G, `matmul_${k}x${n}.onnx`)) }))),
  };
  const batch = QUICK ? 2 : 4;
  console.log('(c) FLOP/s...');
  const fl = await flops(pgm, s, QUICK ? 3 : 10);
  console.log(fl);
  console.log('(b) editor regime...');
  const ed = await editor(pgm, s, [16, 64], 8, QUICK ? 3 : 10);
  console.table(ed);
  console.log('(a) generation from scratch...');
  const gen = await generation(pgm, s, batch, QUICK ? [16] : [16, 64, 255], QUICK ? 1 : 3);
  console.table(gen);
  await pgm.release();
  console.log('through the server...');
  const [server, serverCached] = await throughServer([
    { label: 'random weights, exact', modelDir: join(G, 'pgm'), settings: { inline: { contextCache: -1 } } },
    { label: 'random weights, context cache', modelDir: join(G, 'pgm'), settings: { inline: { contextCache: 0 }, contextCache: 0 } },
  ], QUICK ? 5 : 30, Number(process.env.BENCH_FILLS ?? (QUICK ? 20 : 1000)));
  console.log(server, serverCached);
  const results: Results = {
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC', config: info.config,
    params: { pgm: info.pgm_params, mdlm: info.mdlm_params, ar: info.ar_params }, batch, gen, editor: ed, flops: fl, server, serverCached, loadBefore,
  };
  const out = process.env.BENCH_OUT ?? join(ROOT, QUICK ? 'bench/.graphs/benchmarks-quick.md' : 'docs/benchmarks.md');
  writeFileSync(out, render(results));
  writeFileSync(join(G, QUICK ? 'results-quick.json' : 'results.json'), JSON.stringify(results, null, 2));
  console.log(`wrote ${out}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
