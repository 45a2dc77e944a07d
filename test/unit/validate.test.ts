import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { checkText, checkVersion, rangesToOffsets } from '../../server/lsp/validate';
import { PgmErrorCodes } from '../../contract/protocol';

const doc = TextDocument.create('file:///a', 'python', 3, 'ab\r\ncd\n');
const r = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });
const code = (c: number) => (e: unknown) => (e as { code: number }).code === c;

describe('request validation', () => {
  it('converts ranges to offsets (CRLF aware) in request order', () => {
    assert.deepEqual(rangesToOffsets(doc, [r(1, 0, 1, 2), r(0, 1, 0, 2)]), [{ start: 4, end: 6 }, { start: 1, end: 2 }]);
    assert.deepEqual(rangesToOffsets(doc, [r(2, 0, 2, 0)]), [{ start: 7, end: 7 }]);
  });

  it('refuses ranges past the line end (the CR is not a column) or the last line', () => {
    assert.throws(() => rangesToOffsets(doc, [r(0, 0, 0, 3)]), code(PgmErrorCodes.InvalidRange));
    assert.throws(() => rangesToOffsets(doc, [r(3, 0, 3, 0)]), code(PgmErrorCodes.InvalidRange));
    assert.throws(() => rangesToOffsets(doc, [r(0, -1, 0, 0)]), code(PgmErrorCodes.InvalidRange));
  });

  it('refuses inverted, overlapping, duplicate, malformed and too many ranges', () => {
    assert.throws(() => rangesToOffsets(doc, [r(1, 1, 0, 1)]), /inverted/);
    assert.throws(() => rangesToOffsets(doc, [r(0, 0, 1, 1), r(1, 0, 1, 2)]), /overlap/);
    assert.throws(() => rangesToOffsets(doc, [r(0, 1, 0, 1), r(0, 1, 0, 1)]), /overlap/);
    assert.throws(() => rangesToOffsets(doc, [{ start: 1 }]), /not a Range/);
    assert.throws(() => rangesToOffsets(doc, Array.from({ length: 65 }, () => r(0, 0, 0, 0))), /at most 64/);
  });

  it('checks the version and binary content', () => {
    assert.doesNotThrow(() => checkVersion(doc, 3));
    assert.throws(() => checkVersion(doc, 2), code(PgmErrorCodes.StaleVersion));
    assert.throws(() => checkVersion(doc, '3'), code(PgmErrorCodes.InvalidParams));
    assert.throws(() => checkText('a\u0000b'), code(PgmErrorCodes.BinaryContent));
    assert.throws(() => checkText('\ufffd'.repeat(40)), code(PgmErrorCodes.BinaryContent));
    assert.doesNotThrow(() => checkText('déjà vu \ufffd once'));
  });
});
