// The project's dependency layers as an ESLint rule (`layers/imports`, on in eslint.config.mjs).
// Dependencies run one way:
//   contract <- server/sampler <- server/model <- server/engine, server/syntax
//            <- server/lsp, server/cli <- the entry points server/main.ts, server/cli.ts
// client/ imports only client/ and contract/; harness/ (the LSP client that tests and benchmarks
// share) and bench/ import no test/ file. Each relative import is resolved to the folder it lands
// in and checked against LAYERS; package imports are checked against the packages a folder must not use (the server runs outside VS Code, the client never
// loads the model). A folder missing from LAYERS (test/, scripts/) may import anything, and only
// the folders that list it may import it; files at the root (package.json) are open to all.
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const SERVER_LAYERS = ['server/sampler', 'server/model', 'server/syntax', 'server/engine', 'server/lsp', 'server/cli'];
const NOT_IN_SERVER = ['vscode', 'vscode-languageclient'];
const BELOW_LSP = [...NOT_IN_SERVER, 'vscode-languageserver', 'vscode-languageserver-protocol', 'vscode-languageserver-textdocument'];

/**
 * What each folder may import: `areas` (folders, plus single modules for one narrow door) and
 * the `packages` it must not import (a name also covers its subpaths: `x` covers `x/node`).
 */
export const LAYERS = {
  contract: { areas: [], packages: ['vscode', 'vscode-languageclient', 'onnxruntime-node'] },
  'server/sampler': { areas: ['contract'], packages: BELOW_LSP },
  'server/model': { areas: ['contract', 'server/sampler'], packages: BELOW_LSP },
  'server/syntax': { areas: ['contract', 'server/sampler', 'server/model'], packages: BELOW_LSP },
  'server/engine': { areas: ['contract', 'server/sampler', 'server/model', 'server/syntax'], packages: BELOW_LSP },
  'server/lsp': { areas: ['contract', 'server/sampler', 'server/model', 'server/syntax', 'server/engine'], packages: NOT_IN_SERVER },
  'server/cli': { areas: ['contract', 'server/sampler', 'server/model', 'server/syntax', 'server/engine'], packages: BELOW_LSP },
  'server/main.ts': { areas: ['contract', ...SERVER_LAYERS], packages: NOT_IN_SERVER },
  // the CLI's `lsp` mode starts the language server: lsp/server.ts is its one door into lsp/
  'server/cli.ts': { areas: ['contract', ...SERVER_LAYERS.filter((a) => a !== 'server/lsp'), 'server/lsp/server'], packages: NOT_IN_SERVER },
  client: { areas: ['contract'], packages: ['onnxruntime-node', '@huggingface/tokenizers', '@vscode/tree-sitter-wasm', 'vscode-languageserver', 'vscode-languageserver-textdocument'] },
  harness: { areas: ['contract', 'server', 'server/main.ts', 'server/cli.ts', ...SERVER_LAYERS], packages: [] },
  bench: { areas: ['contract', 'server', 'server/main.ts', 'server/cli.ts', ...SERVER_LAYERS, 'harness', 'scripts'], packages: [] },
};

const posix = (p) => p.split(sep).join('/');
const noExt = (p) => p.replace(/\.(ts|mts|cts|js|mjs|cjs|json)$/, '');

/**
 * The area a repository-relative path lies in: its top folder, the layer folder in server/, or
 * an entry point (a file directly in server/); null for a file at the root.
 */
export function areaOf(rel) {
  const parts = rel.split('/');
  if (parts.length === 1) return null;
  if (parts[0] !== 'server') return parts[0];
  if (parts.length === 2) return LAYERS[`server/${noExt(parts[1])}.ts`] ? `server/${noExt(parts[1])}.ts` : 'server';
  return SERVER_LAYERS.includes(`server/${parts[1]}`) ? `server/${parts[1]}` : 'server';
}

/** Why `from` (repository-relative file) may not import `source`, or null when it may. */
export function violation(from, source) {
  const own = areaOf(from);
  const rule = own && LAYERS[own];
  if (!rule) return null;
  if (source.startsWith('.')) {
    const target = posix(relative(ROOT, resolve(ROOT, dirname(from), source)));
    const area = areaOf(target);
    if (area === null || area === own) return null;
    if (rule.areas.includes(area) || rule.areas.includes(noExt(target))) return null;
    const allowed = rule.areas.length ? rule.areas.join(', ') : 'nothing outside itself';
    return `${own} may not import ${noExt(target)} (${area}): dependencies run one way ` +
      '(contract <- sampler <- model <- engine, syntax <- lsp, cli <- entry points; client -> contract only); ' +
      `${own} may import ${allowed}. Move the shared code down a layer.`;
  }
  const pkg = rule.packages.find((p) => source === p || source.startsWith(`${p}/`));
  return pkg ? `${own} may not import the package ${pkg} (see scripts/eslint-layers.mjs for why each folder avoids which packages).` : null;
}

const importsRule = {
  meta: {
    type: 'problem',
    docs: { description: 'imports follow the dependency layers (scripts/eslint-layers.mjs)' },
    schema: [],
  },
  create(context) {
    const from = posix(relative(ROOT, context.filename));
    if (from.startsWith('..')) return {};
    const check = (node, source) => {
      if (typeof source !== 'string') return;
      const why = violation(from, source);
      if (why) context.report({ node, message: why });
    };
    return {
      ImportDeclaration: (n) => check(n.source, n.source.value),
      ExportNamedDeclaration: (n) => n.source && check(n.source, n.source.value),
      ExportAllDeclaration: (n) => check(n.source, n.source.value),
      ImportExpression: (n) => n.source.type === 'Literal' && check(n.source, n.source.value),
      TSImportType: (n) => n.argument?.type === 'TSLiteralType' && check(n.argument, n.argument.literal.value),
      CallExpression: (n) => n.callee.type === 'Identifier' && n.callee.name === 'require' &&
        n.arguments[0]?.type === 'Literal' && check(n.arguments[0], n.arguments[0].value),
    };
  },
};

export default { rules: { imports: importsRule } };
