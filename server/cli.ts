/**
 * `pgm-infill` command line (dist/cli.js, package.json `bin`): fill marked holes in a file,
 * batch JSONL fills for scripts and evaluation, or the language server over stdio.
 */
import { createInterface } from 'node:readline';
import { parseArgs, USAGE, type CliArgs } from './cli/args';
import { fillFile } from './cli/fillFile';
import { answerLine } from './cli/jsonl';
import { loadModel, type LoadedModel } from './model/host';
import type { EngineModel } from './engine/fill';
import { resolveModelDir } from './model/locate';
import { cacheOf, engineOf } from './engine/modelView';
import { ProposedFeatures, createConnection } from 'vscode-languageserver/node';
import { SERVER_VERSION } from '../contract/version';
// the `lsp` mode: lsp/server.ts is the CLI's one import from lsp/ (scripts/eslint-layers.mjs)
import { startServer } from './lsp/server';

async function openModel(args: CliArgs): Promise<LoadedModel> {
  const dir = resolveModelDir(args.model);
  const m = await loadModel(dir, { executionProvider: args.provider, threads: args.threads });
  process.stderr.write(`model ${m.manifest.name} (${dir}) on ${m.device}, loaded in ${m.loadMs.toFixed(0)} ms\n`);
  const asked = args.provider === 'auto' || args.provider === 'cpu' ? [] : [args.provider];
  for (const k of asked) if (m.providerNotes[k]) process.stderr.write(`  ${k}: ${m.providerNotes[k]}\n`);
  if (args.contextCache >= 0 && !m.hasCache) process.stderr.write(`  context cache: ${m.cacheNote}; exact sampling\n`);
  return m;
}

async function runFill(args: CliArgs): Promise<void> {
  const m = await openModel(args);
  try {
    const r = await fillFile(args.file as string, engineOf(m, cacheOf(args.contextCache)), args);
    if (args.json) process.stdout.write(JSON.stringify({ text: r.text, fills: r.fills, holes: r.details, ms: r.ms, steps: r.steps, seed: r.seed, device: m.device, model: m.manifest.name }) + '\n');
    else process.stdout.write(r.text);
    const notes = r.details.map((d, i) => `  hole ${i + 1}: score ${d.score.toFixed(2)}${d.lowConfidence ? ' (low confidence)' : ''}, parses ${d.parses ?? 'n/a'}, ${d.alternatives.length} distinct candidate(s)`);
    process.stderr.write(`filled ${r.fills.length} hole(s) in ${r.ms.toFixed(1)} ms (${r.steps} steps, ${args.candidates} candidates, seed ${r.seed}, ${m.device})\n${notes.join('\n')}\n`);
  } finally {
    await m.release();
  }
}

async function runJsonl(args: CliArgs): Promise<void> {
  const m = await openModel(args);
  // one engine per cache setting, reused line after line (each fill starts a fresh cache)
  const engines = new Map<number | null, EngineModel>();
  const engineFor = (cache: number | null) => engines.get(cache) ?? engines.set(cache, engineOf(m, cache)).get(cache) as EngineModel;
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    process.stdout.write(JSON.stringify(await answerLine(line, engineFor, args)) + '\n');
  }
  await m.release();
}

async function main(): Promise<void> {
  let args: CliArgs;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`pgm-infill: ${(e as Error).message}\n`);
    process.exit(2);
  }
  if (args.mode === 'help') return void process.stdout.write(USAGE + '\n');
  if (args.mode === 'version') return void process.stdout.write(`pgm-infill ${SERVER_VERSION}\n`);
  if (args.mode === 'lsp') {
    // the server reads its transport from process.argv; it stays alive until the client exits
    console.log = console.error;
    return startServer(createConnection(ProposedFeatures.all));
  }
  if (args.mode === 'fill') return runFill(args);
  return runJsonl(args);
}

main().catch((e) => {
  process.stderr.write(`pgm-infill: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
