import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PgmErrorCodes, PgmMethods, errorKindOf, type InfillResult, type ModelErrorKind } from '../../contract/protocol';
import { TINY, startTiny } from '../../harness/lsp';

function copyTiny(edit: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'pgm-model-'));
  for (const f of ['manifest.json', 'tokenizer.json', 'encoder.onnx', 'decoder.onnx']) copyFileSync(join(TINY, f), join(dir, f));
  edit(dir);
  return dir;
}

const URI = 'file:///work/a.py';
const fill = { textDocument: { uri: URI, version: 1 }, ranges: [{ start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }] };

const cases: [string, () => string, RegExp, ModelErrorKind][] = [
  ['a missing model folder', () => '/nonexistent/model', /folder does not exist/, 'modelMissing'],
  ['a missing graph file', () => copyTiny((d) => rmSync(join(d, 'decoder.onnx'))), /decoder.onnx does not exist/, 'modelMissing'],
  ['a corrupt ONNX file', () => copyTiny((d) => writeFileSync(join(d, 'encoder.onnx'), Buffer.alloc(4096, 7))), /encoder.onnx is not a valid ONNX model/, 'modelInvalid'],
  ['a wrong manifest', () => copyTiny((d) => {
    const m = JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8'));
    m.graphs.encoder.inputs = ['ids'];
    writeFileSync(join(d, 'manifest.json'), JSON.stringify(m));
  }), /graphs.encoder.inputs must be/, 'modelInvalid'],
  ['graphs swapped (manifest right, files wrong)', () => copyTiny((d) => {
    copyFileSync(join(TINY, 'decoder.onnx'), join(d, 'encoder.onnx'));
  }), /encoder graph has inputs/, 'modelInvalid'],
];

describe('model failures: clear errors, server keeps serving and recovers', () => {
  for (const [name, dir, re, kind] of cases) {
    it(`reports ${name} (${kind})`, async () => {
      const c = await startTiny({ settings: { modelPath: dir() } });
      try {
        const s = await c.settled();
        assert.equal(s.state, 'error');
        assert.match(s.message ?? '', re);
        assert.equal(s.errorKind, kind);
        await c.open(URI, 'x = 1\n');
        await assert.rejects(c.conn.sendRequest(PgmMethods.infill, fill), (e) => {
          assert.equal((e as { code: number }).code, PgmErrorCodes.ModelUnavailable);
          assert.equal(errorKindOf(e), kind);
          assert.match((e as Error).message, re);
          return true;
        });
        // fixing the setting recovers without a restart
        assert.equal((await c.changeSettings({ modelPath: TINY })).state, 'ready');
        const r: InfillResult = await c.conn.sendRequest(PgmMethods.infill, fill);
        assert.equal(r.edits.length, 1);
      } finally {
        await c.close();
      }
    });
  }
});
