import assert from 'node:assert/strict';
import { test } from 'node:test';
import { progressToken } from '../../contract/protocol';
import { committedFraction, frameMessage, previewText, rangeContext } from '../../client/liveModel';

test('rangeContext cuts the context at line boundaries', () => {
  const text = 'a'.repeat(300) + '\nline before HOLE line after\n' + 'b'.repeat(300);
  const start = text.indexOf('HOLE');
  const c = rangeContext(text, start, start + 4);
  assert.equal(c.before, 'line before ');
  assert.equal(c.original, 'HOLE');
  assert.equal(c.after, ' line after');
});

test('a frame carries the notification as it came and counts committed positions', () => {
  const p = { requestId: 'r', uri: 'u', step: 1, totalSteps: 2, ranges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'a',
    tokens: [progressToken('a', 1, 0.5, false), progressToken('', 0, 0, false)] }] };
  assert.deepEqual(frameMessage(p), { type: 'frame', ...p });
  assert.equal(committedFraction(p), 0.5);
  assert.equal(committedFraction({ ...p, ranges: [] }), 0.5, 'no positions: step / totalSteps');
});

test('previewText shows the first line, shortened', () => {
  assert.equal(previewText('abc'), 'abc');
  assert.equal(previewText('abc\ndef'), 'abc …');
  assert.equal(previewText('x'.repeat(100)), 'x'.repeat(60) + '…');
});
