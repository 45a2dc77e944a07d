/** Renders the benchmark results as docs/benchmarks.md (numbers as measured, machine stated). */
import { cpus, loadavg } from 'node:os';
import type { EditorRow, FlopsResult, GenRow } from './regimes';
import type { ServerResult } from './server';

export interface Results {
  date: string;
  config: Record<string, number | string>;
  params: { pgm: number; mdlm: number; ar: number };
  batch: number;
  gen: GenRow[];
  editor: EditorRow[];
  flops: FlopsResult;
  server: ServerResult | null;
  serverCached: ServerResult | null;
  loadBefore: number[];
}

const f = (x: number, d = 1) => x.toFixed(d);

export function machine(): string {
  const c = cpus();
  return `${c.length} x ${c[0]?.model ?? 'unknown CPU'}, Node ${process.version}, onnxruntime-node CPU EP`;
}

/** The two header lines of a server benchmark's report: command, date, machine, load before/after. */
export function measuredBy(script: string, file: string, loadBefore: number[], reps: number): string[] {
  const load = (xs: number[]) => xs.map((x) => f(x, 2)).join(' / ');
  return [
    `Measured by \`npm run ${script}\` (${file}) on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: ${machine()}.`,
    `Load average before: ${load(loadBefore)}; after: ${load(loadavg())} (1/5/15 min). ${reps} requests per server, alternated.`,
  ];
}

export function render(r: Results): string {
  const cfg = r.config;
  const lines = [
    '# Benchmarks',
    '',
    `Measured by \`npm run bench\` (bench/run.ts) on ${r.date}: ${machine()}.`,
    `Load average before the run: ${r.loadBefore.map((x) => f(x, 2)).join(' / ')} (1/5/15 min); after: ${loadavg().map((x) => f(x, 2)).join(' / ')}.`,
    'Other jobs (training, corpus builds) share these 2 cores at times, so absolute numbers are noisy;',
    'the ratios are measured side by side in one run (every variant of a table runs once per round, rounds repeated). Random weights (timing only): all three networks',
    `have width ${cfg.d_model}, ${cfg.n_heads} heads, FFN ${cfg.d_ff}, total depth ${Number(cfg.n_enc) + Number(cfg.n_dec)} blocks,`,
    `vocab ${cfg.vocab_size}, canvas ${cfg.canvas} (the shipped model's config). Parameters: PGM ${(r.params.pgm / 1e6).toFixed(2)}M,`,
    `MDLM-style ${(r.params.mdlm / 1e6).toFixed(2)}M, AR ${(r.params.ar / 1e6).toFixed(2)}M. Every fill includes the JS sampler (softmax, top-p, draw).`,
    '',
    `## (a) Generation from scratch (paper regime): tokens/s, batch ${r.batch}, ${Number(cfg.canvas) - 1} tokens per row, random order`,
    '',
    '| steps | PGM | MDLM-style | AR + KV cache | PGM / MDLM |',
    '|---:|---:|---:|---:|---:|',
    ...r.gen.map((g) => `| ${g.steps} | ${f(g.pgm, 0)} | ${f(g.mdlm, 0)} | ${f(g.ar, 0)} | ${f(g.pgm / g.mdlm, 2)}x |`),
    '',
    'AR needs one step per token whatever the step count; its column repeats the same run.',
    '',
    `## (b) Editor regime: one hole, canvas full of context (batch 1), latency p50 in ms`,
    '',
    '| hole (tokens) | steps | PGM confidence | PGM random | PGM + context cache | PGM + cache, refresh 4 | MDLM-style | AR + KV cache (prefix only) |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...r.editor.map((e) => `| ${e.hole} | ${e.steps} | ${f(e.pgm)} | ${f(e.pgmRandom)} | ${f(e.cache0)} | ${f(e.cache4)} | ${f(e.mdlm)} | ${f(e.ar)} |`),
    '',
    'PGM numbers are end to end through `fillHoles` (windowing, tokenizer, healing, sampler); the',
    'confidence order queries every open hole position each step. AR cannot use the suffix.',
    '"Context cache" is the approximate cache (server/model/cachedNetwork.ts, one fused graph call per',
    'round): the context is encoded once and each round encodes only the tokens committed since (they',
    'attend to the cached keys/values; the context does not see them). Its quality cost is measured on',
    'the trained model, not here (random weights).',
    '',
    '## (c) Achieved FLOP/s',
    '',
    `- MatMul peak (fp32, best run of each of several shapes: a 1024-square one and the encoder's own projections, at ${r.flops.n} and 1,024 rows): **${f(r.flops.peakGflops)} GFLOP/s**, reached by ${r.flops.peakShape}`,
    `- One PGM encoder pass over ${r.flops.n} clean tokens: ${f(r.flops.encoderGflop, 3)} GFLOP; best run **${f(r.flops.encoderGflops)} GFLOP/s** (${f((100 * r.flops.encoderGflops) / r.flops.peakGflops)}% of the MatMul peak), median run ${f(r.flops.encoderGflopsP50)} GFLOP/s (${f(r.flops.encoderMs, 2)} ms)`,
    '',
  ];
  if (r.server) {
    const s = r.server;
    lines.push(
      '## Through the language server (stdio, default settings, same random-weight PGM)',
      '',
      `- Inline suggestion, ~1,000 characters of context, 16-token hole: p50 **${f(s.inlineP50)} ms**, p95 ${f(s.inlineP95)} ms (target p50 <= 100 ms) on ${s.device}`,
      `- Selection fill, 64-token hole: p50 **${f(s.selection64P50)} ms** (target <= 1,000 ms)`,
      `- Server RSS: ${f(s.rssStartMb, 0)} MB after warm-up, ${f(s.rssEndMb, 0)} MB after ${s.fills} more fills (target <= 300 MB, flat)`,
      '',
    );
  }
  if (r.serverCached) {
    const s = r.serverCached;
    lines.push(
      `With the context cache (\`contextCache: 0\` for inline and selection, a second server, requests alternated with the exact one): inline p50 **${f(s.inlineP50)} ms**, p95 ${f(s.inlineP95)} ms; selection (64) p50 ${f(s.selection64P50)} ms; RSS ${f(s.rssStartMb, 0)} MB.`,
      '',
    );
  }
  lines.push(...analysis(r));
  return lines.join('\n');
}

