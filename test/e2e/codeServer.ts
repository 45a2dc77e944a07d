/**
 * Runs code-server (a real VS Code, see docs in ../../shared/design/vscode-e2e.md) for the
 * end-to-end tests: isolated config/data/extension folders under one temp dir, the packaged VSIX
 * installed, readiness awaited on its health endpoint, and the whole process group stopped at the end.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');
const TOOLS = join(ROOT, '.tools');
const NODE24_BIN = join(TOOLS, 'node24/bin');
const CODE_SERVER = join(TOOLS, 'code-server/node_modules/.bin/code-server');

export interface CodeServer {
  url: string;
  /** Folder opened as the workspace. */
  workspace: string;
  userDataDir: string;
  extensionsDir: string;
  /** Appended output of code-server (and the extension host it runs). */
  output(): string;
  stop(): Promise<void>;
}

export interface CodeServerOptions {
  vsix: string;
  /** User settings written before start (User/settings.json). */
  userSettings: Record<string, unknown>;
  /** Files to create in the workspace: relative path -> content. */
  files: Record<string, string>;
  /** Keep VS Code's workspace trust on (the folder then opens in Restricted Mode); off by default. */
  workspaceTrust?: boolean;
}

function env(base: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: `${NODE24_BIN}:${process.env.PATH ?? ''}`,
    XDG_CONFIG_HOME: join(base, 'config'),
    XDG_DATA_HOME: join(base, 'data'),
    XDG_CACHE_HOME: join(base, 'cache'),
    HOME: join(base, 'home'),
    // Unset: the extension's launcher must set it for the server (firstRun.test.ts checks).
    ORT_DISABLE_TELEMETRY: undefined,
  };
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => res(port));
    });
  });
}

function installVsix(opts: CodeServerOptions, dirs: { user: string; ext: string }, e: NodeJS.ProcessEnv): void {
  const r = spawnSync(CODE_SERVER, ['--install-extension', opts.vsix, '--extensions-dir', dirs.ext,
    '--user-data-dir', dirs.user, '--force'], { env: e, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`installing the VSIX failed (${r.status}): ${r.stderr}\n${r.stdout}`);
}

async function waitHealthy(url: string, child: ChildProcess, log: () => string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`code-server exited (${child.exitCode}):\n${log()}`);
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`code-server not healthy after ${timeoutMs} ms:\n${log()}`);
}

export async function startCodeServer(opts: CodeServerOptions): Promise<CodeServer> {
  const base = mkdtempSync(join(tmpdir(), 'pgm-e2e-'));
  const dirs = { user: join(base, 'user'), ext: join(base, 'extensions'), ws: join(base, 'workspace') };
  for (const d of [dirs.user, dirs.ext, dirs.ws, join(dirs.user, 'User'), join(base, 'home')]) mkdirSync(d, { recursive: true });
  writeFileSync(join(dirs.user, 'User/settings.json'), JSON.stringify(opts.userSettings, null, 2));
  for (const [rel, content] of Object.entries(opts.files)) {
    mkdirSync(dirname(join(dirs.ws, rel)), { recursive: true });
    writeFileSync(join(dirs.ws, rel), content);
  }
  const e = env(base);
  installVsix(opts, dirs, e);
  const port = await freePort();
  const trust = opts.workspaceTrust ? [] : ['--disable-workspace-trust'];
  const child = spawn(CODE_SERVER, ['--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry',
    '--disable-update-check', ...trust, '--disable-getting-started-override',
    '--user-data-dir', dirs.user, '--extensions-dir', dirs.ext, dirs.ws],
  { env: e, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d) => { out += d; });
  child.stderr?.on('data', (d) => { out += d; });
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise((r) => child.once('exit', r));
    try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
    const timer = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 5000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitHealthy(url, child, () => out);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, workspace: dirs.ws, userDataDir: dirs.user, extensionsDir: dirs.ext, output: () => out, stop };
}

/** The language server processes of a code-server instance (by their command line). */
export function serverPids(cs: CodeServer): number[] {
  const pids: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      if (cmd.includes(cs.extensionsDir) && cmd.includes('dist/server.js')) pids.push(Number(d));
    } catch { /* exited meanwhile */ }
  }
  return pids;
}

/** The environment a process started with (/proc/PID/environ). */
export function processEnv(pid: number): Record<string, string> {
  const env: Record<string, string> = {};
  for (const kv of readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
    const i = kv.indexOf('=');
    if (i > 0) env[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return env;
}
