// ESLint flat config (docs/development.md, "Lint"): `npm run lint`, run by scripts/test.sh before
// the tests. typescript-eslint's recommended rules without type information: type-aware linting
// took 2.5x as long on this project and flagged mostly node:test's unawaited describe/it calls.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import layers from './scripts/eslint-layers.mjs';

/** The Node globals that plain .mjs / .cjs scripts use (no `globals` package needed for these). */
const node = { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', globalThis: 'readonly' };
const commonjs = { require: 'readonly', module: 'writable', exports: 'writable', __dirname: 'readonly', __filename: 'readonly' };

export default tseslint.config(
  { ignores: ['dist/', 'out/', 'node_modules/', '.tools/', '.venv/', 'data/', 'runs/', 'test-artifacts/', 'models/', 'bench/.graphs/', 'examples/'] },
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
