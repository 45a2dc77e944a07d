/**
 * The product's fill path against the Python reference sampler (training/sample.py), both
 * driving the tiny model's ONNX graphs. The inputs are documents and hole ranges in characters:
 * the test lays them out with the product's windowing and token healing (planRows:
 * server/sampler/window.ts, healing.ts) and the reference with its own (sample.window, heal on
 * text tokenized by Python `tokenizers`), so the canvases must be equal, id for id and position
 * for position, with the same healed bytes. Greedy decoding takes the RNG out of the comparison,
 * so the fills must then be identical token for token (same step sizes, order, commit rule,
 * length round and healing constraints).
 * Regenerate the fixture with test/server/make_sampler_fixture.py when the sampler spec changes.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { SamplingOrder } from '../../contract/settings';
import { TINY } from '../../harness/lsp';
import { loadModel } from '../../server/model/host';
import { runSampler } from '../../server/sampler/loop';
import { planRows } from '../../server/sampler/window';

interface Hole { name: string; text: string; start: number; end: number }
interface Layout { ids: number[]; pos: number[]; holeStart: number; capacity: number; head: number[]; tail: number[] }
interface Case { order: SamplingOrder; steps: number; capacity: number; holes: Hole[]; layouts: Layout[]; fills: number[][] }

describe('sampler parity with training/sample.py through the product\'s windowing and healing (greedy, tiny model)', () => {
  const fx = JSON.parse(readFileSync(join(__dirname, 'fixtures/sampler-parity.json'), 'utf8')) as { cases: Case[] };

  it('the fixture exercises healing on both sides, <|doc|> edges and cut windows', () => {
    const all = fx.cases.flatMap((c) => c.layouts);
    assert.ok(all.some((l) => l.head.length > 0) && all.some((l) => l.tail.length > 0), 'healed heads and tails');
    assert.ok(all.some((l) => l.head.length === 0), 'an unhealed head (document start)');
    assert.ok(all.some((l) => l.ids.length + l.capacity === 256 && !l.ids.includes(0)), 'a window cut on both sides');
  });

  for (const c of fx.cases) {
    // Greedy on both sides: confidence = untempered probability of the argmax, ties to the
    // earlier position (training/sample.py draw()), so every order is compared exactly.
    it(`${c.order}, ${c.steps} steps, capacity ${c.capacity}: ${c.holes.map((h) => h.name).join(' + ')}`, async () => {
      const m = await loadModel(TINY, { executionProvider: 'cpu', threads: 1 });
      try {
        const cfg = { window: m.manifest.architecture.canvas, doc: m.manifest.specialIds.doc };
        const rows = c.holes.map((h) => {
          const planned = planRows(h.text, [{ start: h.start, end: h.end, capacity: c.capacity }], m.tokenizer, cfg);
          assert.equal(planned.length, 1);
          return planned[0].layout;
        });
        rows.forEach((r, i) => {
          const ref = c.layouts[i];
          const name = c.holes[i].name;
          assert.deepEqual(r.ids, ref.ids, `${name}: context ids`);
          assert.deepEqual(r.pos, ref.pos, `${name}: context positions`);
          assert.equal(r.holes.length, 1);
          assert.equal(r.holes[0].start, ref.holeStart, `${name}: hole start`);
          assert.equal(r.holes[0].capacity, ref.capacity, `${name}: hole capacity (healed)`);
          assert.deepEqual([...r.holes[0].headBytes], ref.head, `${name}: head bytes`);
          assert.deepEqual([...r.holes[0].tailBytes], ref.tail, `${name}: tail bytes`);
        });
        const res = await runSampler(m.networkFor(null), rows, { specials: m.manifest.specialIds, tokenBytes: (id) => m.tokenizer.tokenBytes(id) }, {
          steps: c.steps, order: c.order, temperature: 0, topP: 1, seed: 0, singleLine: false, earlyStop: false,
        });
        const gap = m.manifest.specialIds.gap;
        const fills = res.rows.map((r) => r[0].positions.map((p) => p.id).filter((id) => id !== gap));
        assert.deepEqual(fills, c.fills);
      } finally {
        await m.release();
      }
    });
  }
});
