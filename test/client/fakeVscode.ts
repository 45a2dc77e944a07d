/**
 * A stand-in for the `vscode` module, so client code that reads VS Code's API (client/config.ts)
 * runs under node:test. Import this module before the client module under test: it answers
 * `require('vscode')` from then on. Only what those tests use is faked: layered configuration
 * (default < global < workspace < workspaceFolder, as VS Code resolves it) and Uri.parse.
 */
import Module from 'node:module';

export interface ConfigLayers {
  globalValue?: Record<string, unknown>;
  workspaceValue?: Record<string, unknown>;
  workspaceFolderValue?: Record<string, unknown>;
}

/** The configuration the fake VS Code holds, per section: set it in each test. */
export const configuration: Record<string, ConfigLayers> = {};
/** Every getConfiguration call: section and scope URI (string) or undefined. */
export const configurationCalls: { section: string; scope: string | undefined }[] = [];

function lookup(values: Record<string, unknown> | undefined, key: string): unknown {
  let v: unknown = values;
  for (const part of key.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
  return v;
}

const fake = {
  Uri: { parse: (s: string) => ({ toString: () => s, scheme: s.split(':')[0] }) },
  workspace: {
    getConfiguration(section: string, scope?: { toString(): string }) {
      configurationCalls.push({ section, scope: scope?.toString() });
      const layers = configuration[section] ?? {};
      const order = [layers.globalValue, layers.workspaceValue, layers.workspaceFolderValue];
      return {
        get(key: string): unknown {
          let v: unknown;
          for (const values of order) {
            const x = lookup(values, key);
            if (x !== undefined) v = x;
          }
          return v;
        },
        inspect(key: string) {
          return {
            key: `${section}.${key}`,
            globalValue: lookup(layers.globalValue, key),
            workspaceValue: lookup(layers.workspaceValue, key),
            workspaceFolderValue: lookup(layers.workspaceFolderValue, key),
          };
        },
      };
    },
    onDidChangeConfiguration: () => ({ dispose: () => undefined }),
  },
};

type Loader = (request: string, parent: unknown, isMain: boolean) => unknown;
const mod = Module as unknown as { _load: Loader };
const load = mod._load;
mod._load = function (request, parent, isMain) {
  if (request === 'vscode') return fake;
  return load.call(this, request, parent, isMain);
};
