/**
 * A small LSP client for the reliability layer: spawns the built server (dist/server.js) over
 * stdio, answers its configuration pulls, records status/log notifications, and watches the
 * process itself (exit, signal, RSS from /proc) so that every test can assert "no crash".
 * Waits on signals (notifications, exit events), never on fixed sleeps.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  StreamMessageReader, StreamMessageWriter, createProtocolConnection, type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { PgmMethods, type StatusParams } from '../../contract/protocol';
import { createRng } from '../../server/sampler/prng';

export const ROOT = join(__dirname, '../..');
export const SERVER = join(ROOT, 'dist/server.js');
export const TINY = join(ROOT, 'models/tiny');

export interface StartOptions {
  /** pgmInfill settings answered to workspace/configuration. */
  settings?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  /** Extra node flags, e.g. ['--require', monitor]. */
  nodeArgs?: string[];
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class Server {
  readonly statuses: StatusParams[] = [];
  readonly logs: string[] = [];
  readonly stderr: string[] = [];
  exit: Exit | null = null;
  readonly exited: Promise<Exit>;
  private statusWaiters: (() => void)[] = [];
  private closing = false;

  private constructor(readonly proc: ChildProcess, readonly conn: ProtocolConnection, readonly settings: Record<string, unknown>) {
    this.exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve((this.exit = { code, signal }))));
  }

  static async start(opts: StartOptions = {}): Promise<Server> {
    const proc = spawn(process.execPath, [...(opts.nodeArgs ?? []), SERVER, '--stdio'], {
      stdio: ['pipe', 'pipe', 'pipe'], env: opts.env ?? process.env,
    });
    const conn = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    const s = new Server(proc, conn, { steps: 4, capacity: 8, seed: 1, modelPath: TINY, ...opts.settings });
    proc.stderr!.on('data', (d) => s.stderr.push(String(d)));
    proc.stdin!.on('error', () => undefined); // writes after a kill
    conn.onNotification(PgmMethods.status, (p: StatusParams) => {
      s.statuses.push(p);
      for (const w of s.statusWaiters.splice(0)) w();
    });
    conn.onNotification('window/logMessage', (p: { message: string }) => void s.logs.push(p.message));
    conn.onNotification(PgmMethods.progress, () => undefined);
    conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => s.settings));
    conn.onRequest('client/registerCapability', () => null);
    conn.onError(() => undefined);
    conn.listen();
    await conn.sendRequest('initialize', {
      processId: process.pid, rootUri: null,
      capabilities: { workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } } },
    });
    await conn.sendNotification('initialized', {});
    return s;
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

  /** The first settled status (ready or error). */
  settled(from = 0, timeoutMs?: number): Promise<StatusParams> {
    return this.waitStatus((s) => s.state !== 'loading', from, timeoutMs);
  }

  /** Changes settings the way VS Code does (the server pulls them again) and waits for the reload. */
  async changeSettings(patch: Record<string, unknown>): Promise<StatusParams> {
    const from = this.statuses.length;
    Object.assign(this.settings, patch);
    await this.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await this.waitStatus((s) => s.state === 'loading', from);
    return this.settled(from);
  }

  open(uri: string, text: string, version = 1, languageId = 'python'): Promise<void> {
    return this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }

  change(uri: string, version: number, changes: unknown[]): Promise<void> {
    return this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
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

/** A deterministic PRNG so load and fuzz runs reproduce from their seed (the sampler's own). */
export const prng = createRng;

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/** Resolves after `ms` of wall time: the typist's pace between keystrokes, not a wait for the server. */
export function pace(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
