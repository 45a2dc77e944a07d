import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AbortError, runSampler } from '../../server/sampler/loop';
import { decodeFill, holeText } from '../../server/sampler/fill';
import type { RowLayout, SamplerOptions } from '../../server/sampler/types';
import { FakeNetwork, FakeTokenizer, SPECIALS } from './fakes';

const tok = new FakeTokenizer();
const ctx = { specials: SPECIALS, tokenBytes: (id: number) => tok.tokenBytes(id) };
const EMPTY = new Uint8Array(0);

function row(prefix: string, capacity: number, suffix = ''): RowLayout {
  const pre = tok.encode(prefix);
  const suf = tok.encode(suffix);
  const start = pre.length;
  return {
    ids: [...pre, ...suf],
    pos: [...pre.map((_, i) => i), ...suf.map((_, i) => start + capacity + i)],
    holes: [{ start, capacity, headBytes: EMPTY, tailBytes: EMPTY }],
  };
}

/** Loop mechanics are tested with per-position lengths; the 'cdf' rule has its own tests below. */
function opts(o: Partial<SamplerOptions> = {}): SamplerOptions {
  return { steps: 4, order: 'random', temperature: 1, topP: 1, seed: 7, singleLine: false, earlyStop: false, length: 'free', ...o };
}

/** Prefers the letter whose index is the query position (a, b, c, ...). */
const alphabet = (_: unknown, pos: number) => tok.id('abcdefghijklmnopqrstuvwxyz'[pos % 26]);

function fillOf(res: Awaited<ReturnType<typeof runSampler>>, r: RowLayout, singleLine = false): string {
  return holeText(res.rows[0][0].positions, r.holes[0], SPECIALS.gap, ctx.tokenBytes, singleLine).text;
}

