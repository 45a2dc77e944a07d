import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PgmErrorCodes, PgmMethods, REQUEST_CANCELLED, type InfillResult } from '../../contract/protocol';
import { CancellationTokenSource, startClient, waitFor, type Client } from './harness';

const URI = 'file:///work/sample.py';
const TEXT = 'def add(a, b):\n    return a + b\n\nprint(add(1, 2))\n';

function code(e: unknown): number {
  return (e as { code: number }).code;
}

describe('language server over stdio (tiny model)', () => {
  let c: Client;
  before(async () => {
    c = await startClient();
    const s = await c.settled();
    assert.equal(s.state, 'ready', JSON.stringify(s));
    c.open(URI, TEXT);
  });
  after(() => c.close());

  it('announces inline completion and the pgm methods, reports model and device', async () => {
    const init = (c as unknown as { init: { capabilities: { inlineCompletionProvider?: boolean; experimental?: { pgmInfill?: { methods?: string[] } } }; serverInfo: { name: string } } }).init;
    assert.equal(init.capabilities.inlineCompletionProvider, true);
    assert.deepEqual(init.capabilities.experimental?.pgmInfill?.methods, Object.values(PgmMethods));
    const ready = c.statuses.find((s) => s.state === 'ready')!;
    assert.equal(ready.model, 'tiny-random');
    assert.equal(ready.device, 'cpu');
  });

  it('fills one range and reports stats', async () => {
    const r: InfillResult = await c.conn.sendRequest(PgmMethods.infill, {
      textDocument: { uri: URI, version: 1 }, ranges: [{ start: { line: 1, character: 11 }, end: { line: 1, character: 16 } }],
    });
    assert.equal(r.edits.length, 1);
    assert.deepEqual(r.edits[0].range, { start: { line: 1, character: 11 }, end: { line: 1, character: 16 } });
    assert.equal(typeof r.edits[0].newText, 'string');
    assert.equal(r.stats.model, 'tiny-random');
    assert.equal(r.stats.device, 'cpu');
    assert.ok(r.stats.steps >= 1 && r.stats.steps <= 5);
    // capacity follows the 5-character selection (docs/server.md#capacity), healing adds <= 2
    assert.ok(r.stats.capacityPerRange[0] >= 4 && r.stats.capacityPerRange[0] <= 64);
    assert.ok(r.stats.tokensPerRange[0] <= r.stats.capacityPerRange[0] + 2);
  });

  it('fills several ranges in one request, deterministically for a seed', async () => {
    const params = {
      textDocument: { uri: URI, version: 1 },
      ranges: [
        { start: { line: 3, character: 13 }, end: { line: 3, character: 14 } },
        { start: { line: 0, character: 4 }, end: { line: 0, character: 7 } },
        { start: { line: 4, character: 0 }, end: { line: 4, character: 0 } },
      ],
      options: { seed: 42, steps: 3, order: 'random' },
    };
    const a: InfillResult = await c.conn.sendRequest(PgmMethods.infill, params);
    const b: InfillResult = await c.conn.sendRequest(PgmMethods.infill, params);
    assert.equal(a.edits.length, 3);
    assert.deepEqual(a.edits.map((e) => e.range), params.ranges);
    assert.deepEqual(a.edits, b.edits);
    assert.equal(a.stats.seed, 42);
    assert.equal(a.stats.order, 'random');
  });

  it('sends progress with per-position commit steps', async () => {
    c.progress.length = 0;
    await c.conn.sendRequest(PgmMethods.infill, {
      textDocument: { uri: URI, version: 1 }, ranges: [{ start: { line: 4, character: 0 }, end: { line: 4, character: 0 } }],
      progress: true, requestId: 'live-1', options: { steps: 4, capacity: 8 },
    });
    assert.ok(c.progress.length >= 1);
    const last = c.progress[c.progress.length - 1];
    assert.equal(last.requestId, 'live-1');
    assert.equal(last.uri, URI);
    assert.ok(last.ranges[0].tokens.length >= 8);
    assert.ok(last.ranges[0].tokens.some((t) => t.step >= 1 && t.confidence > 0));
  });

  it('answers inline completion at the cursor', async () => {
    const r: { items: { insertText: string; range: unknown }[] } = await c.conn.sendRequest('textDocument/inlineCompletion', {
      textDocument: { uri: URI }, position: { line: 3, character: 6 }, context: { triggerKind: 2 },
    });
    assert.ok(Array.isArray(r.items));
    for (const it of r.items) {
      assert.ok(!it.insertText.includes('\n'), 'inline fills are single-line');
      assert.deepEqual(it.range, { start: { line: 3, character: 6 }, end: { line: 3, character: 6 } });
    }
  });

  it('answers a repeated inline request and typed-ahead characters from its memo', async () => {
    const d = await startClient({ seed: -1 }); // a fresh seed per fill: a recompute would differ
    try {
      await d.settled();
      const uri = 'file:///work/memo.py';
      d.open(uri, 'def add(a, b):\n    return \n\nprint(add(1, 2))\n');
      const ask = (character: number): Promise<{ items: { insertText: string }[] }> => d.conn.sendRequest('textDocument/inlineCompletion', {
        textDocument: { uri }, position: { line: 1, character }, context: { triggerKind: 2 },
      });
      const first = await ask(11);
      if (first.items.length === 0) return; // the random-weight model suggested only whitespace
      assert.deepEqual(await ask(11), first);
      const s = first.items[0].insertText;
      if (s.length < 2) return;
      await d.conn.sendNotification('textDocument/didChange', {
        textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: { line: 1, character: 11 }, end: { line: 1, character: 11 } }, text: s[0] }],
      });
      assert.deepEqual((await ask(12)).items.map((i) => i.insertText), [s.slice(1)]);
    } finally {
      await d.close();
    }
  });

  it('cancels a fill mid-way', async () => {
    c.progress.length = 0;
    const cts = new CancellationTokenSource();
    const p = c.conn.sendRequest(PgmMethods.infill, {
      textDocument: { uri: URI, version: 1 }, ranges: [{ start: { line: 4, character: 0 }, end: { line: 4, character: 0 } }],
      progress: true, options: { steps: 64, capacity: 64, order: 'left-to-right' },
    }, cts.token);
    await waitFor(() => c.progress.length >= 1);
    cts.cancel();
    await assert.rejects(p, (e) => code(e) === REQUEST_CANCELLED);
    assert.ok(c.progress.length < 64, `stopped after ${c.progress.length} steps`);
  });

  it('refuses a stale version and edits nothing', async () => {
    const uri = 'file:///work/stale.py';
    c.open(uri, 'x = 1\n', 1);
    await c.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: { line: 0, character: 4 }, end: { line: 0, character: 5 } }, text: '2' }],
    });
    await assert.rejects(
      c.conn.sendRequest(PgmMethods.infill, { textDocument: { uri, version: 1 }, ranges: [{ start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }] }),
      (e) => code(e) === PgmErrorCodes.StaleVersion && /version 1.*current is 2/.test((e as Error).message),
    );
  });

  const range = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });
  const bad: [string, () => unknown, number, RegExp][] = [
    ['unknown document', () => ({ textDocument: { uri: 'file:///nope.py', version: 1 }, ranges: [range(0, 0, 0, 0)] }), PgmErrorCodes.UnknownDocument, /not open/],
    ['inverted range', () => ({ textDocument: { uri: URI, version: 1 }, ranges: [range(1, 5, 0, 2)] }), PgmErrorCodes.InvalidRange, /inverted/],
    ['range past the end of a line', () => ({ textDocument: { uri: URI, version: 1 }, ranges: [range(0, 2, 0, 99)] }), PgmErrorCodes.InvalidRange, /past the end of line 0/],
    ['range past the last line', () => ({ textDocument: { uri: URI, version: 1 }, ranges: [range(40, 0, 40, 0)] }), PgmErrorCodes.InvalidRange, /outside the document/],
    ['overlapping ranges', () => ({ textDocument: { uri: URI, version: 1 }, ranges: [range(0, 0, 0, 5), range(0, 3, 0, 6)] }), PgmErrorCodes.InvalidRange, /overlap/],
    ['no ranges', () => ({ textDocument: { uri: URI, version: 1 }, ranges: [] }), PgmErrorCodes.InvalidRange, /non-empty/],
    ['binary content', () => ({ textDocument: { uri: 'file:///work/blob.bin', version: 1 }, ranges: [range(0, 0, 0, 0)] }), PgmErrorCodes.BinaryContent, /binary/],
  ];
  for (const [name, params, want, re] of bad) {
    it(`refuses ${name} with a clear error and keeps serving`, async () => {
      c.open('file:///work/blob.bin', 'PK\u0003\u0004\u0000\u0000garbage');
      await assert.rejects(c.conn.sendRequest(PgmMethods.infill, params()), (e) => code(e) === want && re.test((e as Error).message));
      const ok: InfillResult = await c.conn.sendRequest(PgmMethods.infill, { textDocument: { uri: URI, version: 1 }, ranges: [range(4, 0, 4, 0)], options: { steps: 1, capacity: 2 } });
      assert.equal(ok.edits.length, 1);
    });
  }
});
