/**
 * Where the default model lives: `models/pgm-code` (the shipped model) if present, else
 * `models/tiny` (random weights, for tests). The root is the folder above the running script:
 * dist/server.js and server/main.ts are both one level below it.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

export const DEFAULT_MODELS = ['pgm-code', 'tiny'];

export function packageRoot(): string {
  return resolve(__dirname, '..');
}

export function defaultModelDir(root = packageRoot()): string {
  for (const name of DEFAULT_MODELS) {
    const dir = join(root, 'models', name);
    if (existsSync(join(dir, 'manifest.json'))) return dir;
  }
  return join(root, 'models', DEFAULT_MODELS[0]);
}

/** The model folder for a setting: '' = default; relative paths are taken from cwd. */
export function resolveModelDir(setting: string, cwd = process.cwd()): string {
  if (!setting) return defaultModelDir();
  return isAbsolute(setting) ? setting : resolve(cwd, setting);
}
