import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appliedAnswers, choiceRows, holeAnswers, lowConfidenceSummary, oneLine, rankedChoices, scoreText, type HoleAnswer } from '../../client/candidates';

const hole = (over: Partial<HoleAnswer> = {}): HoleAnswer => ({
  text: 'w.fill(text)', score: -0.4, parses: true, lowConfidence: false,
  alternatives: [
    { text: 'w.fill(text)', score: -0.4, parses: true },
    { text: 'w.wrap(text)', score: -0.9, parses: true },
    { text: 'w.fill(text', score: -1.2, parses: false },
    { text: 'w.wrap(text)', score: -1.5, parses: true },
  ],
  ...over,
});

test('rankedChoices puts the chosen fill first, keeps the server order and drops repeated texts', () => {
  assert.deepEqual(rankedChoices(hole()).map((c) => c.text), ['w.fill(text)', 'w.wrap(text)', 'w.fill(text']);
  assert.deepEqual(rankedChoices(hole()).map((c) => c.parses), [true, true, false]);
  assert.deepEqual(rankedChoices(hole({ alternatives: [] })).map((c) => c.text), ['w.fill(text)']);
});

test('choiceRows number the candidates, star the best and say score and parse state', () => {
  const rows = choiceRows(rankedChoices(hole({ parses: null, alternatives: [{ text: 'a\n  b', score: -2, parses: false }] })));
  assert.equal(rows.length, 2);
  assert.match(rows[0].label, /^\$\(star-full\) w\.fill\(text\)$/);
  assert.equal(rows[0].description, '#1 · score -0.40 · not checked');
  assert.equal(rows[1].label, 'a ⏎   b');
  assert.equal(rows[1].description, '#2 · score -2.00 · does not parse');
  assert.equal(rows[1].detail, '5 chars, 2 lines');
  assert.deepEqual(rows.map((r) => r.index), [0, 1]);
});

test('oneLine shows whitespace, names the empty fill and cuts long text', () => {
  assert.equal(oneLine(''), '(empty: delete the selection)');
  assert.equal(oneLine('a\r\n\tb'), 'a ⏎  → b');
  const long = oneLine('x'.repeat(200), 10);
  assert.equal(long.length, 10);
  assert.ok(long.endsWith('…'));
});

test('holeAnswers reads the answer of each edit and sanitises what is missing or malformed', () => {
  const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };
  const got = holeAnswers({ edits: [
    { range, newText: 'a', score: -0.5, parses: true, lowConfidence: true,
      alternatives: [{ text: 'a', score: -0.5, parses: true }, { text: 'c', score: -1, parses: 'x' }, 7] },
    { range, newText: 'b', score: 'high' },
  ] });
  assert.deepEqual(got[0], { text: 'a', score: -0.5, parses: true, lowConfidence: true, alternatives: [
    { text: 'a', score: -0.5, parses: true }, { text: 'c', score: -1, parses: null }, { text: '', score: Number.NaN, parses: null }] });
  assert.deepEqual(rankedChoices(got[0]).map((c) => c.text), ['a', 'c', '']);
  assert.equal(got[1].text, 'b');
  assert.ok(Number.isNaN(got[1].score));
  assert.equal(got[1].lowConfidence, false);
  // A server older than issue 9 sends only newText: one unscored candidate per edit.
  const old = holeAnswers({ edits: [{ range, newText: 'a' }, { range, newText: 'b' }] });
  assert.deepEqual(old.map((h) => [h.text, h.parses, h.lowConfidence, h.alternatives.length]), [['a', null, false, 0], ['b', null, false, 0]]);
  assert.equal(scoreText(old[0].score), 'n/a');
  assert.equal(scoreText(-1.234), '-1.23');
  assert.deepEqual(holeAnswers({}), []);
});

test('lowConfidenceSummary says which fills were under the threshold', () => {
  assert.equal(lowConfidenceSummary([{ lowConfidence: false }]), '');
  assert.equal(lowConfidenceSummary([{ lowConfidence: true }]), 'low confidence');
  assert.equal(lowConfidenceSummary([{ lowConfidence: true }, { lowConfidence: false }, { lowConfidence: true }]), 'low confidence in 2 of 3 ranges');
});

test('appliedAnswers judges a picked alternative against the threshold; the choice keeps its flags', () => {
  const h = hole({ lowConfidence: false });
  assert.equal(appliedAnswers([h], ['w.fill(text)'], -1)[0], h);
  const picked = appliedAnswers([h], ['w.fill(text'], -1)[0];
  assert.deepEqual([picked.text, picked.score, picked.parses, picked.lowConfidence], ['w.fill(text', -1.2, false, true]);
  assert.equal(appliedAnswers([h], ['w.wrap(text)'], -1)[0].lowConfidence, false);
  const typed = appliedAnswers([h], ['something else'], -1)[0];
  assert.equal(typed.lowConfidence, false);
  assert.ok(Number.isNaN(typed.score));
});
