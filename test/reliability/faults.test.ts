/**
 * Faults: the server killed in the middle of a fill, broken model files, an execution provider
 * that cannot start, onnxruntime failing during a run, the document changing under a fill.
 * Each must give one clear message (pgm/status + log), keep the server answering (with an
 * error), and recover once the cause is fixed. The end-to-end restart by the extension is
 * test/e2e scenario 08-restart; training-side faults are training/tests/test_train.py.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CancellationTokenSource } from 'vscode-languageserver-protocol';
import { PgmErrorCodes, PgmMethods, type InfillResult, type ProgressParams } from '../../contract/protocol';
import { TINY, startTiny, type Server } from '../../harness/lsp';

const URI = 'file:///faults/a.py';
const TEXT = 'def add(a, b):\n    return a + b\n\nprint(add(1, 2))\n';
const RANGE = { start: { line: 1, character: 11 }, end: { line: 1, character: 16 } };
const fillParams = (version = 1, extra: object = {}) => ({ textDocument: { uri: URI, version }, ranges: [RANGE], ...extra });
const codeOf = (e: unknown) => (e as { code?: number }).code;
const tmp = mkdtempSync(join(tmpdir(), 'pgm-faults-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function copyTiny(name: string): string {
  const dir = join(tmp, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  for (const f of ['manifest.json', 'tokenizer.json', 'encoder.onnx', 'decoder.onnx']) copyFileSync(join(TINY, f), join(dir, f));
  return dir;
}

/** Waits for the first progress notification of a request: proof that its fill is running. */
function firstProgress(s: Server, requestId: string): Promise<ProgressParams> {
  return new Promise((resolve) => {
    const stop = s.onProgress((p) => {
      if (p.requestId === requestId) { stop(); resolve(p); }
    });
  });
}

async function assertFillWorks(s: Server, version = 1): Promise<InfillResult> {
  const r: InfillResult = await s.conn.sendRequest(PgmMethods.infill, fillParams(version));
  assert.equal(r.edits.length, 1);
  assert.deepEqual(r.edits[0].range, RANGE);
  return r;
}

describe('faults: server killed mid-fill', () => {
  it('SIGKILL during a fill delivers no edit; a new server serves the unchanged document', async () => {
    const s = await startTiny({ settings: { steps: 64, capacity: 64 } });
    assert.equal((await s.settled()).state, 'ready');
    await s.open(URI, TEXT);
    const running = firstProgress(s, 'kill-me');
    const answer = s.conn.sendRequest(PgmMethods.infill, fillParams(1, { requestId: 'kill-me', progress: true }))
      .then((v) => ({ v }), (e: unknown) => ({ e }));
    const p = await running;
    assert.ok(p.step < p.totalSteps, 'killed before the last step');
    const exit = await s.kill('SIGKILL');
    assert.equal(exit.signal, 'SIGKILL');
    s.conn.dispose(); // what the client does with a dead connection: pending requests fail
    const out = await answer;
    assert.ok('e' in out, 'a killed server cannot have answered the fill');
    // The client restarts the server (test/e2e 08-restart); the document is as the user left it.
    const s2 = await startTiny();
    try {
      assert.equal((await s2.settled()).state, 'ready');
      await s2.open(URI, TEXT);
      const r = await assertFillWorks(s2);
      assert.ok(!r.edits[0].newText.includes('\u0000'));
    } finally {
      await s2.close();
    }
  });
});

