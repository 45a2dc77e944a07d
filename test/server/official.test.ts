/**
 * The paper's checkpoints (docs/official-checkpoints.md): the official-format fixture
 * (training/tests/fixtures/official, logits computed by the official code) is converted with
 * `python -m training.import_official`, then replayed through onnxruntime-node, filled with fixed-length
 * holes through the engine at canvas 1024 (windowing a long document), and driven over LSP.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fillHoles } from '../../server/engine/fill';
import { engineOf } from '../../server/engine/modelView';
import type { CachedNetwork } from '../../server/model/cachedNetwork';
import { loadModel, type LoadedModel } from '../../server/model/host';
import { PgmMethods, type InfillResult } from '../../contract/protocol';
import { planRows } from '../../server/sampler/window';
import { ROOT, startTiny } from '../../harness/lsp';

const FX = join(ROOT, 'training/tests/fixtures/official');
const PY = process.env.PYTHON ?? join(ROOT, '.venv/bin/python');

interface Case { clean_ids: number[][]; clean_pos: number[][]; clean_mask: boolean[][]; query_pos: number[][]; logits: number[][][] }

describe('paper checkpoint: converted official-format fixture', () => {
  let dir: string;
  let work: string;
  let m: LoadedModel;
  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'pgm-official-'));
    dir = join(work, 'pgm-owt');
    const r = spawnSync(PY, ['-m', 'training.import_official', join(FX, 'checkpoint.ckpt'), dir, '--gpt2', FX, '--canvas', '1024', '--heads', '2'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, `import_official failed: ${r.stderr}`);
    m = await loadModel(dir, { executionProvider: 'cpu', threads: 1 });
  });
  after(async () => {
    await m?.release();
    rmSync(work, { recursive: true, force: true });
  });

  it('reproduces the official logits within 1e-4 through onnxruntime-node', async () => {
    const fx = JSON.parse(readFileSync(join(FX, 'cases.json'), 'utf8')) as { tolerance: number; cases: Case[] };
    let worst = 0;
    for (const c of fx.cases) {
      const batch = c.clean_ids.length;
      const clean = {
        batch, n: c.clean_ids[0].length, ids: Int32Array.from(c.clean_ids.flat()), pos: Int32Array.from(c.clean_pos.flat()),
        mask: Uint8Array.from(c.clean_mask.flat().map((x) => (x ? 1 : 0))),
      };
      const net = m.networkFor(null);
      const mem = await net.encode(clean);
      const out = await net.decode(mem, clean, { batch, q: c.query_pos[0].length, pos: Int32Array.from(c.query_pos.flat()) });
      const ref = c.logits.flat(2);
      assert.equal(out.data.length, ref.length);
      for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(out.data[i] - ref[i]));
    }
    assert.ok(worst <= fx.tolerance, `max abs diff ${worst} > ${fx.tolerance}`);
  });

  it('is a fixed-length model: no gap id, declared in the manifest', () => {
    assert.equal(m.manifest.fillLength, 'fixed');
    assert.equal(m.manifest.specialIds.gap, -1);
    assert.equal(m.manifest.architecture.canvas, 1024);
  });

  it('runs exact when the context cache is asked for (no cache graphs for this architecture)', async () => {
    assert.equal(m.hasCache, false);
    assert.match(m.cacheNote, /^not in this model/);
    assert.equal(m.graphs, 'encoder-decoder');
    assert.equal(m.networkFor(0), m.networkFor(null));
  });

  it('fills each hole of a long document with exactly its length, windowed on a 1024 canvas', async () => {
    const words = ['the', 'theme', 'of', 'a', 'story', 'is', 'not', 'its', 'plot'];
    const text = Array.from({ length: 2500 }, (_, i) => words[(i * 7) % words.length]).join(' ');
    const at = (frac: number) => text.indexOf(' ', Math.floor(text.length * frac));
    const holes = [{ start: at(0.01), end: at(0.01), capacity: 3 }, { start: at(0.5), end: at(0.5) + 10, capacity: 17 }, { start: at(0.97), end: at(0.97), capacity: 40 }];
    const engine = engineOf(m, null);
    const rows = planRows(text, holes, m.tokenizer, { window: 1024, doc: m.manifest.specialIds.doc });
    assert.ok(rows.length >= 2, 'holes far apart land in separate windows');
    for (const r of rows) assert.ok(Math.max(...r.layout.pos, ...r.layout.holes.map((h) => h.start + h.capacity - 1)) < 1024);
    const planned = new Map(rows.flatMap((r) => r.holes.map((h, i) => [h, r.layout.holes[i].capacity] as const)));
    const res = await fillHoles(engine, { text, holes, window: 0, sampler: { steps: 4, order: 'confidence', temperature: 1, topP: 1, seed: 3, singleLine: false, earlyStop: true } });
    res.fills.forEach((f, i) => {
      assert.equal(f.tokens, planned.get(i), `hole ${i}: every position is a real token`);
      assert.ok(f.tokens >= holes[i].capacity);
    });
  });

  it('context cache at canvas 1024: step graph for this architecture; exact through it = exact through the encoder and decoder, no refresh only extends', async () => {
    const r = spawnSync(PY, ['-m', 'bench.official_cache_graphs', '--model', dir], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, `official_cache_graphs failed: ${r.stderr}`);
    const text = Array.from({ length: 1500 }, (_, i) => ['the', 'theme', 'of', 'a', 'story'][(i * 3) % 5]).join(' ');
    // exact on the encoder and decoder, the step graph for the cache: the two can be compared
    const c = await loadModel(dir, { executionProvider: 'cpu', threads: 1, exact: 'encoder-decoder' });
    const fill = async (contextCache: number | null, model = c) => {
      const net = model.networkFor(contextCache);
      const res = await fillHoles({ ...engineOf(c, null), network: net }, {
        text, holes: [{ start: 4000, end: 4000, capacity: 12 }], window: 0,
        sampler: { steps: 6, order: 'left-to-right', temperature: 0, topP: 1, seed: 0, singleLine: false, earlyStop: false },
      });
      return { fill: res.fills[0], net: net as CachedNetwork };
    };
    try {
      assert.ok(c.hasCache, c.cacheNote);
      const exact = await fill(null);
      const refreshed = await fill(1);
      assert.deepEqual(refreshed.fill, exact.fill);
      // the default load opens the step graph alone and samples exactly through it
      const one = await loadModel(dir, { executionProvider: 'cpu', threads: 1 });
      try {
        assert.equal(one.graphs, 'step');
        assert.deepEqual((await fill(null, one)).fill, exact.fill);
      } finally {
        await one.release();
      }
      const cached = await fill(0);
      assert.equal(cached.net.fullEncodes, 1);
      assert.ok(cached.net.extends >= 4, `extends: ${cached.net.extends}`);
      assert.ok(cached.fill.tokens >= 12);
    } finally {
      await c.release();
    }
  });

  it('CLI --jsonl: every fill has exactly the requested length (plus healed edges)', () => {
    const lines = [{ id: 1, prefix: 'The theme of ', suffix: ' story is its plot.\n' }, { id: 2, prefix: 'A', suffix: 'the end.', capacity: 3 }];
    const r = spawnSync(process.execPath, [join(ROOT, 'dist/cli.js'), '--jsonl', '--model', dir, '--capacity', '7', '--steps', '3'],
      { input: lines.map((l) => JSON.stringify(l)).join('\n') + '\n', encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    const answers = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: number; tokens: number; error?: string });
    assert.equal(answers.length, 2);
    answers.forEach((a, i) => {
      const l = lines[i];
      const text = l.prefix + l.suffix;
      const planned = planRows(text, [{ start: l.prefix.length, end: l.prefix.length, capacity: l.capacity ?? 7 }], m.tokenizer, { window: 1024, doc: m.manifest.specialIds.doc });
      assert.equal(a.error, undefined);
      assert.equal(a.tokens, planned[0].layout.holes[0].capacity, `line ${a.id}`);
    });
  });

  it('over LSP: a selection keeps its token count, an explicit capacity is honoured, inline is off', async () => {
    const c = await startTiny({ settings: { modelPath: dir, capacity: 8 } });
    try {
      assert.equal((await c.settled()).state, 'ready');
      const uri = 'file:///notes.md';
      const text = 'The theme of the story is its plot.\n';
      await c.open(uri, text);
      const sel = { start: { line: 0, character: 4 }, end: { line: 0, character: 16 } }; // "theme of the"
      const expected = (capacity: number) => planRows(text, [{ start: 4, end: 16, capacity }], m.tokenizer, { window: 1024, doc: m.manifest.specialIds.doc })[0].layout.holes[0].capacity;
      const a: InfillResult = await c.conn.sendRequest(PgmMethods.infill, { textDocument: { uri, version: 1 }, ranges: [sel], options: { seed: 1 } });
      assert.equal(a.stats.tokensPerRange[0], expected(m.tokenizer.encode('theme of the').length));
      const b: InfillResult = await c.conn.sendRequest(PgmMethods.infill, { textDocument: { uri, version: 1 }, ranges: [sel], options: { seed: 1, capacity: 11, lengthFrom: 'capacity' } });
      assert.equal(b.stats.tokensPerRange[0], expected(11));
      const inline: { items: unknown[] } = await c.conn.sendRequest('textDocument/inlineCompletion', {
        textDocument: { uri }, position: { line: 0, character: 4 }, context: { triggerKind: 1 },
      });
      assert.deepEqual(inline.items, []);
    } finally {
      await c.close();
    }
  });
});
