/**
 * Parity: the PyTorch reference logits exported with the model (fixture.json) replayed through
 * onnxruntime-node via the network the server samples exactly with: the step graph with an empty
 * cache (P = 0) when the model ships it, else the encoder and decoder. A step-only folder is
 * exported by training/export.py (random tiny weights) and loaded, replayed and filled. Tolerance: the fixture's own
 * `tolerance` (1e-4 max abs difference for the tiny model).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fillHoles } from '../../server/engine/fill';
import { engineOf } from '../../server/engine/modelView';
import { loadModel, type LoadedModel } from '../../server/model/host';
import { ROOT, TINY } from '../../harness/lsp';

interface Case {
  clean_ids: number[][];
  clean_pos: number[][];
  clean_mask: (boolean | number)[][];
  query_pos: number[][];
  logits: number[][][];
}

// The tiny model's fixture is in the repository: a missing one fails instead of skipping.
const models = [TINY, ...[join(TINY, '..', 'pgm-code')].filter((d) => existsSync(join(d, 'fixture.json')))];

/** Replays fixture.json through the exact network; the worst absolute logit difference. */
async function replay(m: LoadedModel, dir: string): Promise<{ worst: number; tolerance: number }> {
  const fx = JSON.parse(readFileSync(join(dir, 'fixture.json'), 'utf8')) as { tolerance: number; cases: Case[] };
  assert.ok(fx.cases.length > 0);
  let worst = 0;
  for (const c of fx.cases) {
    const batch = c.clean_ids.length;
    const n = c.clean_ids[0].length;
    const q = c.query_pos[0].length;
    const clean = {
      batch, n, ids: Int32Array.from(c.clean_ids.flat()), pos: Int32Array.from(c.clean_pos.flat()),
      mask: Uint8Array.from(c.clean_mask.flat().map((x) => (x ? 1 : 0))),
    };
    const net = m.networkFor(null);
    const mem = await net.encode(clean);
    const out = await net.decode(mem, clean, { batch, q, pos: Int32Array.from(c.query_pos.flat()) });
    const ref = c.logits.flat(2);
    assert.equal(out.data.length, ref.length);
    for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(out.data[i] - ref[i]));
  }
  return { worst, tolerance: fx.tolerance };
}

for (const dir of models) {
  describe(`parity with PyTorch: ${dir}`, () => {
    it('replays every fixture case within tolerance', async () => {
      const m = await loadModel(dir, { executionProvider: 'cpu', threads: 0 });
      try {
        const { worst, tolerance } = await replay(m, dir);
        assert.ok(worst <= tolerance, `max abs diff ${worst} > ${tolerance}`);
      } finally {
        await m.release();
      }
    });
  });
}

describe('a step-only folder from training/export.py', () => {
  it('exports one graph, loads on it alone, matches PyTorch and fills', async () => {
    const work = mkdtempSync(join(tmpdir(), 'pgm-step-only-'));
    const PY = process.env.PYTHON ?? join(ROOT, '.venv/bin/python');
    try {
      const out = join(work, 'model');
      const r = spawnSync(PY, ['-m', 'training.export', '--tiny', '--tokenizer', join(TINY, 'tokenizer.json'), '--out', out], { cwd: ROOT, encoding: 'utf8' });
      assert.equal(r.status, 0, `export failed: ${r.stderr}`);
      assert.deepEqual(readdirSync(out).filter((f) => f.endsWith('.onnx')), ['cache_step.onnx']);
      const m = await loadModel(out, { executionProvider: 'cpu', threads: 1 });
      try {
        assert.equal(m.graphs, 'step');
        assert.equal(m.manifest.encoderDecoder, null);
        assert.ok(m.hasCache);
        const { worst, tolerance } = await replay(m, out);
        assert.ok(worst <= tolerance, `max abs diff ${worst} > ${tolerance}`);
        const res = await fillHoles(engineOf(m, null), {
          text: 'def add(a, b):\n    return \n', holes: [{ start: 26, end: 26, capacity: 6 }], window: 0,
          sampler: { steps: 3, order: 'confidence', temperature: 1, topP: 1, seed: 1, singleLine: false, earlyStop: false },
        });
        assert.equal(res.fills.length, 1);
      } finally {
        await m.release();
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