describe('faults: the document changes while a fill runs', () => {
  it('a running explicit fill on a changed document is refused as stale, nothing edited', async () => {
    const s = await startTiny({ settings: { steps: 64, capacity: 64 } });
    try {
      await s.settled();
      await s.open(URI, TEXT);
      const running = firstProgress(s, 'stale-me');
      const answer = s.conn.sendRequest(PgmMethods.infill, fillParams(1, { requestId: 'stale-me', progress: true }));
      await running;
      await s.change(URI, 2, [{ range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, text: '# edited\n' }]);
      await assert.rejects(answer, (e) => codeOf(e) === PgmErrorCodes.StaleVersion && /nothing was edited/.test((e as Error).message));
      // the same fill on the current version works
      await assertFillWorks(s, 2);
      assert.equal(s.exit, null);
    } finally {
      await s.close();
    }
  });

  it('an inline request is answered for the document as it was when asked, even if it changes meanwhile', async () => {
    // Found by the fuzzer: the handler read the version after awaiting the settings pull, so a
    // change that arrived during the pull made it fill the newer text at the old cursor.
    const s = await startTiny();
    try {
      await s.settled();
      const uri = 'file:///faults/inline-race.py';
      await s.open(uri, TEXT);
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let asked!: () => void;
      const pulled = new Promise<void>((r) => (asked = r));
      s.conn.onRequest('workspace/configuration', async (p: { items: unknown[] }) => {
        asked();
        await held;
        return p.items.map(() => s.settings);
      });
      const answer = s.conn.sendRequest<{ items: unknown[] }>('textDocument/inlineCompletion',
        { textDocument: { uri }, position: { line: 1, character: 11 }, context: { triggerKind: 2 } });
      await pulled; // the server is waiting for settings: change the document now
      await s.change(uri, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 1, character: 16 } }, text: '' }]);
      await s.conn.sendRequest(PgmMethods.infill, { textDocument: { uri, version: 2 }, ranges: [] }).catch(() => undefined); // the change is read
      release();
      assert.deepEqual((await answer).items, [], 'no suggestion for a document that changed under the request');
    } finally {
      await s.close();
    }
  });

  it('a cancelled running fill answers RequestCancelled and the next fill runs', async () => {
    const s = await startTiny({ settings: { steps: 64, capacity: 64 } });
    try {
      await s.settled();
      await s.open(URI, TEXT);
      const cts = new CancellationTokenSource();
      const running = firstProgress(s, 'cancel-me');
      const answer = s.conn.sendRequest(PgmMethods.infill, fillParams(1, { requestId: 'cancel-me', progress: true }), cts.token);
      await running;
      cts.cancel();
      await assert.rejects(answer, (e) => codeOf(e) === -32800);
      await assertFillWorks(s);
    } finally {
      await s.close();
    }
  });
});

type Breakage = [name: string, breakIt: (dir: string) => void, message: RegExp];
const breakages: Breakage[] = [
  ['the encoder file missing', (d) => rmSync(join(d, 'encoder.onnx')), /encoder\.onnx does not exist/],
  ['the decoder file truncated to half', (d) => truncateSync(join(d, 'decoder.onnx'), Math.floor(readFileSync(join(TINY, 'decoder.onnx')).length / 2)), /decoder\.onnx is not a valid ONNX model/],
  ['the encoder replaced by garbage', (d) => writeFileSync(join(d, 'encoder.onnx'), Buffer.from(Array.from({ length: 65536 }, (_, i) => (i * 7919) & 255))), /encoder\.onnx is not a valid ONNX model/],
  ['the manifest not JSON', (d) => writeFileSync(join(d, 'manifest.json'), '{"format": "pgm-infill-model",'), /manifest\.json is not valid JSON/],
  ['the manifest naming the wrong vocabulary size', (d) => {
    const m = JSON.parse(readFileSync(join(TINY, 'manifest.json'), 'utf8'));
    m.architecture.vocab_size = 5000;
    writeFileSync(join(d, 'manifest.json'), JSON.stringify(m));
  }, /logits per position; manifest vocab_size is 5000/],
  ['the tokenizer file garbage', (d) => writeFileSync(join(d, 'tokenizer.json'), 'not json at all'), /cannot read tokenizer/],
];

