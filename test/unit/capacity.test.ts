import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CAPACITY_FACTOR, CAPACITY_MARGIN, MIN_CAPACITY, capacityFor, selectionTokens, splitParts } from '../../server/engine/capacity';
import { FakeTokenizer } from './fakes';

const tok = new FakeTokenizer();
const encode = (t: string) => tok.encode(t);

describe('capacity follows the selection', () => {
  it('is tokens x factor + margin, within the floor and the ceiling (half the window)', () => {
    assert.deepEqual(capacityFor(10, 64, 256), { kind: 'fill', capacity: Math.ceil(10 * CAPACITY_FACTOR) + CAPACITY_MARGIN });
    assert.deepEqual(capacityFor(1, 64, 256), { kind: 'fill', capacity: Math.max(MIN_CAPACITY, Math.ceil(CAPACITY_FACTOR) + CAPACITY_MARGIN) });
    // 100 tokens fit (<= 128) but 100 x 1.5 + 4 is above the ceiling: capped at it
    assert.deepEqual(capacityFor(100, 64, 256), { kind: 'fill', capacity: 128 });
    assert.deepEqual(capacityFor(128, 64, 256), { kind: 'fill', capacity: 128 });
  });

  it('a selection over the ceiling is too large, never shrunk', () => {
    assert.deepEqual(capacityFor(129, 64, 256), { kind: 'tooLarge', tokens: 129, maxTokens: 128 });
    assert.deepEqual(capacityFor(600, 64, 512), { kind: 'tooLarge', tokens: 600, maxTokens: 256 });
  });

  it('an empty selection inserts up to the capacity setting (at most the ceiling)', () => {
    assert.deepEqual(capacityFor(0, 64, 256), { kind: 'fill', capacity: 64 });
    assert.deepEqual(capacityFor(0, 500, 256), { kind: 'fill', capacity: 128 });
  });

  it('measures selections by their tokens; huge ones are estimated without tokenizing', () => {
    assert.equal(selectionTokens(encode, ''), 0);
    assert.equal(selectionTokens(encode, 'foo bar'), 3);
    let called = false;
    assert.equal(selectionTokens(() => { called = true; return []; }, 'x'.repeat(2 << 20)), (2 << 20) / 4);
    assert.equal(called, false);
  });
});

describe('split parts', () => {
  it('cut at line ends, each within the limit, covering the selection exactly', () => {
    const text = 'head\n' + Array.from({ length: 12 }, (_, i) => `line ${i} foo bar`).join('\n') + '\ntail';
    const start = 5;
    const end = text.length - 5;
    const parts = splitParts(text, start, end, 20, encode);
    assert.ok(parts.length > 1);
    assert.equal(parts[0].start, start);
    assert.equal(parts[parts.length - 1].end, end);
    for (let i = 1; i < parts.length; i++) assert.equal(parts[i].start, parts[i - 1].end);
    for (const p of parts) {
      assert.ok(encode(text.slice(p.start, p.end)).length <= 20);
      if (p.end < end) assert.equal(text[p.end - 1], '\n', 'parts end at line ends');
    }
  });

  it('cuts a single over-long line by characters', () => {
    const text = 'abcdefghij'.repeat(10);
    const parts = splitParts(text, 0, text.length, 7, encode);
    assert.equal(parts.map((p) => text.slice(p.start, p.end)).join(''), text);
    for (const p of parts) assert.ok(encode(text.slice(p.start, p.end)).length <= 7);
  });
});
