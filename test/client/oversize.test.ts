import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CAP_IT, FILL_IN_PARTS, oversizeChoice, oversizeQuestion, selectionTooLarge } from '../../client/oversize';

test('selectionTooLarge recognises only the typed server error', () => {
  const err = Object.assign(new Error('selection too large'), { code: 1011, data: { kind: 'selectionTooLarge', range: 1, tokens: 612, maxTokens: 192 } });
  assert.deepEqual(selectionTooLarge(err), { range: 1, tokens: 612, maxTokens: 192 });
  assert.deepEqual(selectionTooLarge({ data: { kind: 'selectionTooLarge', tokens: 5, maxTokens: 4 } }), { range: 0, tokens: 5, maxTokens: 4 });
  assert.equal(selectionTooLarge(new Error('boom')), undefined);
  assert.equal(selectionTooLarge({ data: { kind: 'other', tokens: 1, maxTokens: 1 } }), undefined);
  assert.equal(selectionTooLarge({ data: { kind: 'selectionTooLarge', tokens: '612', maxTokens: 192 } }), undefined);
  assert.equal(selectionTooLarge(undefined), undefined);
});

test('the question names both sizes and every way out', () => {
  const q = oversizeQuestion({ range: 0, tokens: 612, maxTokens: 192 }, 1);
  assert.match(q.message, /^The selection is about 612 tokens; the model fills at most 192 tokens at once\.$/);
  assert.match(q.detail, /Fill in Parts: fill it as about 4 consecutive parts/);
  assert.match(q.detail, /Cap It: replace it with one fill of at most 192 tokens/);
  assert.match(q.detail, /Cancel: change nothing/);
  assert.match(oversizeQuestion({ range: 1, tokens: 300, maxTokens: 192 }, 3).message, /^Selection 2 of 3 is about 300 tokens/);
});

test('the picked button maps to the request option; anything else cancels', () => {
  assert.equal(oversizeChoice(FILL_IN_PARTS), 'split');
  assert.equal(oversizeChoice(CAP_IT), 'cap');
  assert.equal(oversizeChoice(undefined), undefined);
  assert.equal(oversizeChoice('Cancel'), undefined);
});
