/**
 * Parity: the PyTorch reference logits exported with the model (fixture.json) replayed through
 * onnxruntime-node via the network the server samples exactly with: the step graph with an empty
 * cache (P = 0) when the model ships it, else the encoder and decoder. Tolerance: the fixture's own
 * `tolerance` (1e-4 max abs difference for the tiny model).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadModel } from '../../server/model/host';
import { TINY } from '../../harness/lsp';

interface Case {
  clean_ids: number[][];
  clean_pos: number[][];
  clean_mask: (boolean | number)[][];
  query_pos: number[][];
  logits: number[][][];
}

// The tiny model's fixture is in the repository: a missing one fails instead of skipping.
const models = [TINY, ...[join(TINY, '..', 'pgm-code')].filter((d) => existsSync(join(d, 'fixture.json')))];

for (const dir of models) {
  describe(`parity with PyTorch: ${dir}`, () => {
    it('replays every fixture case within tolerance', async () => {
      const fx = JSON.parse(readFileSync(join(dir, 'fixture.json'), 'utf8')) as { tolerance: number; cases: Case[] };
      const m = await loadModel(dir, { executionProvider: 'cpu', threads: 0 });
      try {
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
        assert.ok(worst <= fx.tolerance, `max abs diff ${worst} > ${fx.tolerance}`);
      } finally {
        await m.release();
      }
    });
  });
}
