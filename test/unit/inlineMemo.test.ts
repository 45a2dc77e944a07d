import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InlineMemo } from '../../server/lsp/inlineMemo';

const text = 'def add(a, b):\n    return \n';
const at = text.indexOf('return ') + 7;

describe('inline memo (recent suggestions)', () => {
  it('answers the same context again, and nothing else', () => {
    const m = new InlineMemo();
    m.set('u', 's', text, at, ['a + b']);
    assert.deepEqual(m.get('u', 's', text, at), ['a + b']);
    assert.equal(m.get('u', 's', text, at - 1), null);
    assert.equal(m.get('u', 'other settings', text, at), null);
    assert.equal(m.get('v', 's', text, at), null);
    assert.equal(m.get('u', 's', text.replace('add', 'sum'), at), null);
    assert.equal(m.hits, 1);
  });

  it('typed ahead: the rest of the suggestion when the user typed its first characters', () => {
    const m = new InlineMemo();
    m.set('u', 's', text, at, ['a + b', 'b - a']);
    const typed = text.slice(0, at) + 'a +' + text.slice(at);
    assert.deepEqual(m.get('u', 's', typed, at + 3), [' b']);
    assert.equal(m.typedAhead, 1);
    // typed something else, or the cursor is not after the typed text: no answer
    assert.equal(m.get('u', 's', text.slice(0, at) + 'a -' + text.slice(at), at + 3), null);
    assert.equal(m.get('u', 's', typed, at + 2), null);
    // typed the whole suggestion: nothing left to show from memory
    assert.equal(m.get('u', 's', text.slice(0, at) + 'a + b' + text.slice(at), at + 5), null);
    // an edit elsewhere in the document
    assert.equal(m.get('u', 's', 'x' + typed.slice(1), at + 3), null);
  });

  it('keeps the most recent entries only, and forgets a closed document', () => {
    const m = new InlineMemo(2);
    m.set('u', 's', 'a', 1, ['1']);
    m.set('u', 's', 'b', 1, ['2']);
    m.set('u', 's', 'c', 1, ['3']);
    assert.equal(m.get('u', 's', 'a', 1), null);
    assert.deepEqual(m.get('u', 's', 'c', 1), ['3']);
    m.forget('u');
    assert.equal(m.get('u', 's', 'c', 1), null);
  });
});
