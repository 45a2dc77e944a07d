/**
 * The one LSP client that drives the built language server (dist/server.js) over stdio, as an
 * editor does, for the tests (test/server, test/reliability) and the benchmarks (bench/). It
 * answers the server's configuration pulls with `settings` (mutable: change it, then notify
 * workspace/didChangeConfiguration), records status, progress and log notifications, and
 * watches the process itself (exit, signal, RSS from /proc) so callers can assert "no crash".
 * Waits on signals (notifications, exit events), never on fixed sleeps.
 * Lives outside test/ and bench/ so that neither imports the other.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CancellationTokenSource, StreamMessageReader, StreamMessageWriter, createProtocolConnection,
  type InitializeResult, type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { PgmMethods, type ProgressParams, type StatusParams } from '../contract/protocol';

export const ROOT = join(__dirname, '..');
export const SERVER = join(ROOT, 'dist/server.js');
/** The random-weight test model. */
export const TINY = join(ROOT, 'models/tiny');

export interface StartOptions {
  /** pgmInfill settings answered to workspace/configuration (no defaults are added). */
  settings?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  /** Extra node flags, e.g. ['--require', monitor]. */
  nodeArgs?: string[];
  /** Another build of the server to run (a benchmark comparing builds); default SERVER. */
  serverJs?: string;
  /** Extra `initialize` params (e.g. initializationOptions, which the server must not read). */
  initialize?: Record<string, unknown>;
  /** The client answers workspace/configuration (default true). */
  configuration?: boolean;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class Server {
  readonly statuses: StatusParams[] = [];
  readonly progress: ProgressParams[] = [];
  readonly logs: string[] = [];
  readonly stderr: string[] = [];
  /** Folder settings: a folder URI ('file:///ws/a/') -> values over `settings` for documents under it. */
  folders: Record<string, Record<string, unknown>> = {};
  /** Every workspace/configuration item the server asked for, in order. */
  readonly pulls: { section?: string; scopeUri?: string }[] = [];
  /** window/showMessage notifications. */
  readonly messages: { type: number; message: string }[] = [];
  /** client/registerCapability registrations. */
  readonly registrations: { method: string; registerOptions?: unknown }[] = [];
  exit: Exit | null = null;
  readonly exited: Promise<Exit>;
  /** The server's answer to `initialize`. */
  init!: InitializeResult;
  private statusWaiters: (() => void)[] = [];
  private progressListeners = new Set<(p: ProgressParams) => void>();
  private closing = false;

  private constructor(readonly proc: ChildProcess, readonly conn: ProtocolConnection, readonly settings: Record<string, unknown>) {
    this.exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve((this.exit = { code, signal }))));
  }

  static async start(opts: StartOptions = {}): Promise<Server> {
    const proc = spawn(process.execPath, [...(opts.nodeArgs ?? []), opts.serverJs ?? SERVER, '--stdio'], {
      stdio: ['pipe', 'pipe', 'pipe'], env: opts.env ?? process.env,
    });
    const conn = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    const s = new Server(proc, conn, { ...opts.settings });
    proc.stderr!.on('data', (d) => s.stderr.push(String(d)));
    proc.stdin!.on('error', () => undefined); // writes after a kill
    conn.onNotification(PgmMethods.status, (p: StatusParams) => {
      s.statuses.push(p);
      for (const w of s.statusWaiters.splice(0)) w();
    });
    conn.onNotification('window/logMessage', (p: { message: string }) => void s.logs.push(p.message));
    conn.onNotification(PgmMethods.progress, (p: ProgressParams) => {
      s.progress.push(p);
      for (const l of [...s.progressListeners]) l(p);
    });
    conn.onNotification('window/showMessage', (m: { type: number; message: string }) => void s.messages.push(m));
    // As VS Code answers: the settings, with the innermost folder's values over them.
    conn.onRequest('workspace/configuration', (p: { items: { section?: string; scopeUri?: string }[] }) => p.items.map((item) => {
      s.pulls.push(item);
      const folder = Object.keys(s.folders).filter((f) => item.scopeUri?.startsWith(f)).sort((a, b) => b.length - a.length)[0];
      return folder ? { ...s.settings, ...s.folders[folder] } : s.settings;
    }));
    conn.onRequest('client/registerCapability', (p: { registrations: { method: string; registerOptions?: unknown }[] }) => {
      s.registrations.push(...p.registrations);
      return null;
    });
    conn.onError(() => undefined);
    conn.listen();
    s.init = await conn.sendRequest('initialize', {
      processId: process.pid, rootUri: null,
      capabilities: { workspace: { configuration: opts.configuration ?? true, didChangeConfiguration: { dynamicRegistration: true } } },
      ...opts.initialize,
    });
    await conn.sendNotification('initialized', {});
    return s;
  }

  /** Calls `listener` on every progress notification until the returned function is called. */
  onProgress(listener: (p: ProgressParams) => void): () => void {
    this.progressListeners.add(listener);
    return () => void this.progressListeners.delete(listener);
  }

  get pid(): number {
    return this.proc.pid!;
  }

  /** Resident set size in KiB (VmRSS), or 0 once the process is gone. */
  rssKiB(): number {
    try {
      const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
      return m ? Number(m[1]) : 0;
    } catch {
      return 0;
    }
  }

  /** Next status (from index `from` on) that satisfies `pred`; rejects if the server exits first. */
  async waitStatus(pred: (s: StatusParams) => boolean, from = 0, timeoutMs = 60_000): Promise<StatusParams> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.statuses.slice(from).find(pred);
      if (hit) return hit;
      if (this.exit) throw new Error(`server exited (${JSON.stringify(this.exit)}) while waiting for a status`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching status within ${timeoutMs} ms; last: ${JSON.stringify(this.statuses.at(-1))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.statusWaiters.push(() => { clearTimeout(t); resolve(); });
        void this.exited.then(() => { clearTimeout(t); resolve(); });
      });
    }
  }

  /** The first settled status (ready or error) from index `from` on. */
  settled(from = 0, timeoutMs?: number): Promise<StatusParams> {
    return this.waitStatus((s) => s.state !== 'loading', from, timeoutMs);
  }

  /** Changes settings the way VS Code does (the server pulls them again); no reload is awaited. */
  async setSettings(patch: Record<string, unknown>): Promise<void> {
    Object.assign(this.settings, patch);
    await this.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
  }

  /** Changes settings that reload the model, and waits for the reload to settle. */
  async changeSettings(patch: Record<string, unknown>): Promise<StatusParams> {
    const from = this.statuses.length;
    await this.setSettings(patch);
    await this.waitStatus((s) => s.state === 'loading', from);
    return this.settled(from);
  }

  open(uri: string, text: string, version = 1, languageId = 'python'): Promise<void> {
    return this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }

  change(uri: string, version: number, changes: unknown[]): Promise<void> {
    return this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
  }

  /** Types `text` at line:character (one didChange). */
  insert(uri: string, version: number, line: number, character: number, text: string): Promise<void> {
    return this.change(uri, version, [{ range: { start: { line, character }, end: { line, character } }, text }]);
  }

  async close(): Promise<Exit> {
    if (!this.exit && !this.closing) {
      this.closing = true;
      const bye = (async () => {
        await this.conn.sendRequest('shutdown');
        await this.conn.sendNotification('exit');
      })();
      await Promise.race([bye.catch(() => undefined), this.exited]);
      const t = setTimeout(() => this.proc.kill('SIGKILL'), 10_000);
      await this.exited;
      clearTimeout(t);
    }
    this.conn.dispose();
    return this.exited;
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<Exit> {
    this.proc.kill(signal);
    return this.exited;
  }
}

/** Small, reproducible settings on the tiny model: what the tests start from. */
export const TINY_SETTINGS: Readonly<Record<string, unknown>> = { modelPath: TINY, steps: 4, capacity: 8, seed: 1 };

/** A server on the tiny model with TINY_SETTINGS under `opts.settings`. */
export function startTiny(opts: StartOptions = {}): Promise<Server> {
  return Server.start({ ...opts, settings: { ...TINY_SETTINGS, ...opts.settings } });
}

/** Polls `probe` every 10 ms until it returns a value (not undefined/null/false). */
export async function waitFor<T>(probe: () => T | undefined | null | false, timeoutMs = 60_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== null && v !== false) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error('timed out waiting for the server');
    await new Promise((r) => setTimeout(r, 10));
  }
}

export { CancellationTokenSource };
