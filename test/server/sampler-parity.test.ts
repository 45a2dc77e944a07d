/**
 * The TypeScript sampler against the Python reference sampler (training/sample.py), both
 * driving the tiny model's ONNX graphs. Greedy decoding takes the RNG out of the comparison, so
 * the fills must be identical token for token (same layout, step sizes, order and commit rule).
 * Regenerate the fixture with test/server/make_sampler_fixture.py when the sampler spec changes.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadModel } from '../../server/model/host';
import { runSampler } from '../../server/sampler/loop';
import type { RowLayout } from '../../server/sampler/types';
import type { SamplingOrder } from '../../contract/settings';
import { TINY } from '../../harness/lsp';

interface Case { order: SamplingOrder; steps: number; capacity: number; prefixes: number[][]; suffixes: number[][]; fills: number[][] }

/** Same rule as sample.py's layout(): the suffix gets at most half of what the hole leaves. */
function layout(prefix: number[], suffix: number[], capacity: number, canvas: number): RowLayout {
  const budget = canvas - capacity;
  let s = Math.min(suffix.length, Math.floor(budget / 2));
  const p = Math.min(prefix.length, budget - s);
  s = Math.min(suffix.length, budget - p);
  const ids = [...prefix.slice(prefix.length - p), ...suffix.slice(0, s)];
  const pos = [...Array.from({ length: p }, (_, i) => i), ...Array.from({ length: s }, (_, i) => p + capacity + i)];
  return { ids, pos, holes: [{ start: p, capacity, headBytes: new Uint8Array(0), tailBytes: new Uint8Array(0) }] };
}

describe('sampler parity with training/sample.py (greedy, tiny model)', () => {
  const fx = JSON.parse(readFileSync(join(__dirname, 'fixtures/sampler-parity.json'), 'utf8')) as { cases: Case[] };
  for (const c of fx.cases) {
    // Greedy on both sides: confidence = untempered probability of the argmax, ties to the
    // earlier position (training/sample.py draw()), so every order is compared exactly.
    it(`${c.order}, ${c.steps} steps, capacity ${c.capacity}`, async () => {
      const m = await loadModel(TINY, { executionProvider: 'cpu', threads: 1 });
      try {
        const canvas = m.manifest.architecture.canvas;
        const rows = c.prefixes.map((p, b) => layout(p, c.suffixes[b], c.capacity, canvas));
        const res = await runSampler(m.network, rows, { specials: m.manifest.specialIds, tokenBytes: (id) => m.tokenizer.tokenBytes(id) }, {
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