/** The numbers against the targets, computed from this run (no fixed claims). */
function analysis(r: Results): string[] {
  const out = ['## Against the targets', ''];
  const g = r.gen.map((x) => x.pgm / x.mdlm);
  out.push(`- Generation from scratch, PGM / MDLM-style at equal steps: ${g.map((x) => f(x, 2) + 'x').join(', ')} (target >= 4x).` +
    ' PGM runs its encoder over the clean tokens only (half the canvas on average over a fill) and its decoder over the' +
    ' queried positions only; MDLM runs all blocks over the full canvas every step (medians of interleaved rounds).');
  const ed16 = r.editor.find((e) => e.hole === 16);
  if (r.server && ed16) {
    const s = r.server;
    out.push(`- Inline p50 through the server: ${f(s.inlineP50, 0)} ms exact (target 100 ms: ${f(s.inlineP50 / 100, 2)}x the target).` +
      ` One encoder pass over the ${r.flops.n}-token canvas takes ${f(r.flops.encoderMs, 0)} ms (median) here;` +
      ' exact PGM runs the encoder once per network round (server/sampler/loop.ts says which rounds).' +
      (r.serverCached ? ` With the approximate context cache: ${f(r.serverCached.inlineP50, 0)} ms` +
        ` (${f(s.inlineP50 / r.serverCached.inlineP50, 2)}x faster in this run).` : ''));
    out.push(`- Selection fill, 64-token hole: ${f(s.selection64P50, 0)} ms exact (target <= 1,000 ms).`);
    out.push(`- Server RSS: ${f(s.rssStartMb, 0)} MB -> ${f(s.rssEndMb, 0)} MB over ${s.fills} fills (target <= 300 MB, flat).`);
  }
  out.push(`- Encoder efficiency (best runs): ${f((100 * r.flops.encoderGflops) / r.flops.peakGflops, 0)}% of the measured MatMul peak.`, '');
  return out;
}
