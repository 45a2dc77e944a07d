/**
 * Security: no network at run time (JS-level monitor + a scan of the process's sockets during a
 * full fill), nothing written to the user's home/caches, onnxruntime telemetry off before
 * onnxruntime loads, request sizes capped, and the model path only from user/machine settings.
 * Elsewhere: the client launcher's environment (ORT_DISABLE_TELEMETRY) and an untrusted
 * workspace (no server, no inline inference, its model path ignored) are checked in a real VS
 * Code by test/e2e/firstRun.test.ts.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { configuration, configurationCalls } from '../client/fakeVscode'; // before client/config: it answers require('vscode')
import { readSettings, workspaceSetsModelPath } from '../../client/config';
import { PgmErrorCodes, PgmMethods, type InfillResult } from '../../contract/protocol';
import { SETTINGS_SECTION as SECTION } from '../../contract/settings';
import { MAX_DOCUMENT_CHARS } from '../../server/lsp/validate';
import { ROOT, startTiny, type Server } from '../../harness/lsp';
import { sampleSource } from './typist';

const tmp = mkdtempSync(join(tmpdir(), 'pgm-security-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const MONITOR = join(__dirname, 'preload/no-network.cjs');
const ORT_ENV = join(__dirname, 'preload/ort-env.cjs');
const URI = 'file:///security/a.py';

/** Inodes of the process's sockets that are internet sockets (TCP/UDP/raw, v4 or v6). */
function inetSockets(pid: number): string[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch { /* fd closed meanwhile */ }
  }
  const found: string[] = [];
  for (const table of ['tcp', 'tcp6', 'udp', 'udp6', 'raw', 'raw6']) {
    let rows: string[];
    try { rows = readFileSync(`/proc/${pid}/net/${table}`, 'utf8').split('\n').slice(1); } catch { continue; }
    for (const row of rows) {
      const cols = row.trim().split(/\s+/);
      if (cols.length > 9 && inodes.has(cols[9])) found.push(`${table} ${cols[1]} -> ${cols[2]}`);
    }
  }
  return found;
}

async function fullFill(s: Server, onStep: () => void): Promise<InfillResult> {
  const stop = s.onProgress(onStep);
  try {
    return await s.conn.sendRequest(PgmMethods.infill, {
      textDocument: { uri: URI, version: 1 }, requestId: 'net', progress: true,
      ranges: [{ start: { line: 2, character: 0 }, end: { line: 2, character: 10 } }, { start: { line: 9, character: 4 }, end: { line: 9, character: 4 } }],
    });
  } finally {
    stop();
  }
}

describe('security: no network, nothing written outside the request', () => {
  it('the monitors catch what they are meant to catch (controls)', async () => {
    const log = join(tmp, 'control-net.log');
    spawnSync(process.execPath, ['--require', MONITOR, '-e', "try { require('net').connect(80, '192.0.2.1') } catch {}"], { env: { ...process.env, PGM_NET_LOG: log } });
    assert.match(readFileSync(log, 'utf8'), /net\.Socket\.connect/);
    const listener = spawn(process.execPath, ['-e', "require('net').createServer().listen(0, '127.0.0.1', () => console.log('up'))"], { stdio: ['ignore', 'pipe', 'ignore'] });
    await new Promise((r) => listener.stdout!.once('data', r));
    try {
      assert.ok(inetSockets(listener.pid!).length > 0, 'the /proc scan sees a TCP socket');
    } finally {
      listener.kill();
    }
  });

  it('a server doing a full fill and an inline suggestion opens no socket and writes nothing to home or caches', async () => {
    const log = join(tmp, 'server-net.log');
    const home = mkdtempSync(join(tmp, 'home-'));
    const dirs = { HOME: home, XDG_CACHE_HOME: join(home, '.cache'), XDG_CONFIG_HOME: join(home, '.config'), XDG_DATA_HOME: join(home, '.local/share'), TMPDIR: mkdtempSync(join(tmp, 'tmp-')) };
    const s = await startTiny({ nodeArgs: ['--require', MONITOR], env: { ...process.env, ...dirs, PGM_NET_LOG: log }, settings: { steps: 16, capacity: 16 } });
    const seen: string[] = [];
    let scans = 0;
    const scan = () => { scans++; seen.push(...inetSockets(s.pid)); };
    try {
      assert.equal((await s.settled()).state, 'ready');
      scan();
      await s.open(URI, sampleSource(2000, 1));
      const r = await fullFill(s, scan);
      assert.equal(r.edits.length, 2);
      await s.conn.sendRequest('textDocument/inlineCompletion', { textDocument: { uri: URI }, position: { line: 4, character: 8 }, context: { triggerKind: 1 } });
      scan();
    } finally {
      await s.close();
    }
    assert.ok(scans >= 10, `sockets scanned at every step (${scans} scans)`);
    assert.deepEqual(seen, [], 'no internet sockets');
    assert.ok(!existsSync(log), `network attempts: ${existsSync(log) ? readFileSync(log, 'utf8') : ''}`);
    // onnxruntime's telemetry (and anything else) would leave files here
    assert.deepEqual(readdirSync(home), [], 'nothing written to HOME or the XDG folders');
    assert.deepEqual(readdirSync(dirs.TMPDIR), [], 'nothing left in TMPDIR');
  });

  it('telemetry is switched off before onnxruntime loads, whatever the environment says', async () => {
    const env = { ...process.env };
    delete env.ORT_DISABLE_TELEMETRY;
    // control: the preload sees the variable as the process has it when onnxruntime loads
    const control = join(tmp, 'control-ort-env.log');
    spawnSync(process.execPath, ['--require', ORT_ENV, '-e', "require('onnxruntime-node')"], { cwd: ROOT, env: { ...env, PGM_ORT_ENV_LOG: control } });
    assert.deepEqual(JSON.parse(readFileSync(control, 'utf8').split('\n')[0]), { ORT_DISABLE_TELEMETRY: null });
    const log = join(tmp, 'server-ort-env.log');
    const s = await startTiny({ nodeArgs: ['--require', ORT_ENV], env: { ...env, PGM_ORT_ENV_LOG: log } });
    try {
      assert.equal((await s.settled()).state, 'ready');
    } finally {
      await s.close();
    }
    assert.ok(existsSync(log), 'onnxruntime-node was never loaded (nothing to check)');
    assert.deepEqual(JSON.parse(readFileSync(log, 'utf8').split('\n')[0]), { ORT_DISABLE_TELEMETRY: '1' });
  });
});

