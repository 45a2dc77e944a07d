import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inlineItems, inlineSuggestion, suffixOverlap } from '../../server/engine/inlineItems';
import type { RankedFill } from '../../server/engine/rank';

describe('inline overlap with the text after the cursor', () => {
  it('trims the longest tail of the fill that the rest of the line starts with', () => {
    assert.equal(inlineSuggestion('x = 1;', '; // c'), 'x = 1');
    assert.equal(inlineSuggestion('a, b)', ', b)'), 'a');
    assert.equal(inlineSuggestion('value', ''), 'value');
    assert.equal(inlineSuggestion('abc', 'xyz'), 'abc');
    assert.equal(suffixOverlap('', ')'), 0);
  });

  it('keeps a closer the fill opened itself (the rest of the line keeps its own)', () => {
    // foo(|) + bar() -> foo(bar()); trimming the `)` would leave foo(bar()
    assert.equal(inlineSuggestion('bar()', ')'), 'bar()');
    assert.equal(inlineSuggestion('f(x))', '))'), 'f(x)');
    assert.equal(inlineSuggestion("say('hi')", "')"), "say('hi')");
    // a closer the fill did not open is trimmed
    assert.equal(inlineSuggestion('x + 1)', ')'), 'x + 1');
  });

  it('never splits a word', () => {
    assert.equal(inlineSuggestion('foo', 'o.bar()'), 'foo');
    assert.equal(inlineSuggestion('total', 'tal = 0'), 'total');
    assert.equal(inlineSuggestion('x + count', 'count + 1'), 'x + ');
  });

  it('drops what is left blank', () => {
    assert.equal(inlineSuggestion('   ', ''), null);
    assert.equal(inlineSuggestion(')', ')'), null);
    assert.equal(inlineSuggestion(' y', ''), ' y');
  });
});

function ranked(alts: Array<[string, number]>): RankedFill {
  const alternatives = alts.map(([text, score]) => ({ text, score, parses: null }));
  return { ...alternatives[0], tokens: 3, lowConfidence: false, alternatives };
}

describe('inlineItems', () => {
  it('shows nothing when the best candidate is under the threshold', () => {
    assert.deepEqual(inlineItems(ranked([['a', 0.2], ['b', 0.9]]), '', 0.5, 3), []);
  });

  it('keeps the ranked order, drops candidates under the threshold, blanks and repeats after the trim, at most max', () => {
    const r = ranked([['a + b);', 0.9], ['a + b', 0.8], [' ', 0.8], ['c);', 0.3], ['d);', 0.7], ['e', 0.7]]);
    assert.deepEqual(inlineItems(r, ');', 0.5, 5), ['a + b', 'd', 'e']);
    assert.deepEqual(inlineItems(r, ');', 0.5, 2), ['a + b', 'd']);
  });
});
