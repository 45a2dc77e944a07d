/**
 * `npm run bench:onegraph`: exact sampling on the step graph alone against the encoder and
 * decoder, side by side through the language server, with the shipped model's weights
 * (docs/benchmarks.md, "One graph").
 *  - "encoder + decoder, exact": a folder holding only the encoder.onnx and decoder.onnx of
 *    the same weights: BENCH_ENCDEC_DIR (models/pgm-code ships the step graph alone since
 *    2026-12-01; the parent of `git log --diff-filter=D -1 --format=%h --
 *    models/pgm-code/encoder.onnx` has its old split graphs), else made in a temporary folder
 *    from models/pgm-code when it has them;
 *  - "step graph, exact": models/pgm-code with inline.contextCache -1 (one session);
 *  - "step graph, default settings": models/pgm-code as shipped (inline context cache);
 *  - with BENCH_BEFORE_SERVER=path/to/server.js (an older build, which loads the encoder,
 *    decoder and step graph together), that server with default settings as the "before" RSS.
 * Servers are alternated request by request. RSS is measured over BENCH_FILLS inline fills
 * (default 300) on the default-settings servers, alternated. BENCH_REPS (default 30).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { measuredBy } from './report';
import { throughServer, type ServerVariant } from './server';

const ROOT = join(__dirname, '..');
const SHIPPED = join(ROOT, 'models/pgm-code');

/** A folder with only the encoder and decoder of `from` (symlinked: the same files). */
function encoderDecoderOnly(from: string): { dir: string; cleanup: () => void } {
  const m = JSON.parse(readFileSync(join(from, 'manifest.json'), 'utf8'));
  if (!m.graphs?.encoder || !m.graphs?.decoder) throw new Error(`${from} ships no encoder and decoder; set BENCH_ENCDEC_DIR to a folder that does`);
  const dir = mkdtempSync(join(tmpdir(), 'pgm-encdec-'));
  m.graphs = { encoder: m.graphs.encoder, decoder: m.graphs.decoder };
  delete m.cache_graphs;
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
  for (const f of [m.graphs.encoder.file, m.graphs.decoder.file, m.tokenizer.file]) symlinkSync(join(from, f), join(dir, f));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

async function main(): Promise<void> {
  const reps = Number(process.env.BENCH_REPS ?? 30);
  const fills = Number(process.env.BENCH_FILLS ?? 300);
  const before = process.env.BENCH_BEFORE_SERVER;
  if (before && !existsSync(before)) throw new Error(`BENCH_BEFORE_SERVER ${before} does not exist`);
  const encdec = process.env.BENCH_ENCDEC_DIR ? { dir: process.env.BENCH_ENCDEC_DIR, cleanup: () => undefined } : encoderDecoderOnly(SHIPPED);
  const load0 = loadavg();
  try {
    const variants: ServerVariant[] = [
      { label: 'encoder + decoder, exact', modelDir: encdec.dir, settings: { inline: { contextCache: -1 } } },
      { label: 'step graph, exact', modelDir: SHIPPED, settings: { inline: { contextCache: -1 } } },
      { label: 'step graph only, default settings', modelDir: SHIPPED, settings: {}, rssFills: true },
      ...(before ? [{ label: 'before: encoder + decoder + step graph loaded, default settings', modelDir: SHIPPED, settings: {}, serverJs: before, rssFills: true }] : []),
    ];
    const res = await throughServer(variants, reps, fills);
    const out = [
      ...measuredBy('bench:onegraph', 'bench/onegraph.ts', load0, reps),
      '',
      '| server (models/pgm-code weights) | inline p50 | inline p95 | selection 64 p50 | RSS |',
      '|---|---:|---:|---:|---:|',
      ...res.map((s) => `| ${s.label} | ${f(s.inlineP50)} | ${f(s.inlineP95)} | ${f(s.selection64P50)} | ${f(s.rssStartMb, 0)} MB${s.fills ? ` -> ${f(s.rssEndMb, 0)} MB after ${s.fills} more inline fills` : ''} |`),
      '',
      `Exact through the step graph / through the encoder and decoder: inline p50 ${f(res[1].inlineP50 / res[0].inlineP50, 2)}x, selection 64 p50 ${f(res[1].selection64P50 / res[0].selection64P50, 2)}x.`,
    ];
    console.log(out.join('\n'));
  } finally {
    encdec.cleanup();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
