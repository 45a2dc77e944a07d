import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SETTINGS } from '../../contract/settings';
import { buildSettings, inlineOffReason, samplingOptions, trustedModelPath } from '../../client/settings';

test('the model path comes only from user/machine settings', () => {
  assert.equal(trustedModelPath({ globalValue: '/m', workspaceValue: '/evil' }).path, '/m');
  assert.equal(trustedModelPath({ workspaceValue: '/evil' }).path, '');
  assert.equal(trustedModelPath({ workspaceFolderValue: '/evil' }).ignoredWorkspaceValue, true);
  const s = buildSettings({ modelPath: '/evil' }, { workspaceValue: '/evil' });
  assert.equal(s.server.modelPath, '');
});

test('values are sanitised', () => {
  const s = buildSettings({ steps: 1e9, temperature: -1, topP: Number.NaN, order: 'zigzag', seed: -1,
    inline: { enabled: 'yes', debounceMs: -5 }, holeMarker: '\n' }, undefined);
  assert.equal(s.server.steps, 1024);
  assert.equal(s.server.temperature, 0);
  assert.equal(s.server.topP, DEFAULT_SETTINGS.topP);
  assert.equal(s.server.order, DEFAULT_SETTINGS.order);
  assert.equal(s.server.seed, -1);
  assert.equal(s.server.inline.enabled, true);
  assert.equal(s.server.inline.debounceMs, 0);
  assert.equal(s.holeMarker, DEFAULT_SETTINGS.holeMarker);
});

test('sampling options carry the current settings', () => {
  const s = buildSettings({ steps: 3, seed: 7 }, undefined);
  assert.deepEqual(samplingOptions(s.server), { steps: 3, order: 'confidence', temperature: 0.5, topP: 0.95, seed: 7, capacity: 64, candidates: 4 });
});

test('inline suggestions are off in untrusted workspaces', () => {
  const s = buildSettings({}, undefined).server;
  assert.equal(inlineOffReason(s, true), undefined);
  assert.match(inlineOffReason(s, false) ?? '', /not trusted/);
});
