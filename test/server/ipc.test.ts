/** The server also runs over Node IPC (how the VS Code client starts it). */
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { IPCMessageReader, IPCMessageWriter, createProtocolConnection } from 'vscode-languageserver-protocol/node';
import { PgmMethods, type InfillResult, type StatusParams } from '../../contract/protocol';
import { ROOT, TINY, waitFor } from '../../harness/lsp';

describe('node IPC transport', () => {
  it('initializes, loads the model and fills', async () => {
    const proc = fork(join(ROOT, 'dist/server.js'), ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const conn = createProtocolConnection(new IPCMessageReader(proc), new IPCMessageWriter(proc));
    const statuses: StatusParams[] = [];
    conn.onNotification(PgmMethods.status, (s: StatusParams) => void statuses.push(s));
    conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({ modelPath: TINY, steps: 2, capacity: 4 })));
    conn.listen();
    try {
      await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: { workspace: { configuration: true } } });
      await conn.sendNotification('initialized', {});
      const ready = await waitFor(() => statuses.find((s) => s.state !== 'loading'));
      assert.equal(ready.state, 'ready');
      await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: 'file:///i.py', languageId: 'python', version: 1, text: 'x = \n' } });
      const r: InfillResult = await conn.sendRequest(PgmMethods.infill, { textDocument: { uri: 'file:///i.py', version: 1 }, ranges: [{ start: { line: 0, character: 4 }, end: { line: 0, character: 4 } }] });
      assert.equal(r.edits.length, 1);
    } finally {
      await conn.sendRequest('shutdown').catch(() => undefined);
      await conn.sendNotification('exit').catch(() => undefined);
      conn.dispose();
      if (proc.exitCode === null) await new Promise((r) => proc.once('exit', r));
    }
  });
});
