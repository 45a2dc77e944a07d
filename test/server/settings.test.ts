/**
 * Settings reach the server one way: it pulls them (workspace/configuration, scoped to the
 * document), re-pulls when told they changed, and sanitises what it gets once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PgmMethods, type InfillResult } from '../../contract/protocol';
import { TINY, startTiny, waitFor, type Server } from '../../harness/lsp';

const A = 'file:///ws/a/';
const B = 'file:///ws/b/';
const TEXT = 'def add(a, b):\n    return a + b\n';
const fill = (c: Server, uri: string): Promise<InfillResult> => c.conn.sendRequest(PgmMethods.infill, {
  textDocument: { uri, version: 1 }, ranges: [{ start: { line: 1, character: 11 }, end: { line: 1, character: 16 } }],
});

describe('settings: pulled per document, never pushed', () => {
  let c: Server;
  before(async () => {
    c = await startTiny({ settings: { candidates: 1 }, initialize: { initializationOptions: { settings: { pgmInfill: { order: 'random', seed: 99 } } } } });
    c.folders = { [A]: { order: 'left-to-right', seed: 11 }, [B]: { order: 'random', seed: 22 } };
    assert.equal((await c.settled()).state, 'ready');
    await c.open(`${A}x.py`, TEXT);
    await c.open(`${B}x.py`, TEXT);
    await c.open('file:///elsewhere/x.py', TEXT);
  });
  after(() => c.close());

  it('registers for changes of its section only', () => {
    assert.deepEqual(c.registrations.map((r) => [r.method, r.registerOptions]), [['workspace/didChangeConfiguration', { section: 'pgmInfill' }]]);
  });

  it("each document's fill uses its folder's settings (pulled with the document as scopeUri)", async () => {
    const a = await fill(c, `${A}x.py`);
    const b = await fill(c, `${B}x.py`);
    const other = await fill(c, 'file:///elsewhere/x.py');
    assert.deepEqual([a.stats.order, a.stats.seed], ['left-to-right', 11]);
    assert.deepEqual([b.stats.order, b.stats.seed], ['random', 22]);
    assert.deepEqual([other.stats.order, other.stats.seed], ['confidence', 1], "the user's settings; initializationOptions are not read");
    const scopes = c.pulls.map((p) => p.scopeUri);
    for (const uri of [`${A}x.py`, `${B}x.py`, 'file:///elsewhere/x.py']) assert.ok(scopes.includes(uri), `pulled for ${uri}`);
    assert.ok(c.pulls.every((p) => p.section === 'pgmInfill'));
  });

  it('a change notification makes it pull again; values sent with it are ignored', async () => {
    const pulled = c.pulls.length;
    c.folders[A] = { order: 'confidence', seed: 12 };
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: { pgmInfill: { order: 'random', seed: 77 } } });
    const a = await fill(c, `${A}x.py`);
    assert.deepEqual([a.stats.order, a.stats.seed], ['confidence', 12]);
    assert.ok(c.pulls.length > pulled);
    // cached until the next notification: another fill asks nothing
    const n = c.pulls.length;
    await fill(c, `${A}x.py`);
    assert.equal(c.pulls.length, n);
  });

  it('an invalid value gets its default and the user is told once which and why', async () => {
    c.folders[B] = { order: 'sideways', seed: 22, steps: -3 };
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const b = await fill(c, `${B}x.py`);
    assert.deepEqual([b.stats.order, b.stats.seed], ['confidence', 22]);
    await fill(c, `${B}x.py`);
    const told = c.messages.filter((m) => m.message.includes('pgmInfill.'));
    assert.deepEqual(told.map((m) => [m.type, m.message]), [
      [2, 'PGM Infill: pgmInfill.steps: -3 is not valid (must be an integer in [1, 1024]); using the default 8'],
      [2, 'PGM Infill: pgmInfill.order: "sideways" is not valid (must be one of random, confidence, left-to-right); using the default "confidence"'],
    ]);
  });
});

describe('settings: a client that cannot answer workspace/configuration', () => {
  it('gets the defaults (said once), not what it pushed', async () => {
    const c = await startTiny({ configuration: false, initialize: { initializationOptions: { settings: { pgmInfill: { modelPath: TINY } } } } });
    try {
      const s = await waitFor(() => c.statuses.find((x) => x.modelPath));
      assert.notEqual(s.modelPath, TINY, 'initializationOptions are not read');
      await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: { pgmInfill: { modelPath: TINY } } });
      await waitFor(() => c.messages.find((m) => /cannot answer workspace\/configuration; the server uses the default settings/.test(m.message)));
      assert.ok(c.statuses.every((x) => x.modelPath !== TINY), 'nor values pushed with didChangeConfiguration');
    } finally {
      await c.close();
    }
  });
});
