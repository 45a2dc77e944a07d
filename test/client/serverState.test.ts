import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixForMessage, presentStatus } from '../../client/serverState';

test('ready state shows latency, model, device and steps', () => {
  const p = presentStatus({ kind: 'ready', model: 'tiny', device: 'cpu' },
    { configuredSteps: 8, busy: false, lastFill: { ms: 42.4, steps: 7, scheduled: 8, ranges: 2 } });
  assert.match(p.text, /PGM 42 ms/);
  assert.match(p.ariaLabel, /model tiny on cpu/);
  assert.match(p.ariaLabel, /8 steps configured/);
  assert.match(p.ariaLabel, /last fill 42 ms, 7 steps \(8 scheduled\), 2 ranges/);
  assert.equal(p.severity, 'normal');
});

test('error and stopped states are marked', () => {
  const e = presentStatus({ kind: 'error', message: 'model missing', fix: 'modelPath' }, { configuredSteps: 8, busy: false });
  assert.equal(e.severity, 'error');
  assert.match(e.ariaLabel, /error: model missing/);
  assert.equal(presentStatus({ kind: 'stopped' }, { configuredSteps: 1, busy: false }).severity, 'warning');
});

test('busy shows a spinner; inline-off reason is reported', () => {
  const p = presentStatus({ kind: 'loading' }, { configuredSteps: 4, busy: true, inlineOff: 'workspace not trusted' });
  assert.match(p.text, /loading~spin/);
  assert.match(p.tooltip, /inline suggestions off: workspace not trusted/);
});

test('fixForMessage points model problems at the model setting', () => {
  assert.equal(fixForMessage('cannot read manifest.json'), 'modelPath');
  assert.equal(fixForMessage('socket closed'), 'restart');
});

test('a low-confidence fill says so in the status text and label', () => {
  const p = presentStatus({ kind: 'ready', model: 'm', device: 'cpu' },
    { configuredSteps: 8, busy: false, lastFill: { ms: 90, steps: 8, ranges: 1, lowConfidence: 'low confidence' } });
  assert.match(p.text, /PGM 90 ms · low confidence/);
  assert.match(p.ariaLabel, /last fill 90 ms, 8 steps, 1 range, low confidence/);
  const ok = presentStatus({ kind: 'ready', model: 'm', device: 'cpu' }, { configuredSteps: 8, busy: false, lastFill: { ms: 90, steps: 8, ranges: 1 } });
  assert.doesNotMatch(ok.ariaLabel, /low confidence/);
});
