import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkEdits, describeTargets, hasOverlap, normalizeRanges, type Rng } from '../../client/ranges';

const r = (l0: number, c0: number, l1: number, c1: number): Rng => ({ start: { line: l0, character: c0 }, end: { line: l1, character: c1 } });

test('normalizeRanges sorts and drops duplicates', () => {
  const out = normalizeRanges([r(2, 0, 2, 3), r(0, 1, 0, 4), r(2, 0, 2, 3)]);
  assert.deepEqual(out, [r(0, 1, 0, 4), r(2, 0, 2, 3)]);
});

test('hasOverlap detects ranges that cross', () => {
  assert.equal(hasOverlap([r(0, 0, 0, 5), r(0, 5, 0, 7)]), false);
  assert.equal(hasOverlap([r(0, 0, 0, 5), r(0, 4, 0, 7)]), true);
  assert.equal(hasOverlap([r(0, 0, 1, 0), r(0, 9, 0, 10)]), true);
});

test('checkEdits accepts edits of exactly the requested ranges', () => {
  const req = [r(0, 0, 0, 3), r(1, 2, 1, 2)];
  const res = checkEdits(req, [{ range: r(1, 2, 1, 2), newText: 'x' }, { range: r(0, 0, 0, 3), newText: 'y' }]);
  assert.equal(res.ok, true);
});

test('checkEdits refuses an edit outside the ranges, or a range edited twice', () => {
  const req = [r(0, 0, 0, 3)];
  const outside = checkEdits(req, [{ range: r(0, 0, 0, 4), newText: 'x' }]);
  assert.equal(outside.ok, false);
  const twice = checkEdits(req, [{ range: r(0, 0, 0, 3), newText: 'a' }, { range: r(0, 0, 0, 3), newText: 'b' }]);
  assert.equal(twice.ok, false);
  const malformed = checkEdits(req, [{ range: r(0, 0, 0, 3) } as never]);
  assert.equal(malformed.ok, false);
});

test('describeTargets names selections and cursors (empty selections fill at the cursor)', () => {
  assert.equal(describeTargets([r(1, 0, 1, 5)]), 'selection');
  assert.equal(describeTargets([r(1, 0, 1, 5), r(2, 0, 2, 1)]), '2 selections');
  assert.equal(describeTargets([r(1, 3, 1, 3)]), 'at the cursor');
  assert.equal(describeTargets([r(1, 3, 1, 3), r(2, 3, 2, 3)]), 'at 2 cursors');
  assert.equal(describeTargets([r(1, 0, 1, 5), r(2, 3, 2, 3)]), '1 selection + 1 cursor');
});
