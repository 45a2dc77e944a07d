import assert from 'node:assert/strict';
import { test } from 'node:test';
import { committedFraction, frameMessage, previewText, rangeContext } from '../../client/liveModel';

test('rangeContext cuts the context at line boundaries', () => {
  const text = 'a'.repeat(300) + '\nline before HOLE line after\n' + 'b'.repeat(300);
  const start = text.indexOf('HOLE');
  const c = rangeContext(text, start, start + 4);
  assert.equal(c.before, 'line before ');
  assert.equal(c.original, 'HOLE');
  assert.equal(c.after, ' line after');
});

test('frames clamp confidences and count committed positions', () => {
  const p = { requestId: 'r', uri: 'u', step: 1, totalSteps: 2, ranges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'a',
    tokens: [{ text: 'a', step: 1, confidence: 1.5, gap: false }, { text: '', step: 0, confidence: Number.NaN, gap: false }] }] };
  const m = frameMessage(p);
  assert.equal(m.type, 'frame');
  if (m.type === 'frame') {
    assert.equal(m.ranges[0].tokens[0].confidence, 1);
    assert.equal(m.ranges[0].tokens[1].confidence, 0);
  }
  assert.equal(committedFraction(p), 0.5);
});

test('previewText shows the first line, shortened', () => {
  assert.equal(previewText('abc'), 'abc');
  assert.equal(previewText('abc\ndef'), 'abc …');
  assert.equal(previewText('x'.repeat(100)), 'x'.repeat(60) + '…');
});
