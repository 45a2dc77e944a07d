import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixForKind, presentStatus } from '../../client/serverState';

const fill = { ms: 42.4, stepsRan: 7, stepsScheduled: 8, networkCalls: 9, ranges: 2 };

test('ready state shows latency, model, device and the steps that ran', () => {
  const p = presentStatus({ kind: 'ready', model: 'tiny', device: 'cpu' }, { configuredSteps: 8, busy: false, lastFill: fill });
  assert.match(p.text, /PGM 42 ms/);
  assert.match(p.ariaLabel, /model tiny on cpu/);
  assert.match(p.ariaLabel, /8 steps configured/);
  assert.match(p.ariaLabel, /last fill 42 ms, 7 of 8 steps, 2 ranges \(9 network calls\)/);
  assert.equal(p.severity, 'normal');
  assert.equal(p.click, 'actions');
});

test('the newer of fill and inline latency is the one in the status text; both are in the tooltip', () => {
  const ctx = { configuredSteps: 8, busy: false, lastFill: fill, lastInlineMs: 17.2 };
  const ready = { kind: 'ready', model: 'tiny', device: 'cpu' } as const;
  assert.match(presentStatus(ready, { ...ctx, latest: 'inline' }).text, /PGM 17 ms/);
  const p = presentStatus(ready, { ...ctx, latest: 'fill' });
  assert.match(p.text, /PGM 42 ms/);
  assert.match(p.ariaLabel, /last inline suggestion 17 ms/);
});

test('error and stopped states are marked', () => {
  const e = presentStatus({ kind: 'error', message: 'model missing', fix: 'modelPath' }, { configuredSteps: 8, busy: false });
  assert.equal(e.severity, 'error');
  assert.match(e.ariaLabel, /error: model missing/);
  assert.equal(presentStatus({ kind: 'stopped' }, { configuredSteps: 1, busy: false }).severity, 'warning');
});

test('busy shows a spinner; inline off shows in the text and the reason in the tooltip', () => {
  const p = presentStatus({ kind: 'loading' }, { configuredSteps: 4, busy: true, inlineOff: 'disabled in settings' });
  assert.match(p.text, /loading~spin/);
  assert.match(p.text, /inline off/);
  assert.match(p.tooltip, /inline suggestions off: disabled in settings/);
});

test('Restricted Mode says what to do, and a click manages workspace trust', () => {
  const p = presentStatus({ kind: 'stopped' }, { configuredSteps: 8, busy: false, restricted: true, inlineOff: 'workspace not trusted' });
  assert.match(p.text, /Restricted Mode/);
  assert.match(p.ariaLabel, /not trusted.*Manage Workspace Trust/);
  assert.match(p.tooltip, /\[Manage Workspace Trust\]\(command:workbench\.trust\.manage\)/);
  assert.equal(p.click, 'manageTrust');
  // Once a command started the server, the click opens the actions again; the hint stays in the tooltip.
  const ready = presentStatus({ kind: 'ready', model: 'm', device: 'cpu' }, { configuredSteps: 8, busy: false, restricted: true });
  assert.equal(ready.click, 'actions');
  assert.match(ready.tooltip, /Manage Workspace Trust/);
});

test('a cancelled fill says so', () => {
  const p = presentStatus({ kind: 'ready', model: 'm', device: 'cpu' }, { configuredSteps: 8, busy: false, note: 'cancelled' });
  assert.match(p.text, /PGM cancelled/);
  assert.match(p.ariaLabel, /last fill cancelled/);
});

test('fixForKind: the fix follows the kind the server reported, not its words', () => {
  assert.equal(fixForKind('modelMissing'), 'modelPath');
  assert.equal(fixForKind('modelInvalid'), 'modelPath');
  assert.equal(fixForKind('providerFailed'), 'log');
  assert.equal(fixForKind('modelNotLoaded'), 'restart');
  assert.equal(fixForKind(undefined), 'restart', 'an older server that sends no kind');
});

test('a low-confidence fill says so in the status text and label', () => {
  const p = presentStatus({ kind: 'ready', model: 'm', device: 'cpu' },
    { configuredSteps: 8, busy: false, lastFill: { ms: 90, stepsRan: 8, stepsScheduled: 8, networkCalls: 9, ranges: 1, lowConfidence: 'low confidence' } });
  assert.match(p.text, /PGM 90 ms · low confidence/);
  assert.match(p.ariaLabel, /last fill 90 ms, 8 of 8 steps, 1 range, low confidence/);
  const ok = presentStatus({ kind: 'ready', model: 'm', device: 'cpu' }, { configuredSteps: 8, busy: false, lastFill: { ms: 90, stepsRan: 8, stepsScheduled: 8, networkCalls: 9, ranges: 1 } });
  assert.doesNotMatch(ok.ariaLabel, /low confidence/);
});
