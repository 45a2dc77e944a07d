/** Progress data, built once (contract/protocol.ts): the engine's frames and the pgm/progress notification. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { progressParams, progressToken, type ProgressFrame } from '../../contract/protocol';
import { fillHoles } from '../../server/engine/fill';
import { FakeNetwork, FakeTokenizer, SPECIALS } from './fakes';

const range = (line: number) => ({ start: { line, character: 0 }, end: { line, character: 1 } });

describe('progress data', () => {
  it('progressToken clamps the confidence to [0, 1], NaN to 0', () => {
    assert.equal(progressToken('a', 1, 1.5, false).confidence, 1);
    assert.equal(progressToken('a', 1, -0.1, false).confidence, 0);
    assert.equal(progressToken('', 0, Number.NaN, true).confidence, 0);
    assert.deepEqual(progressToken('a', 2, 0.25, false), { text: 'a', step: 2, confidence: 0.25, gap: false });
  });

  it('progressParams gives hole i the requested range i', () => {
    const frame: ProgressFrame = { step: 2, totalSteps: 3, holes: [{ text: 'x', tokens: [] }, { text: 'y', tokens: [progressToken('y', 2, 0.5, false)] }] };
    const p = progressParams('r1', 'file:///a.py', [range(0), range(4)], frame);
    assert.deepEqual(p, {
      requestId: 'r1', uri: 'file:///a.py', step: 2, totalSteps: 3,
      ranges: [{ range: range(0), text: 'x', tokens: [] }, { range: range(4), text: 'y', tokens: frame.holes[1].tokens }],
    });
  });

  it('the engine reports one frame a step, a token per hole position, in request order', async () => {
    const tok = new FakeTokenizer();
    const net = new FakeNetwork(tok.vocabSize, () => tok.id('z'));
    const frames: ProgressFrame[] = [];
    const sampler = { steps: 3, order: 'left-to-right' as const, temperature: 0, topP: 1, seed: 1, singleLine: false, earlyStop: false };
    await fillHoles({ tokenizer: tok, network: net, specialIds: SPECIALS, canvas: 64 }, {
      text: 'ab cd', holes: [{ start: 1, end: 1, capacity: 3 }, { start: 4, end: 4, capacity: 3 }], window: 64, sampler, onProgress: (f) => frames.push(f),
    });
    assert.deepEqual(frames.map((f) => [f.step, f.totalSteps, f.holes.length]), [[1, 3, 2], [2, 3, 2], [3, 3, 2]]);
    for (const f of frames) {
      for (const h of f.holes) {
        // the hole's positions (capacity 3, plus the healed token before it), each committed at or before this step
        assert.ok(h.tokens.length >= 3);
        for (const t of h.tokens) assert.ok(t.confidence >= 0 && t.confidence <= 1 && t.step >= 0 && t.step <= f.step);
      }
    }
    const last = frames[2];
    assert.ok(last.holes.every((h) => h.tokens.every((t) => t.step >= 1)), 'every position committed by the last step');
    assert.ok(frames[0].holes[1].tokens.every((t) => t.step === 0), 'left to right: the second hole is untouched after step 1');
  });
});
