// Bundles the extension client, the language server and the CLI with esbuild (CommonJS, Node).
// `vscode` is provided by the editor and `onnxruntime-node` ships native binaries, so both stay
// external; everything else (vscode-languageserver, tokenizers, web-tree-sitter) is bundled. The
// tree-sitter runtime and grammar wasm files (server/syntax/grammars.ts) are copied next to the
// bundles, to dist/tree-sitter/, where the server and CLI load them (no network, no node_modules).
//   node scripts/build.mjs [--watch] [--minify]
import { build, context } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');
const minify = process.argv.includes('--minify');

const entries = [
  { in: 'client/extension.ts', out: 'dist/client.js', optional: true },
  { in: 'server/main.ts', out: 'dist/server.js' },
  { in: 'server/cli.ts', out: 'dist/cli.js', banner: '#!/usr/bin/env node' },
];

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  minify,
  external: ['vscode', 'onnxruntime-node'],
  logLevel: 'warning',
  absWorkingDir: root,
};

const jobs = entries
  .filter((e) => !e.optional || existsSync(join(root, e.in)))
  .map((e) => ({ ...common, entryPoints: [e.in], outfile: e.out, ...(e.banner ? { banner: { js: e.banner } } : {}) }));

// the files server/syntax/grammars.ts loads (WASM_FILES there)
const TREE_SITTER_FILES = [
  'tree-sitter.wasm', 'tree-sitter-python.wasm', 'tree-sitter-javascript.wasm', 'tree-sitter-typescript.wasm', 'tree-sitter-tsx.wasm',
];

function copyGrammars() {
  const from = join(root, 'node_modules/@vscode/tree-sitter-wasm/wasm');
  const to = join(root, 'dist/tree-sitter');
  mkdirSync(to, { recursive: true });
  for (const f of TREE_SITTER_FILES) copyFileSync(join(from, f), join(to, f));
}

copyGrammars();
if (watch) {
  for (const j of jobs) await (await context(j)).watch();
  console.log(`watching ${jobs.map((j) => j.entryPoints[0]).join(', ')}`);
} else {
  const t0 = Date.now();
  await Promise.all(jobs.map((j) => build(j)));
  console.log(`built ${jobs.map((j) => j.outfile).join(', ')} in ${Date.now() - t0} ms`);
}
