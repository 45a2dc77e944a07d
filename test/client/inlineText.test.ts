import assert from 'node:assert/strict';
import { test } from 'node:test';
import { debounce, prepareSuggestion, prepareSuggestions, suffixOverlap, trimSuffixOverlap } from '../../client/inlineText';

test('suffixOverlap finds the longest tail of the fill that the line already has', () => {
  assert.equal(suffixOverlap('foo(a, b)', ')'), 1);
  assert.equal(suffixOverlap('x = 1;', '; // c'), 1);
  assert.equal(suffixOverlap('bar()', '();'), 2);
  assert.equal(suffixOverlap('abc', 'xyz'), 0);
  assert.equal(suffixOverlap('', ')'), 0);
});

test('trimSuffixOverlap drops text that would be duplicated on accept', () => {
  assert.equal(trimSuffixOverlap('compute(x))', '))'), 'compute(x');
  assert.equal(trimSuffixOverlap('value', ''), 'value');
});

test('prepareSuggestion hides empty and whitespace-only suggestions', () => {
  assert.equal(prepareSuggestion('   ', ''), undefined);
  assert.equal(prepareSuggestion(')', ')'), undefined);
  assert.equal(prepareSuggestion('x + 1)', ')'), 'x + 1');
});

test('debounce resolves true after the wait and false when cancelled first', async () => {
  assert.equal(await debounce(5, () => undefined), true);
  assert.equal(await debounce(0, () => undefined), true);
  let cancel: () => void = () => undefined;
  const p = debounce(10_000, (cb) => { cancel = cb; });
  cancel();
  assert.equal(await p, false);
});

test('prepareSuggestions keeps the ranked order and drops empty and repeated items', () => {
  assert.deepEqual(prepareSuggestions(['a + b);', 'a + b', ' ', 'c);', 'a - b);'], ');'), ['a + b', 'c', 'a - b']);
  assert.deepEqual(prepareSuggestions([], ''), []);
});
