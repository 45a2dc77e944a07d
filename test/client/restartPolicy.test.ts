import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RestartPolicy } from '../../client/restartPolicy';

test('allows a bounded number of restarts within the window', () => {
  const p = new RestartPolicy(3, 1000);
  assert.equal(p.onCrash(0), true);
  assert.equal(p.onCrash(10), true);
  assert.equal(p.onCrash(20), true);
  assert.equal(p.onCrash(30), false);
});

test('old crashes fall out of the window; reset gives a fresh budget', () => {
  const p = new RestartPolicy(1, 1000);
  assert.equal(p.onCrash(0), true);
  assert.equal(p.onCrash(500), false);
  assert.equal(p.onCrash(2000), true);
  assert.equal(p.onCrash(2100), false);
  p.reset();
  assert.equal(p.onCrash(2200), true);
});
