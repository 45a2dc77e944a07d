/**
 * The dependency layers (scripts/eslint-layers.mjs) through the real ESLint config: a fixture
 * import in a file of each folder is linted as `npm run lint` would lint it.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';

const eslint = new ESLint({ cwd: join(__dirname, '..', '..') });

/** The layers/imports messages for `code` as if it were the file `filePath` (need not exist). */
async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nvoid x;\n`, { filePath });
  return result.messages.filter((m) => m.ruleId === 'layers/imports').map((m) => m.message);
}

describe('dependency layers (eslint layers/imports)', () => {
  const refused: [string, string, RegExp][] = [
    ['server/sampler/x.ts', "import { x } from '../model/host';", /server\/sampler may not import server\/model\/host/],
    ['server/model/x.ts', "import { x } from '../engine/fill';", /server\/model may not import server\/engine\/fill/],
    ['server/engine/x.ts', "import { x } from '../lsp/requests';", /server\/engine may not import server\/lsp\/requests/],
    ['server/syntax/x.ts', "import type { x } from '../engine/fill';", /server\/syntax may not import/],
    ['server/cli/x.ts', "import { x } from '../lsp/server';", /server\/cli may not import server\/lsp\/server/],
    ['server/cli.ts', "import { x } from './lsp/requests';", /server\/cli\.ts may not import server\/lsp\/requests/],
    ['server/lsp/x.ts', "import { x } from '../../client/settings';", /server\/lsp may not import client\/settings/],
    ['contract/x.ts', "export { x } from '../server/sampler/types';", /contract may not import server\/sampler\/types/],
    ['client/x.ts', "import { x } from '../server/lsp/requests';", /client may not import server\/lsp\/requests/],
    ['client/x.ts', "const x = require('../server/engine/fill');", /client may not import server\/engine\/fill/],
    ['bench/x.ts', "import { x } from '../test/server/fixtures';", /bench may not import test\/server\/fixtures/],
    ['harness/x.ts', "import { x } from '../test/unit/fakes';", /harness may not import test\/unit\/fakes/],
    ['server/lsp/x.ts', "import { x } from '../../harness/lsp';", /server\/lsp may not import harness\/lsp/],
    ['client/x.ts', "import { x } from '../bench/report';", /client may not import bench\/report/],
    ['server/model/x.ts', "import * as x from 'vscode';", /may not import the package vscode/],
    ['server/engine/x.ts', "import type { x } from 'vscode-languageserver/node';", /may not import the package vscode-languageserver/],
    ['client/x.ts', "import * as x from 'onnxruntime-node';", /may not import the package onnxruntime-node/],
  ];
  for (const [file, code, re] of refused) {
    it(`refuses in ${file}: ${code}`, async () => {
      const errors = await layerErrors(file, code);
      assert.equal(errors.length, 1, `expected one layers/imports error, got ${JSON.stringify(errors)}`);
      assert.match(errors[0], re);
    });
  }

  const allowed: [string, string][] = [
    ['server/model/x.ts', "import { x } from '../sampler/types';"],
    ['server/engine/x.ts', "import { x } from '../model/host';"],
    ['server/engine/x.ts', "import { x } from '../syntax/check';"],
    ['server/lsp/x.ts', "import { x } from '../engine/fill';"],
    ['server/cli/x.ts', "import { x } from '../engine/inlineItems';"],
    ['server/cli.ts', "import { x } from './lsp/server';"],
    ['server/main.ts', "import { x } from './lsp/server';"],
    ['client/x.ts', "import { x } from '../contract/protocol';"],
    ['client/x.ts', "import * as x from 'vscode';"],
    ['bench/x.ts', "import { x } from '../server/lsp/requests';"],
    ['bench/x.ts', "import { x } from '../harness/lsp';"],
    ['harness/x.ts', "import { x } from '../contract/protocol';"],
    ['test/server/x.test.ts', "import { x } from '../../harness/lsp';"],
    ['server/lsp/x.ts', "import { version } from '../../package.json';"],
    ['test/unit/x.test.ts', "import { x } from '../../server/lsp/requests';"],
  ];
  for (const [file, code] of allowed) {
    it(`allows in ${file}: ${code}`, async () => {
      assert.deepEqual(await layerErrors(file, code), []);
    });
  }
});
