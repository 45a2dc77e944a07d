/**
 * A minimal LSP client for the benchmarks: the built server (dist/server.js) over stdio, as an
 * editor drives it, with fixed settings answered to workspace/configuration. (Benchmarks do not
 * import the tests' harness.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StreamMessageReader, StreamMessageWriter, createProtocolConnection, type ProtocolConnection } from 'vscode-languageserver-protocol/node';
import { PgmMethods, type StatusParams } from '../contract/protocol';

export interface BenchServer {
  conn: ProtocolConnection;
  proc: ChildProcess;
  /** The first status that is not 'loading'. */
  ready: Promise<StatusParams>;
  open(uri: string, text: string): void;
  insert(uri: string, version: number, line: number, character: number, text: string): void;
  rssMb(): number;
  close(): Promise<void>;
}

export async function startServer(settings: Record<string, unknown>): Promise<BenchServer> {
  const proc = spawn(process.execPath, [join(__dirname, '../dist/server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  proc.stderr!.resume();
  const conn = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  const ready = new Promise<StatusParams>((resolve) => conn.onNotification(PgmMethods.status, (s: StatusParams) => { if (s.state !== 'loading') resolve(s); }));
  conn.onNotification('window/logMessage', () => undefined);
  conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => settings));
  conn.onRequest('client/registerCapability', () => null);
  conn.listen();
  await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: { workspace: { configuration: true } } });
  await conn.sendNotification('initialized', {});
  return {
    conn, proc, ready,
    open: (uri, text) => void conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'typescript', version: 1, text } }),
    insert: (uri, version, line, character, text) => void conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version }, contentChanges: [{ range: { start: { line, character }, end: { line, character } }, text }],
    }),
    rssMb: () => {
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'));
      return m ? Number(m[1]) / 1024 : NaN;
    },
    close: async () => {
      await conn.sendRequest('shutdown').catch(() => undefined);
      await conn.sendNotification('exit').catch(() => undefined);
      conn.dispose();
      if (proc.exitCode === null) await new Promise((r) => proc.once('exit', r));
    },
  };
}
