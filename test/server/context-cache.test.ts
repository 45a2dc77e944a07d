/**
 * The approximate context cache (server/model/cachedNetwork.ts) against exact sampling. Needs a
 * model with cache graphs: the benchmark model (bench/make_baselines.py, made by `npm run bench`);
 * skipped when it is absent. With a full re-encode every step the cache must reproduce exact
 * sampling token for token; without refresh it must still only append (extend) after the first
 * encode and produce complete fills.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fillHoles } from '../../server/engine/fill';
import { CachedNetwork } from '../../server/model/cachedNetwork';
import { loadModel } from '../../server/model/host';
import { ROOT } from './harness';

const DIR = join(ROOT, 'bench/.graphs/pgm');
const skip = existsSync(join(DIR, 'manifest.json')) ? false : 'no model with cache graphs (run `npm run bench` or `python -m bench.make_baselines`)';
const text = readFileSync(join(ROOT, 'server/sampler/loop.ts'), 'utf8').slice(0, 3000);

async function fill(contextCache: number | null) {
  const m = await loadModel(DIR, { executionProvider: 'cpu', threads: 1, contextCache });
  try {
    const r = await fillHoles({ tokenizer: m.tokenizer, network: m.sampling, specialIds: m.manifest.specialIds, canvas: m.manifest.architecture.canvas }, {
      text, holes: [{ start: 1500, end: 1500, capacity: 12 }], window: 0,
      sampler: { steps: 6, order: 'left-to-right', temperature: 0, topP: 1, seed: 0, singleLine: false, earlyStop: false },
    });
    return { fill: r.fills[0], net: m.sampling, note: m.cacheNote };
  } finally {
    await m.release();
  }
}

describe('approximate context cache', { skip }, () => {
  it('with a full refresh every step it equals exact sampling', async () => {
    const exact = await fill(null);
    const cached = await fill(1);
    assert.match(cached.note ?? '', /^on/);
    assert.ok(cached.net instanceof CachedNetwork);
    assert.deepEqual(cached.fill, exact.fill);
  });

  it('without refresh it encodes once and then only extends', async () => {
    const cached = await fill(0);
    const net = cached.net as CachedNetwork;
    assert.equal(net.fullEncodes, 1);
    assert.ok(net.extends >= 4, `extends: ${net.extends}`);
    assert.ok(cached.fill.tokens > 0);
  });
});