describe('faults: broken model files give one clear error and recover when restored', () => {
  for (const [name, breakIt, message] of breakages) {
    it(name, async () => {
      const dir = copyTiny(name.replace(/\W+/g, '-'));
      breakIt(dir);
      const s = await startTiny({ settings: { modelPath: dir } });
      try {
        const st = await s.settled();
        assert.equal(st.state, 'error');
        assert.match(st.message ?? '', message);
        assert.ok(s.logs.some((l) => message.test(l)), 'the reason is in the log');
        await s.open(URI, TEXT);
        // the server keeps answering, each time with the same clear error and no new status
        for (let i = 0; i < 3; i++) {
          await assert.rejects(s.conn.sendRequest(PgmMethods.infill, fillParams()), (e) => codeOf(e) === PgmErrorCodes.ModelUnavailable && message.test((e as Error).message));
        }
        assert.equal(s.statuses.filter((x) => x.state === 'error').length, 1, 'one error status, not one per request');
        // restore the files and ask for a reload (what "PGM: Restart Server" / a settings change do)
        for (const f of ['manifest.json', 'tokenizer.json', 'encoder.onnx', 'decoder.onnx']) copyFileSync(join(TINY, f), join(dir, f));
        const from = s.statuses.length;
        await s.conn.sendRequest(PgmMethods.reload);
        assert.equal((await s.settled(from)).state, 'ready');
        await assertFillWorks(s);
      } finally {
        await s.close();
      }
    });
  }
});

describe('faults: execution providers', () => {
  it('a requested provider that cannot start (cuda here) falls back to CPU and says why', async () => {
    const s = await startTiny({ settings: { executionProvider: 'cuda' } });
    try {
      const st = await s.settled();
      assert.equal(st.state, 'ready');
      if (st.device === 'cuda') return; // a machine with CUDA: nothing to prove here
      assert.equal(st.device, 'cpu');
      assert.match(st.providerNotes?.cuda ?? '', /\S/, 'the status says why cuda is not used');
      assert.ok(s.logs.some((l) => /provider cuda: /.test(l)), 'the reason is in the log');
      await s.open(URI, TEXT);
      await assertFillWorks(s);
      // back to the default recovers the plain setting
      assert.equal((await s.changeSettings({ executionProvider: 'cpu' })).device, 'cpu');
      await assertFillWorks(s);
    } finally {
      await s.close();
    }
  });
});

describe('faults: onnxruntime throws during a run', () => {
  it('each fill answers InferenceFailed with one status + log message; fills work again once the cause is gone', async () => {
    const trigger = join(tmp, 'ort-fault-on');
    const s = await startTiny({
      nodeArgs: ['--require', join(__dirname, 'preload/ort-fault.cjs')],
      env: { ...process.env, PGM_FAULT_ORT_RUN: trigger },
    });
    try {
      assert.equal((await s.settled()).state, 'ready');
      await s.open(URI, TEXT);
      await assertFillWorks(s);
      writeFileSync(trigger, '');
      const statusesBefore = s.statuses.length;
      for (let i = 0; i < 3; i++) {
        await assert.rejects(s.conn.sendRequest(PgmMethods.infill, fillParams()),
          (e) => codeOf(e) === PgmErrorCodes.InferenceFailed && /injected fault/.test((e as Error).message));
      }
      const inline = s.conn.sendRequest('textDocument/inlineCompletion', { textDocument: { uri: URI }, position: RANGE.start, context: { triggerKind: 2 } });
      await assert.rejects(inline, (e) => codeOf(e) === PgmErrorCodes.InferenceFailed);
      const failures = s.statuses.slice(statusesBefore).filter((x) => /injected fault/.test(x.message ?? ''));
      assert.equal(failures.length, 1, 'one status message for repeated identical failures');
      assert.equal(s.logs.filter((l) => /injected fault/.test(l)).length, 1, 'one log line for repeated identical failures');
      rmSync(trigger);
      await assertFillWorks(s);
      assert.equal(s.statuses.at(-1)?.message, undefined, 'a good fill clears the failure from the status');
      assert.equal(s.exit, null);
    } finally {
      await s.close();
    }
  });
});