describe('security: request sizes are capped', () => {
  it('a document over the cap gets a clear error, memory stays bounded, and the server keeps serving', async () => {
    const s = await startTiny();
    try {
      await s.settled();
      const rss0 = s.rssKiB();
      const big = 'x = 1\n'.repeat(Math.ceil((MAX_DOCUMENT_CHARS + 1) / 6));
      await s.open('file:///security/big.py', big);
      const range = { start: { line: 5, character: 0 }, end: { line: 5, character: 1 } };
      for (let i = 0; i < 5; i++) {
        await assert.rejects(s.conn.sendRequest(PgmMethods.infill, { textDocument: { uri: 'file:///security/big.py', version: 1 }, ranges: [range] }),
          (e) => (e as { code: number }).code === PgmErrorCodes.DocumentTooLarge && /up to \d+/.test((e as Error).message));
        await assert.rejects(s.conn.sendRequest('textDocument/inlineCompletion', { textDocument: { uri: 'file:///security/big.py' }, position: range.start, context: { triggerKind: 1 } }),
          (e) => (e as { code: number }).code === PgmErrorCodes.DocumentTooLarge);
      }
      const grown = (s.rssKiB() - rss0) / 1024;
      // The document itself is held once (UTF-16) plus the transient JSON message; refusals add nothing per request.
      assert.ok(grown < 400, `RSS grew ${grown.toFixed(0)} MiB for a ${(big.length / 2 ** 20).toFixed(0)} Mi-char document`);
      await s.conn.sendNotification('textDocument/didClose', { textDocument: { uri: 'file:///security/big.py' } });
      await s.open(URI, 'a = 1\nb = 2\n');
      const r: InfillResult = await s.conn.sendRequest(PgmMethods.infill, { textDocument: { uri: URI, version: 1 }, ranges: [{ start: { line: 1, character: 0 }, end: { line: 1, character: 1 } }] });
      assert.equal(r.edits.length, 1);
      assert.equal(s.exit, null);
    } finally {
      await s.close();
    }
  });
});

describe('security: settings and workspace trust', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const props = pkg.contributes.configuration.properties;

  it('the model path is a machine setting; provider and threads cannot come from an untrusted workspace', () => {
    assert.equal(props['pgmInfill.modelPath'].scope, 'machine');
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
    for (const k of ['pgmInfill.modelPath', 'pgmInfill.executionProvider', 'pgmInfill.threads']) {
      assert.ok(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.includes(k), k);
    }
  });

  it("the client's settings reader takes the model path from user settings only", () => {
    // A fake VS Code configuration (test/client/fakeVscode.ts) that resolves layers as VS Code
    // does: the workspace's steps win over the user's (control), its model path must not.
    configuration[SECTION] = { globalValue: { modelPath: '/home/me/model', steps: 3 }, workspaceValue: { modelPath: '/tmp/evil', steps: 5 } };
    let s = readSettings();
    assert.equal(s.server.steps, 5, 'workspace values apply to ordinary settings');
    assert.equal(s.server.modelPath, '/home/me/model');
    assert.equal(workspaceSetsModelPath(), true, 'the ignored value is reported');
    // a folder value for a document's scope, and no user value: the shipped model (empty path)
    configuration[SECTION] = { workspaceFolderValue: { modelPath: '/tmp/evil' } };
    configurationCalls.length = 0;
    s = readSettings('file:///ws/a.py');
    assert.deepEqual(configurationCalls.map((c) => c.scope), ['file:///ws/a.py'], 'read for the document');
    assert.equal(s.server.modelPath, '');
    assert.equal(workspaceSetsModelPath(), true);
    configuration[SECTION] = { globalValue: { modelPath: '/home/me/model' } };
    assert.equal(readSettings().server.modelPath, '/home/me/model');
    assert.equal(workspaceSetsModelPath(), false);
  });
});
