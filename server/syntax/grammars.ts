/**
 * Tree-sitter grammars for the syntax check, loaded from local wasm files (no network): the
 * runtime and grammars of @vscode/tree-sitter-wasm (web-tree-sitter built with the grammars VS
 * Code uses; pinned in package.json). The build copies the files this needs to dist/tree-sitter/
 * (scripts/build.mjs), so the bundled server, the CLI and the VSIX find them next to the bundle;
 * from sources (tests, tsx) they come from node_modules. The only module that imports the package.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Language, Parser } from '@vscode/tree-sitter-wasm';

/** Grammar file per supported language id (LSP languageId / file extension mapping below). */
export const GRAMMAR_FILES: Readonly<Record<string, string>> = {
  python: 'tree-sitter-python.wasm',
  javascript: 'tree-sitter-javascript.wasm',
  typescript: 'tree-sitter-typescript.wasm',
  tsx: 'tree-sitter-tsx.wasm',
};
/** Every file the syntax check needs, grammars and the runtime (what the build copies). */
export const WASM_FILES = ['tree-sitter.wasm', ...Object.values(GRAMMAR_FILES)];

const LANGUAGE_IDS: Readonly<Record<string, string>> = {
  python: 'python', javascript: 'javascript', javascriptreact: 'javascript',
  typescript: 'typescript', typescriptreact: 'tsx',
};
const EXTENSIONS: Readonly<Record<string, string>> = {
  py: 'python', pyi: 'python', js: 'javascript', mjs: 'javascript', cjs: 'javascript', jsx: 'javascript',
  ts: 'typescript', mts: 'typescript', cts: 'typescript', tsx: 'tsx',
};

/** The grammar for an LSP languageId ('python', 'typescriptreact', ...), or null. */
export function grammarForLanguageId(languageId: string | undefined): string | null {
  return (languageId && LANGUAGE_IDS[languageId]) || null;
}

/** The grammar for a file name or URI by its extension, or null. */
export function grammarForPath(path: string | undefined): string | null {
  const m = /\.([A-Za-z0-9]+)$/.exec(path ?? '');
  return (m && EXTENSIONS[m[1].toLowerCase()]) || null;
}

/** Where the wasm files are: next to the bundle (dist/tree-sitter), else the npm package. */
export function wasmDir(): string {
  const bundled = join(__dirname, 'tree-sitter');
  if (existsSync(join(bundled, 'tree-sitter.wasm'))) return bundled;
  try {
    return dirname(require.resolve('@vscode/tree-sitter-wasm'));
  } catch {
    throw new Error(`tree-sitter wasm files not found (looked in ${bundled} and node_modules/@vscode/tree-sitter-wasm)`);
  }
}

let runtime: Promise<string> | null = null;
const parsers = new Map<string, Promise<Parser>>();

/**
 * The parser for a grammar name (a key of GRAMMAR_FILES): the runtime and each grammar load
 * once and the parser is reused (parsing is synchronous, so callers never interleave).
 */
export function parserFor(grammar: string): Promise<Parser> {
  const file = GRAMMAR_FILES[grammar];
  if (!file) return Promise.reject(new Error(`no tree-sitter grammar ${JSON.stringify(grammar)}`));
  let p = parsers.get(grammar);
  if (!p) {
    p = (async () => {
      runtime ??= Parser.init({ locateFile: (name: string) => join(wasmDir(), name) }).then(() => wasmDir());
      const dir = await runtime;
      const parser = new Parser();
      parser.setLanguage(await Language.load(join(dir, file)));
      return parser;
    })();
    // a failed load is not cached: the next request tries again
    p.catch(() => parsers.delete(grammar));
    parsers.set(grammar, p);
  }
  return p;
}
