import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findHoles } from '../../contract/holes';

test('findHoles finds every non-overlapping marker, left to right', () => {
  assert.deepEqual(findHoles('a <|hole|> b <|hole|>', '<|hole|>'), [{ start: 2, end: 10 }, { start: 13, end: 21 }]);
  assert.deepEqual(findHoles('aaaa', 'aa'), [{ start: 0, end: 2 }, { start: 2, end: 4 }]);
  assert.deepEqual(findHoles('aaa', 'aa'), [{ start: 0, end: 2 }]);
  assert.deepEqual(findHoles('abc', 'x'), []);
});

test('findHoles finds nothing for an empty marker (and does not loop)', () => {
  assert.deepEqual(findHoles('abc', ''), []);
});