describe('sampler', () => {
  it('fills the hole from the network and keeps every position once', async () => {
    const r = row('xyz', 5, 'q');
    const net = new FakeNetwork(tok.vocabSize, alphabet);
    const res = await runSampler(net, [r], ctx, opts({ temperature: 0 }));
    assert.equal(fillOf(res, r), 'defgh');
    assert.equal(res.steps, 4);
    for (const call of net.calls) {
      const seen = new Set(call.clean[0].pos);
      assert.equal(seen.size, call.clean[0].pos.length, 'no duplicate clean positions');
      for (const q of call.queries[0]) assert.ok(!seen.has(q), 'queries are never clean');
    }
  });

  it('same seed gives the same fill, another seed another fill', async () => {
    const r = row('ab', 12);
    const run = async (seed: number) => fillOf(await runSampler(new FakeNetwork(tok.vocabSize), [r], ctx, opts({ seed })), r);
    assert.equal(await run(1), await run(1));
    assert.notEqual(await run(1), await run(2));
  });

  it('random order queries only the positions committed this step (k = L / steps)', async () => {
    const net = new FakeNetwork(tok.vocabSize, alphabet);
    await runSampler(net, [row('ab', 8)], ctx, opts({ steps: 4 }));
    assert.deepEqual(net.calls.map((c) => c.queries[0].length), [2, 2, 2, 2]);
    assert.deepEqual(net.calls.map((c) => c.clean[0].ids.length), [2, 4, 6, 8]);
  });

  it('confidence order queries every open position and commits the surest', async () => {
    // the network is only sure about position 5; it must be committed first
    const net = new FakeNetwork(tok.vocabSize, (_, pos) => (pos === 5 ? tok.id('z') : null));
    const r = row('ab', 6);
    const res = await runSampler(net, [r], ctx, opts({ steps: 6, order: 'confidence', temperature: 1 }));
    assert.deepEqual(net.calls.map((c) => c.queries[0].length), [6, 5, 4, 3, 2, 1]);
    assert.equal(res.rows[0][0].positions[3].step, 1);
    assert.equal(res.rows[0][0].positions[3].id, tok.id('z'));
  });

  it('left-to-right commits positions in order', async () => {
    const r = row('ab', 6);
    const res = await runSampler(new FakeNetwork(tok.vocabSize, alphabet), [r], ctx, opts({ steps: 3, order: 'left-to-right' }));
    assert.deepEqual(res.rows[0][0].positions.map((p) => p.step), [1, 1, 2, 2, 3, 3]);
  });

  it('strips gap fillers so the fill length is the model choice', async () => {
    const r = row('ab', 8);
    const net = new FakeNetwork(tok.vocabSize, (_, pos) => (pos < 5 ? tok.id('x') : SPECIALS.gap));
    const res = await runSampler(net, [r], ctx, opts({ temperature: 0, steps: 8 }));
    assert.equal(fillOf(res, r), 'xxx');
  });

  it('early stop ends a hole once a filler follows a known prefix', async () => {
    const r = row('ab', 8);
    const net = new FakeNetwork(tok.vocabSize, (_, pos) => (pos < 4 ? tok.id('x') : SPECIALS.gap));
    const res = await runSampler(net, [r], ctx, opts({ temperature: 0, steps: 8, order: 'left-to-right', earlyStop: true }));
    assert.equal(fillOf(res, r), 'xx');
    assert.equal(res.steps, 3);
  });

  it('single-line mode cuts at the first newline and stops early', async () => {
    const r = row('ab', 8);
    const net = new FakeNetwork(tok.vocabSize, (_, pos) => (pos === 4 ? tok.id('\n') : tok.id('y')));
    const res = await runSampler(net, [r], ctx, opts({ temperature: 0, steps: 8, order: 'left-to-right', singleLine: true, earlyStop: true }));
    assert.equal(fillOf(res, r, true), 'yy');
    assert.equal(res.steps, 3);
  });

  it('samples several rows in one batch', async () => {
    const net = new FakeNetwork(tok.vocabSize, alphabet);
    const rows = [row('ab', 4), row('abcxyz', 2, 'zz')];
    const res = await runSampler(net, rows, ctx, opts({ temperature: 0, steps: 2 }));
    assert.equal(net.calls.length, 2);
    assert.equal(net.calls[0].clean.length, 2);
    assert.equal(fillOf(res, rows[0]), 'cdef');
    assert.equal(holeText(res.rows[1][0].positions, rows[1].holes[0], 1, ctx.tokenBytes, false).text, 'gh');
  });

  it('stops between steps when aborted', async () => {
    const ac = new AbortController();
    const net = new FakeNetwork(tok.vocabSize);
    let steps = 0;
    const p = runSampler(net, [row('ab', 8)], ctx, opts({ steps: 8, signal: ac.signal, onStep: () => { if (++steps === 2) ac.abort(); } }));
    await assert.rejects(p, AbortError);
    assert.equal(net.calls.length, 2);
  });

  it('reports each step with the committed positions', async () => {
    const events: number[][] = [];
    await runSampler(new FakeNetwork(tok.vocabSize), [row('ab', 6)], ctx, opts({
      steps: 3, onStep: (e) => events.push([e.step, e.totalSteps, e.rows[0][0].positions.filter((p) => p.id >= 0).length]),
    }));
    assert.deepEqual(events, [[1, 3, 2], [2, 3, 4], [3, 3, 6]]);
  });

  it('never draws pad or doc, and never more steps than positions', async () => {
    const net = new FakeNetwork(tok.vocabSize, () => SPECIALS.pad);
    const r = row('ab', 3);
    const res = await runSampler(net, [r], ctx, opts({ steps: 50, temperature: 0 }));
    assert.equal(res.steps, 3);
    for (const p of res.rows[0][0].positions) assert.ok(p.id !== SPECIALS.pad && p.id !== SPECIALS.doc);
  });

  it('constrains the first token to the healed prefix bytes and strips them', async () => {
    const r = row('de', 4);
    r.holes[0].headBytes = tok.tokenBytes(tok.id('fo'));
    // the network prefers 'bar' everywhere; position 0 must still start with "fo"
    const net = new FakeNetwork(tok.vocabSize, () => tok.id('bar'));
    const res = await runSampler(net, [r], ctx, opts({ temperature: 0, steps: 2 }));
    const first = res.rows[0][0].positions[0].id;
    assert.ok(tok.vocab[first].startsWith('fo'));
    assert.equal(fillOf(res, r), tok.vocab[first].slice(2) + 'barbarbar');
  });

  it('re-draws the last real token so the fill ends with the healed suffix bytes', async () => {
    const r = row('de', 4);
    r.holes[0].tailBytes = tok.tokenBytes(tok.id('ar'));
    const net = new FakeNetwork(tok.vocabSize, (_, pos) => (pos < 4 ? tok.id('x') : SPECIALS.gap));
    const res = await runSampler(net, [r], ctx, opts({ temperature: 0, steps: 4 }));
    assert.equal(res.steps, 5, 'one extra round for the suffix constraint');
    const ids = res.rows[0][0].positions.map((p) => p.id);
    assert.ok(tok.vocab[ids[1]].endsWith('ar'));
    assert.equal(fillOf(res, r), 'x' + tok.vocab[ids[1]].slice(0, -2));
  });
});

