/**
 * The approximate context cache (server/model/cachedNetwork.ts, graph from
 * training/cache_export.py) on the shipped model, which samples on its step graph alone: exact
 * sampling runs it over the whole clean set every round (test/server/official.test.ts checks
 * that this equals the encoder and decoder token for token, and parity.test.ts replays the
 * PyTorch fixture through it); without refresh it must encode in full once and then only
 * extend, and still produce complete fills.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fillHoles } from '../../server/engine/fill';
import { CachedNetwork } from '../../server/model/cachedNetwork';
import { loadModel, type LoadedModel } from '../../server/model/host';
import { ROOT } from '../../harness/lsp';

const DIR = join(ROOT, 'models/pgm-code');
const text = readFileSync(join(ROOT, 'server/sampler/loop.ts'), 'utf8').slice(0, 3000);
let m: LoadedModel;

async function fill(contextCache: number | null, order: 'left-to-right' | 'confidence' = 'left-to-right') {
  const network = m.networkFor(contextCache);
  const r = await fillHoles({ tokenizer: m.tokenizer, network, specialIds: m.manifest.specialIds, canvas: m.manifest.architecture.canvas }, {
    text, holes: [{ start: 1500, end: 1500, capacity: 12 }], window: 0,
    sampler: { steps: 6, order, temperature: 0, topP: 1, seed: 0, singleLine: false, earlyStop: false },
  });
  return { fill: r.fills[0], net: network };
}

describe('approximate context cache (models/pgm-code)', () => {
  before(async () => { m = await loadModel(DIR, { executionProvider: 'cpu', threads: 1 }); });
  after(async () => { await m.release(); });

  it('the shipped model samples on its step graph alone', () => {
    assert.ok(m.hasCache, m.cacheNote);
    assert.equal(m.graphs, 'step');
    assert.ok(m.networkFor(0) instanceof CachedNetwork);
  });

  it('exact sampling runs the step graph over the whole clean set every round (never extends)', async () => {
    for (const order of ['left-to-right', 'confidence'] as const) {
      const exact = await fill(null, order);
      const net = exact.net as CachedNetwork;
      assert.ok(net instanceof CachedNetwork);
      assert.equal(net.extends, 0, order);
      assert.ok(net.fullEncodes >= 4, `${order}: ${net.fullEncodes} full rounds`);
      assert.deepEqual((await fill(1, order)).fill, exact.fill, order);
    }
  });

  it('without refresh it encodes once and then only extends', async () => {
    const cached = await fill(0);
    const net = cached.net as CachedNetwork;
    assert.equal(net.fullEncodes, 1);
    assert.ok(net.extends >= 4, `extends: ${net.extends}`);
    assert.ok(cached.fill.tokens > 0);
  });

  it('K candidates of one hole extend their shared length round instead of re-encoding', async () => {
    const network = m.networkFor(0) as CachedNetwork;
    const r = await fillHoles({ tokenizer: m.tokenizer, network, specialIds: m.manifest.specialIds, canvas: m.manifest.architecture.canvas }, {
      text, holes: [{ start: 1500, end: 1500, capacity: 12 }], window: 0, candidates: 3,
      sampler: { steps: 4, order: 'confidence', temperature: 1, topP: 1, seed: 0, singleLine: false, earlyStop: true },
    });
    assert.equal(r.fills[0].candidates.length, 3);
    assert.equal(network.fullEncodes, 1, `${network.fullEncodes} full encodes, ${network.extends} extends`);
    assert.ok(network.extends >= 1);
  });

  it('a token leaving the clean set (a healing re-draw) is masked out of the cache, not re-encoded', async () => {
    const net = m.networkFor(0) as CachedNetwork;
    const clean = (n: number, skip = -1) => {
      const pos = Array.from({ length: n }, (_, i) => i).filter((i) => i !== skip);
      return { batch: 1, n: pos.length, ids: Int32Array.from(pos, (p) => 3 + p), pos: Int32Array.from(pos), mask: new Uint8Array(pos.length).fill(1) };
    };
    const q = { batch: 1, q: 1, pos: Int32Array.of(60) };
    const round = async (c: ReturnType<typeof clean>) => net.decode(await net.encode(c), c, q);
    await round(clean(40));
    const masked = await round(clean(40, 39));
    assert.deepEqual([net.fullEncodes, net.extends], [1, 1]);
    assert.ok(masked.data.every(Number.isFinite));
    // the mask takes effect: the same round with the token still in the clean set differs
    const kept = m.networkFor(0) as CachedNetwork;
    await kept.decode(await kept.encode(clean(40)), clean(40), q);
    const same = await kept.decode(await kept.encode(clean(40)), clean(40), q);
    assert.ok(same.data.some((x, i) => Math.abs(x - masked.data[i]) > 1e-3));
  });

  it('refresh N re-encodes in full every N rounds', async () => {
    const net = (await fill(3)).net as CachedNetwork;
    const rounds = net.fullEncodes + net.extends;
    // healing re-draws a token (not an append), which may add one more full encode
    assert.ok(net.fullEncodes >= Math.ceil(rounds / 3) && net.extends > 0, `${net.fullEncodes} full, ${net.extends} extends`);
  });
});
