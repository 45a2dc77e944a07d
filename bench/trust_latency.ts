/**
 * Latency cost of K candidates (issue 9), side by side in one run: for each held-out hole the
 * explicit-fill path (engine/explicit.ts: capacity rule, K candidates in one batch, clean edges,
 * syntax check, ranking) runs with K = 1 (no syntax check), 1, 2, 4 and 8, in a rotating order,
 * on one loaded model. Prints the median and p90 ms per setting and the ratio to K = 1.
 *   node --import tsx bench/trust_latency.ts HELDOUT.jsonl PER_KIND [MODEL_DIR]
 */
import { fillExplicit } from '../server/engine/explicit';
import { loadModel } from '../server/model/host';
import { cacheOf, engineOf } from '../server/engine/modelView';
import { DEFAULT_SETTINGS as D } from '../contract/settings';
import { makeHoles } from './trust_eval';

const SETTINGS: { name: string; k: number; syntax: boolean }[] = [
  { name: 'K=1, no syntax check', k: 1, syntax: false },
  { name: 'K=1', k: 1, syntax: true },
  { name: 'K=2', k: 2, syntax: true },
  { name: 'K=4 (default)', k: 4, syntax: true },
  { name: 'K=8', k: 8, syntax: true },
];

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
}

async function main(): Promise<void> {
  const [data, perKind, dir = 'models/pgm-code'] = process.argv.slice(2);
  const holes = (await makeHoles(data, Number(perKind))).filter((h) => h.kind === 'single_line' || h.kind === 'multi_line');
  const m = await loadModel(dir, { executionProvider: 'cpu', threads: 0 });
  const engine = engineOf(m, cacheOf(D.contextCache));
  const ms: number[][] = SETTINGS.map(() => []);
  for (const [i, h] of holes.entries()) {
    for (let j = 0; j < SETTINGS.length; j++) {
      const s = (i + j) % SETTINGS.length;
      const t0 = performance.now();
      await fillExplicit(engine, {
        text: h.prefix + h.middle + h.suffix, ranges: [{ start: h.prefix.length, end: h.prefix.length + h.middle.length }],
        lengthFrom: 'selection', insertCapacity: D.capacity, oversize: 'cap', candidates: SETTINGS[s].k, window: D.contextWindow,
        sampler: { steps: D.steps, order: D.order, temperature: D.temperature, topP: D.topP, seed: i, singleLine: false, earlyStop: true },
        grammar: SETTINGS[s].syntax ? h.lang : null, threshold: D.confidenceThreshold,
      });
      ms[s].push(performance.now() - t0);
    }
  }
  await m.release();
  const base = pct(ms[0], 0.5);
  console.log(`${holes.length} held-out selections (single + multi-line), ${dir}, CPU, default settings, one process, rotating order`);
  console.log('| setting | median ms | p90 ms | median vs K=1 without syntax |\n|---|---:|---:|---:|');
  SETTINGS.forEach((s, i) => console.log(`| ${s.name} | ${pct(ms[i], 0.5).toFixed(0)} | ${pct(ms[i], 0.9).toFixed(0)} | ${(pct(ms[i], 0.5) / base).toFixed(2)}x |`));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
