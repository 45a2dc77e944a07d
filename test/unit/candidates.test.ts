/** K candidates per hole in one batch, their scores, and the ranking (engine/fill.ts, engine/rank.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { drawToken } from '../../server/sampler/distribution';
import { holeScore } from '../../server/sampler/fill';
import { createRng } from '../../server/sampler/prng';
import { fillHoles, type EngineModel } from '../../server/engine/fill';
import { compareAlternatives, mergeSame, rankHole } from '../../server/engine/rank';
import { FakeNetwork, FakeTokenizer, SPECIALS } from './fakes';

const tok = new FakeTokenizer();

function model(net: FakeNetwork): EngineModel {
  return { tokenizer: tok, network: net, specialIds: SPECIALS, canvas: 64 };
}

const sampler = { steps: 4, order: 'confidence' as const, temperature: 1, topP: 1, seed: 3, singleLine: false, earlyStop: true };

describe('candidates', () => {
  it('samples K candidates per hole on the batch dimension, sharing the length round', async () => {
    const net = new FakeNetwork(tok.vocabSize, (clean, pos) => (clean.ids.length < 6 && pos > 8 ? SPECIALS.gap : null));
    const r = await fillHoles(model(net), { text: 'ab  cd', holes: [{ start: 2, end: 4, capacity: 8 }], window: 64, sampler, candidates: 3 });
    assert.equal(r.fills[0].candidates.length, 3);
    assert.equal(net.calls[0].clean.length, 1, 'the length round runs once for the three copies');
    assert.ok(net.calls.slice(1).every((c) => c.clean.length === 3), 'every later round carries the 3 candidates');
    assert.equal(r.fills[0].text, r.fills[0].candidates[0].text);
    for (const c of r.fills[0].candidates) assert.ok(c.score <= 0 && Number.isFinite(c.score));
  });

  it('K = 1 gives the same fill as before candidates (candidate 0 = the single fill)', async () => {
    const prefer = (_: unknown, pos: number) => tok.id('abcdefghijklmnopqrstuvwxyz'[pos % 26]);
    const one = await fillHoles(model(new FakeNetwork(tok.vocabSize, prefer)), { text: 'xy', holes: [{ start: 1, end: 1, capacity: 4 }], window: 64, sampler: { ...sampler, temperature: 0 } });
    const four = await fillHoles(model(new FakeNetwork(tok.vocabSize, prefer)), { text: 'xy', holes: [{ start: 1, end: 1, capacity: 4 }], window: 64, sampler: { ...sampler, temperature: 0 }, candidates: 4 });
    assert.equal(one.fills[0].candidates.length, 1);
    assert.equal(four.fills[0].candidates[0].text, one.fills[0].text);
  });

  it('draws carry the untempered log-probability of the token', () => {
    const logits = new Float32Array([2, 1, 0, -1]);
    const ids = [0, 1, 2, 3];
    const z = Math.log([2, 1, 0, -1].reduce((s, x) => s + Math.exp(x), 0));
    for (const temperature of [0, 0.5, 1, 2]) {
      const d = drawToken(logits, 0, ids, { temperature, topP: 0.9 }, createRng(1));
      assert.ok(Math.abs(d.logp - (logits[d.id] - z)) < 1e-9, `temperature ${temperature}`);
    }
  });

  it('scores a fill by the mean log-probability of its real tokens; an empty fill by its first filler', () => {
    const gap = SPECIALS.gap;
    assert.equal(holeScore([{ id: 5, step: 1, prob: 1, logp: -1 }, { id: 6, step: 2, prob: 1, logp: -3 }, { id: gap, step: 1, prob: 1, logp: -0.1 }], gap), -2);
    assert.equal(holeScore([{ id: gap, step: 1, prob: 0.6, logp: Math.log(0.6) }, { id: gap, step: 1, prob: 0, logp: 0 }], gap), Math.log(0.6));
  });
});

describe('ranking', () => {
  it('parsing fills first, then by score; unknown syntax counts as parsing', () => {
    const alts = [
      { text: 'a', score: -0.1, parses: false },
      { text: 'b', score: -2, parses: true },
      { text: 'c', score: -1, parses: null },
    ];
    assert.deepEqual([...alts].sort(compareAlternatives).map((a) => a.text), ['c', 'b', 'a']);
  });

  it('merges candidates with the same text, keeping the best score', () => {
    assert.deepEqual(mergeSame([{ text: 'x', score: -2, tokens: 1, lengthOffset: 0.2 }, { text: 'y', score: -1, tokens: 1, lengthOffset: 0 }, { text: 'x', score: -0.5, tokens: 1, lengthOffset: 0 }]),
      [{ text: 'x', score: -0.5, tokens: 1, lengthOffset: 0 }, { text: 'y', score: -1, tokens: 1, lengthOffset: 0 }]);
  });

  it('among fills that parse, the median length first (the score prefers short fills), then the score', async () => {
    const text = 'x = <FILL>\n';
    const hole = {
      text: 'a', tokens: 1, score: -1,
      candidates: [{ text: 'foo(1, 2)', tokens: 5, score: -0.9, lengthOffset: 0 }, { text: 'b', tokens: 1, score: -0.1, lengthOffset: 0.2 }, { text: 'foo(1, 3)', tokens: 5, score: -0.8, lengthOffset: 0 }],
    };
    const r = await rankHole(hole, { text, start: 4, end: 10, grammar: 'python', threshold: -5 });
    assert.deepEqual(r.alternatives.map((a) => a.text), ['foo(1, 3)', 'foo(1, 2)', 'b']);
    // when no median-length fill parses, a shorter one that does wins
    const broken = { ...hole, candidates: [{ text: 'foo(1,, 2', tokens: 5, score: -0.5, lengthOffset: 0 }, { text: 'b', tokens: 1, score: -0.9, lengthOffset: 0.2 }] };
    assert.equal((await rankHole(broken, { text, start: 4, end: 10, grammar: 'python', threshold: -5 })).text, 'b');
  });

  it('prefers the candidate that keeps the file parsing over a higher score (real python grammar)', async () => {
    const text = 'def f(x):\n    return <FILL>\n';
    const start = text.indexOf('<FILL>');
    const hole = {
      text: 'x = = 1', tokens: 3, score: -0.2,
      candidates: [{ text: 'x = = 1', tokens: 3, score: -0.2 }, { text: 'x + 1', tokens: 3, score: -0.9 }, { text: 'x + 1', tokens: 3, score: -0.7 }],
    };
    const r = await rankHole(hole, { text, start, end: start + 6, grammar: 'python', threshold: -0.8 });
    assert.equal(r.text, 'x + 1');
    assert.equal(r.score, -0.7);
    assert.equal(r.parses, true);
    assert.equal(r.lowConfidence, false);
    assert.deepEqual(r.alternatives.map((a) => [a.text, a.parses]), [['x + 1', true], ['x = = 1', false]]);
    const plain = await rankHole(hole, { text, start, end: start + 6, grammar: null, threshold: -0.1 });
    assert.equal(plain.text, 'x = = 1');
    assert.equal(plain.parses, null);
    assert.equal(plain.lowConfidence, true);
  });

  it('a blank candidate never replaces a selection while another candidate exists', async () => {
    const text = 'a = 1\nb = 2\n';
    const hole = { text: '', tokens: 0, score: -0.1, candidates: [{ text: '', tokens: 0, score: -0.1 }, { text: 'b = 3', tokens: 3, score: -2 }] };
    const sel = await rankHole(hole, { text, start: 6, end: 11, grammar: 'python', threshold: -5 });
    assert.equal(sel.text, 'b = 3');
    const insert = await rankHole(hole, { text, start: 6, end: 6, grammar: 'python', threshold: -5 });
    assert.equal(insert.text, '', 'an insertion may be empty');
  });
});
