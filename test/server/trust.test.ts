/** Issue 9 over LSP (tiny model): candidates, scores, syntax check, oversize, capacity, inline gate. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PgmErrorCodes, PgmMethods, type InfillResult, type SelectionTooLargeData } from '../../contract/protocol';
import { startTiny, type Server } from '../../harness/lsp';

const URI = 'file:///work/trust.py';
const TEXT = 'def add(a, b):\n    return a + b\n\n' + 'x = 1\n'.repeat(200) + 'print(add(1, 2))\n';

describe('fills a user can trust (tiny model over LSP)', () => {
  let c: Server;
  before(async () => {
    c = await startTiny({ settings: { candidates: 3 } });
    assert.equal((await c.settled()).state, 'ready');
    await c.open(URI, TEXT);
  });
  after(() => c.close());

  it('answers each range with a score, a syntax check and ranked alternatives', async () => {
    const r: InfillResult = await c.conn.sendRequest(PgmMethods.infill, {
      textDocument: { uri: URI, version: 1 }, ranges: [{ start: { line: 1, character: 11 }, end: { line: 1, character: 16 } }],
    });
    const e = r.edits[0];
    assert.equal(r.stats.candidates, 3);
    assert.ok(typeof e.score === 'number' && e.score <= 0);
    assert.equal(typeof e.parses, 'boolean', 'python has a grammar');
    assert.equal(typeof e.lowConfidence, 'boolean');
    assert.ok(e.alternatives && e.alternatives.length >= 1 && e.alternatives.length <= 3);
    assert.equal(e.alternatives[0].text, e.newText);
    assert.equal(new Set(e.alternatives.map((a) => a.text)).size, e.alternatives.length, 'distinct');
  });

  it('a selection too large for the model: a typed error with its size, nothing shrunk', async () => {
    const ranges = [{ start: { line: 3, character: 0 }, end: { line: 203, character: 0 } }];
    await assert.rejects(
      c.conn.sendRequest(PgmMethods.infill, { textDocument: { uri: URI, version: 1 }, ranges }),
      (e: { code: number; data: SelectionTooLargeData }) => {
        assert.equal(e.code, PgmErrorCodes.SelectionTooLarge);
        assert.equal(e.data.kind, 'selectionTooLarge');
        assert.equal(e.data.range, 0);
        assert.ok(e.data.tokens > e.data.maxTokens);
        return true;
      },
    );
    const cap: InfillResult = await c.conn.sendRequest(PgmMethods.infill, { textDocument: { uri: URI, version: 1 }, ranges, options: { oversize: 'cap', candidates: 1 } });
    assert.ok(cap.stats.tokensPerRange[0] <= cap.stats.capacityPerRange[0] + 2);
  });

  it("oversize 'split' fills the selection in parts and answers one edit for it", async () => {
    const ranges = [{ start: { line: 3, character: 0 }, end: { line: 203, character: 0 } }];
    const r: InfillResult = await c.conn.sendRequest(PgmMethods.infill, { textDocument: { uri: URI, version: 1 }, ranges, options: { oversize: 'split', candidates: 1, steps: 1 } });
    assert.equal(r.edits.length, 1);
    assert.deepEqual(r.edits[0].range, ranges[0]);
    assert.ok(r.stats.steps > 2, 'several parts, each its own sampler run');
  });

  it("lengthFrom 'capacity' gives every range the capacity (placeholder markers)", async () => {
    const ranges = [{ start: { line: 1, character: 11 }, end: { line: 1, character: 16 } }];
    const r: InfillResult = await c.conn.sendRequest(PgmMethods.infill, { textDocument: { uri: URI, version: 1 }, ranges, options: { capacity: 30, lengthFrom: 'capacity', candidates: 1 } });
    assert.equal(r.stats.capacityPerRange[0], 30);
  });

  it('inline: at most inline.candidates items, none under the confidence threshold', async () => {
    const ask = () => c.conn.sendRequest('textDocument/inlineCompletion', {
      textDocument: { uri: URI }, position: { line: 1, character: 11 }, context: { triggerKind: 1 },
    }) as Promise<{ items: { insertText: string }[] }>;
    await c.setSettings({ confidenceThreshold: -100, inline: { candidates: 2, maxTokens: 6 } });
    const open = await ask();
    assert.ok(open.items.length >= 1 && open.items.length <= 2, `${open.items.length} items with the gate open, want 1..2`);
    await c.setSettings({ confidenceThreshold: 0 });
    assert.deepEqual((await ask()).items, [], 'no fill scores above 0');
  });
});
