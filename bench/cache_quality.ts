/**
 * Quality cost of the approximate context cache on a trained model: single-line holes cut from
 * this repository's own TypeScript (not in the training corpus), filled greedily with exact PGM
 * sampling and with the cache (refresh 0 and 4). Reports exact match and edit similarity against
 * the original line, and how often the cached fill equals the exact one.
 *   node --import tsx bench/cache_quality.ts MODEL_DIR_WITH_CACHE_GRAPHS [N]
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fillHoles } from '../server/engine/fill';
import { loadModel } from '../server/model/host';
import { engineOf } from '../server/lsp/requests';
import { createRng } from '../server/sampler/prng';

function similarity(a: string, b: string): number {
  if (a === b) return 1;
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const t = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = t;
    }
  }
  return 1 - d[b.length] / Math.max(a.length, b.length, 1);
}

/** Holes: the trimmed content of a non-trivial line (indentation kept as prefix). */
function holes(n: number): { text: string; start: number; end: number; truth: string }[] {
  const dir = join(__dirname, '../server');
  const files = readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.ts')).sort();
  const rng = createRng(7);
  const out = [];
  while (out.length < n) {
    const text = readFileSync(join(dir, files[Math.floor(rng() * files.length)]), 'utf8');
    const lines = text.split('\n');
    const li = Math.floor(rng() * lines.length);
    const line = lines[li];
    const body = line.trim();
    if (body.length < 8 || body.length > 60 || body.startsWith('//') || body.startsWith('*')) continue;
    const start = lines.slice(0, li).join('\n').length + (li > 0 ? 1 : 0) + line.indexOf(body);
    out.push({ text, start, end: start + body.length, truth: body });
  }
  return out;
}

async function main(): Promise<void> {
  const dir = process.argv[2];
  const n = Number(process.argv[3] ?? 30);
  const m = await loadModel(dir, { executionProvider: 'cpu', threads: 0 });
  const models: [string, number | null][] = [['exact', null], ['cache0', 0], ['cache4', 4]];
  const stats = Object.fromEntries(models.map(([k]) => [k, { em: 0, es: 0, same: 0, ms: 0 }]));
  for (const h of holes(n)) {
    let exactFill = '';
    for (const [k, cache] of models) {
      const t0 = performance.now();
      const r = await fillHoles(engineOf(m, cache), {
        text: h.text, holes: [{ start: h.start, end: h.end, capacity: 16 }], window: 0,
        sampler: { steps: 8, order: 'confidence', temperature: 0, topP: 1, seed: 0, singleLine: true, earlyStop: true },
      });
      const fill = r.fills[0].text.trim();
      if (k === 'exact') exactFill = fill;
      const s = stats[k];
      s.ms += performance.now() - t0;
      s.em += fill === h.truth ? 1 : 0;
      s.es += similarity(fill, h.truth);
      s.same += fill === exactFill ? 1 : 0;
    }
  }
  console.log(`${n} single-line holes from server/**/*.ts, capacity 16, 8 steps, confidence, greedy`);
  console.log('| sampling | exact match | edit similarity | same fill as exact | mean ms |');
  console.log('|---|---:|---:|---:|---:|');
  for (const [k] of models) {
    const s = stats[k];
    console.log(`| ${k} | ${((100 * s.em) / n).toFixed(1)}% | ${(s.es / n).toFixed(3)} | ${((100 * s.same) / n).toFixed(0)}% | ${(s.ms / n).toFixed(0)} |`);
  }
  await m.release();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