describe('fill text', () => {
  it('drops invalid UTF-8 left by split multi-byte characters instead of writing U+FFFD', () => {
    const e = new TextEncoder().encode('é日');
    assert.equal(decodeFill(e), 'é日');
    assert.equal(decodeFill(e.subarray(0, 3)), 'é');
    assert.equal(decodeFill(Uint8Array.of(0x61, 0xff, 0x62)), 'ab');
  });

  describe("'cdf' length rule", () => {
    // fillers are likely from canvas position 6 on: with the hole at 3..10, the length is 3
    const fillersFrom6 = (_: unknown, pos: number) => (pos >= 6 ? SPECIALS.gap : tok.id('abcdefghijklmnopqrstuvwxyz'[pos % 26]));

    it('chooses the length in one round over every hole position, then never draws a filler', async () => {
      const r = row('xyz', 8, 'q');
      const net = new FakeNetwork(tok.vocabSize, fillersFrom6);
      const res = await runSampler(net, [r], ctx, opts({ length: 'cdf', order: 'confidence', temperature: 0 }));
      assert.deepEqual(net.calls[0].queries[0], [3, 4, 5, 6, 7, 8, 9, 10]);
      assert.deepEqual(net.calls[1].clean[0].pos.slice(-5), [6, 7, 8, 9, 10], 'fillers join the clean set');
      for (const call of net.calls.slice(1)) for (const q of call.queries[0]) assert.ok(q < 6, 'only the chosen length is drawn');
      assert.equal(fillOf(res, r), 'def');
    });

    it('is the default; without a likely filler the whole capacity is drawn, fillers banned', async () => {
      const r = row('ab', 5);
      const o = opts({ temperature: 1 });
      delete o.length;
      const net = new FakeNetwork(tok.vocabSize);  // uniform logits: P(filler) = 1 / vocab
      const res = await runSampler(net, [r], ctx, o);
      assert.deepEqual(net.calls[0].queries[0], [2, 3, 4, 5, 6], 'the length round queries every position');
      assert.ok(res.rows[0][0].positions.every((p) => p.id !== -1 && p.id !== SPECIALS.gap));
    });

    it('keeps at least one token when the hole edge was healed', async () => {
      const r = row('xyz', 4);
      r.holes[0].headBytes = new Uint8Array([tok.tokenBytes(tok.id('d'))[0]]);
      const res = await runSampler(new FakeNetwork(tok.vocabSize, () => SPECIALS.gap), [r], ctx, opts({ length: 'cdf', temperature: 0 }));
      assert.notEqual(res.rows[0][0].positions[0].id, SPECIALS.gap);
      assert.ok(res.rows[0][0].positions.slice(1).every((p) => p.id === SPECIALS.gap));
    });
  });

  describe('length round reused by step 1', () => {
    /** Logits that depend on the whole clean set and the query position (a hash), so any change of input shows. */
    const hashed = (clean: { ids: number[]; pos: number[] }, pos: number) => {
      let h = pos * 2654435761;
      for (let i = 0; i < clean.ids.length; i++) h = Math.imul(h ^ (clean.ids[i] * 31 + clean.pos[i]), 2246822519) >>> 0;
      return 3 + (h % (tok.vocabSize - 3));
    };
    const o = (reuse: 'exact' | 'always' | 'never', extra: Partial<SamplerOptions> = {}) =>
      opts({ length: 'cdf', order: 'confidence', temperature: 1, steps: 4, reuseLengthRound: reuse, ...extra });

    it('saves one network call when no filler was committed, with the same draws bit for bit', async () => {
      const r = row('xy', 6, 'q');
      const plain = new FakeNetwork(tok.vocabSize, hashed);
      const reused = new FakeNetwork(tok.vocabSize, hashed);
      const a = await runSampler(plain, [r, r], ctx, o('never'));
      const b = await runSampler(reused, [r, r], ctx, o('exact'));
      assert.equal(plain.calls.length, 1 + 4);
      assert.equal(reused.calls.length, 4, 'the length round serves as step 1');
      assert.equal(b.steps, 4, 'network rounds reported');
      assert.deepEqual(b.rows, a.rows, 'same tokens, steps and probabilities');
      assert.deepEqual(reused.calls.slice(1), plain.calls.slice(2), 'steps 2.. see the same clean sets');
    });

    it("'exact' still runs step 1 for rows with fillers; 'always' reuses the round for them too", async () => {
      const fillersFrom6 = (_: unknown, pos: number) => (pos >= 6 ? SPECIALS.gap : tok.id('abcdefghijklmnopqrstuvwxyz'[pos % 26]));
      const r = row('xyz', 8, 'q');
      const exact = new FakeNetwork(tok.vocabSize, fillersFrom6);
      const always = new FakeNetwork(tok.vocabSize, fillersFrom6);
      const e = await runSampler(exact, [r, r, r], ctx, o('exact', { temperature: 0 }));
      const m = await runSampler(always, [r, r, r], ctx, o('always', { temperature: 0 }));
      assert.equal(exact.calls.length, 1 + 3, 'length round + one round per step (3 real positions)');
      assert.equal(always.calls.length, 3, 'step 1 made no call');
      assert.equal(always.calls[0].clean.length, 1, 'the K rows of one layout share the length round');
      assert.deepEqual(always.calls[1].clean[0].pos.slice(-6), [6, 7, 8, 9, 10, 3], 'step 2 sees the fillers and step 1\'s token');
      for (const call of always.calls.slice(1)) for (const q of call.queries.flat()) assert.ok(q < 6, 'fillers stay banned after the chosen length');
      for (const res of [e, m]) assert.equal(fillOf(res, r), 'def');
    });
  });

  describe("'fixed' length rule (models without a gap filler)", () => {
    it('skips the length round and fills every position with a real token, even where fillers are likely', async () => {
      const r = row('xyz', 6, 'q');
      const net = new FakeNetwork(tok.vocabSize, () => SPECIALS.gap);  // the filler would win every position
      const res = await runSampler(net, [r], ctx, opts({ length: 'fixed', temperature: 0, steps: 3, earlyStop: true }));
      assert.equal(net.calls.length, 3, 'no extra length round');
      const ids = res.rows[0][0].positions.map((p) => p.id);
      assert.equal(ids.length, 6);
      assert.ok(ids.every((id) => id >= 0 && !Object.values(SPECIALS).includes(id)), JSON.stringify(ids));
    });

    it('works with no gap id at all (-1)', async () => {
      const r = row('ab', 4);
      const noGap = { ...ctx, specials: { ...SPECIALS, gap: -1 } };
      const res = await runSampler(new FakeNetwork(tok.vocabSize, alphabet), [r], noGap, opts({ length: 'fixed', temperature: 0 }));
      assert.equal(holeText(res.rows[0][0].positions, r.holes[0], -1, ctx.tokenBytes, false).text, 'cdef');
    });
  });
});
