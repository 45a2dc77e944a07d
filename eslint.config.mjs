// ESLint flat config (docs/development.md, "Lint"): `npm run lint`, run by scripts/test.sh before
// the tests. typescript-eslint's recommended rules without type information. Type-aware rules were
// measured: the full recommendedTypeChecked set took 20.6 s against 7.8 s (its ~450 findings were
// mostly node:test's unawaited describe/it), and just the three promise rules on client/, server/
// and contract/ doubled the CPU time (6.7 s -> 13.9 s) and found nothing; so they stay off.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import layers from './scripts/eslint-layers.mjs';

/** The Node globals that plain .mjs / .cjs scripts use (no `globals` package needed for these). */
const node = { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', globalThis: 'readonly' };
const commonjs = { require: 'readonly', module: 'writable', exports: 'writable', __dirname: 'readonly', __filename: 'readonly' };

export default defineConfig(
  // what .gitignore ignores, plus the shipped models and the example files
  { ignores: ['dist/', 'out/', 'node_modules/', '.tools/', '.venv/', 'data/', 'runs/', 'test-artifacts/', '.whl/', '.carry/', 'models/', 'bench/.graphs/', 'examples/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `_name` marks a parameter or binding that is there for its position, not its value
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
    },
  },
  {
    // dependencies run one way between folders (the table is in scripts/eslint-layers.mjs)
    files: ['**/*.ts', '**/*.mjs', '**/*.cjs', '**/*.js'],
    plugins: { layers },
    rules: { 'layers/imports': 'error' },
  },
  { files: ['**/*.mjs'], languageOptions: { sourceType: 'module', globals: node } },
  {
    // the denoising view's script runs in a VS Code webview (a browser page)
    files: ['media/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: { window: 'readonly', document: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', acquireVsCodeApi: 'readonly' },
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...node, ...commonjs } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
