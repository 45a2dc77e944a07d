import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allIdsExcept, drawToken } from '../../server/sampler/distribution';
import { createRng, shuffle } from '../../server/sampler/prng';
import { effectiveSteps, stepSizes } from '../../server/sampler/schedule';
import { packClean, packQueries } from '../../server/sampler/batch';

describe('drawToken', () => {
  const logits = Float32Array.from([0, 5, 4, 1, -3]);
  const ids = [0, 1, 2, 3, 4];

  it('is greedy at temperature 0', () => {
    const d = drawToken(logits, 0, ids, { temperature: 0, topP: 1 }, createRng(1));
    assert.equal(d.id, 1);
    assert.ok(d.prob > 0.7 && d.prob < 0.75);
  });

  it('top-p keeps only the nucleus', () => {
    const rng = createRng(3);
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) seen.add(drawToken(logits, 0, ids, { temperature: 1, topP: 0.9 }, rng).id);
    assert.deepEqual([...seen].sort(), [1, 2]);
  });

  it('top-p matches a reference nucleus (sorted cumulative mass) on random logits', () => {
    const rng = createRng(11);
    for (let trial = 0; trial < 30; trial++) {
      const v = 40;
      const l = Float32Array.from({ length: v }, () => (rng() - 0.5) * 8);
      const all = Array.from({ length: v }, (_, i) => i);
      const p = all.map((i) => Math.exp(l[i]));
      const z = p.reduce((a, b) => a + b);
      const order = [...all].sort((a, b) => p[b] - p[a]);
      const nucleus = new Set<number>();
      let mass = 0;
      for (const i of order) {
        nucleus.add(i);
        mass += p[i] / z;
        if (mass >= 0.8) break;
      }
      const seen = new Set<number>();
      for (let k = 0; k < 400; k++) seen.add(drawToken(l, 0, all, { temperature: 1, topP: 0.8 }, rng).id);
      for (const id of seen) assert.ok(nucleus.has(id), `drew ${id} outside the nucleus`);
    }
  });

  it('samples the full distribution without top-p', () => {
    const rng = createRng(3);
    const counts = [0, 0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[drawToken(logits, 0, ids, { temperature: 1, topP: 1 }, rng).id]++;
    assert.ok(counts[1] > counts[2] && counts[2] > counts[3] && counts[3] > 0);
  });

  it('respects the candidate list and offsets', () => {
    const two = Float32Array.from([9, 9, 9, 9, 9, 0, 5, 4, 1, -3]);
    assert.equal(drawToken(two, 5, [2, 3], { temperature: 0, topP: 1 }, createRng(1)).id, 2);
    assert.equal(drawToken(two, 5, [], { temperature: 0, topP: 1 }, createRng(1)).id, -1);
    assert.deepEqual(allIdsExcept(5, [0, 2]), [1, 3, 4]);
  });
});

describe('prng and schedule', () => {
  it('is deterministic per seed', () => {
    const a = createRng(42);
    const b = createRng(42);
    for (let i = 0; i < 10; i++) assert.equal(a(), b());
    assert.deepEqual(shuffle([1, 2, 3, 4, 5], createRng(9)), shuffle([1, 2, 3, 4, 5], createRng(9)));
  });

  it('spreads positions evenly over steps', () => {
    assert.deepEqual(stepSizes(10, 4), [2, 3, 2, 3]);
    assert.deepEqual(stepSizes(3, 3), [1, 1, 1]);
    assert.equal(stepSizes(17, 5).reduce((a, b) => a + b), 17);
    assert.equal(effectiveSteps(64, 16), 16);
    assert.equal(effectiveSteps(0, 16), 1);
  });

  it('pads batches with masked repeats of real positions', () => {
    const c = packClean([{ ids: [5, 6], pos: [3, 4] }, { ids: [7], pos: [9] }]);
    assert.deepEqual([...c.mask], [1, 1, 1, 0]);
    assert.deepEqual([...c.pos], [3, 4, 9, 9]);
    const q = packQueries([[1, 2, 3], [8]]);
    assert.deepEqual([...q.pos], [1, 2, 3, 8, 8, 8]);
  });
});
