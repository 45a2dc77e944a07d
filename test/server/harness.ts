/**
 * Drives the built language server (dist/server.js) over stdio as an LSP client would.
 * Waits on readiness signals (pgm/status), never on fixed sleeps.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import {
  CancellationTokenSource, StreamMessageReader, StreamMessageWriter, createProtocolConnection,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { PgmMethods, type ProgressParams, type StatusParams } from '../../contract/protocol';

export const ROOT = join(__dirname, '../..');
export const TINY = join(ROOT, 'models/tiny');

export interface Client {
  conn: ProtocolConnection;
  proc: ChildProcess;
  statuses: StatusParams[];
  progress: ProgressParams[];
  stderr: string[];
  settings: Record<string, unknown>;
  /** Resolves with the first status whose state is not 'loading'. */
  settled(): Promise<StatusParams>;
  open(uri: string, text: string, version?: number): void;
  close(): Promise<void>;
}

export async function startClient(settings: Record<string, unknown> = {}): Promise<Client> {
  const proc = spawn(process.execPath, [join(ROOT, 'dist/server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const conn = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  const client: Client = {
    conn, proc, statuses: [], progress: [], stderr: [], settings: { modelPath: TINY, steps: 4, capacity: 8, seed: 1, ...settings },
    settled: () => waitFor(() => client.statuses.find((s, i) => i >= settledFrom && s.state !== 'loading')),
    open: (uri, text, version = 1) => void conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version, text } }),
    close: async () => {
      await conn.sendRequest('shutdown').catch(() => undefined);
      await conn.sendNotification('exit').catch(() => undefined);
      conn.dispose();
      if (proc.exitCode === null) await new Promise((r) => proc.once('exit', r));
    },
  };
  let settledFrom = 0;
  proc.stderr!.on('data', (d) => client.stderr.push(String(d)));
  conn.onNotification(PgmMethods.status, (s: StatusParams) => void client.statuses.push(s));
  conn.onNotification(PgmMethods.progress, (p: ProgressParams) => void client.progress.push(p));
  conn.onNotification('window/logMessage', () => undefined);
  conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => client.settings));
  conn.onRequest('client/registerCapability', () => null);
  conn.listen();
  const init = await conn.sendRequest('initialize', {
    processId: process.pid, rootUri: null,
    capabilities: { workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } } },
  });
  (client as Client & { init: unknown }).init = init;
  await conn.sendNotification('initialized', {});
  // settled() after a settings change should wait for the next load
  Object.defineProperty(client, 'markReload', { value: () => (settledFrom = client.statuses.length) });
  return client;
}

/** Re-arms settled() to wait for the status that follows a settings change. */
export function expectReload(c: Client): void {
  (c as Client & { markReload(): void }).markReload();
}

export async function waitFor<T>(probe: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== null && v !== false) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error('timed out waiting for the server');
    await new Promise((r) => setTimeout(r, 10));
  }
}

export { CancellationTokenSource };
