import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SETTINGS } from '../../contract/settings';
import { buildSettings, inlineOffReason, trustedModelPath } from '../../client/settings';

test('the model path comes only from user/machine settings', () => {
  assert.equal(trustedModelPath({ globalValue: '/m', workspaceValue: '/evil' }).path, '/m');
  assert.equal(trustedModelPath({ workspaceValue: '/evil' }).path, '');
  assert.equal(trustedModelPath({ workspaceFolderValue: '/evil' }).ignoredWorkspaceValue, true);
  const { settings, problems } = buildSettings({ modelPath: '/evil' }, { workspaceValue: '/evil' });
  assert.equal(settings.server.modelPath, '');
  assert.deepEqual(problems, [], 'an ignored workspace model path is not an invalid value');
});

test('invalid values get their default, and a line for the user each', () => {
  const { settings: s, problems } = buildSettings({ steps: 1e9, temperature: -1, topP: Number.NaN, order: 'zigzag', seed: -1,
    inline: { enabled: 'yes', debounceMs: -5 }, holeMarker: '\n' }, undefined);
  assert.equal(s.server.steps, DEFAULT_SETTINGS.steps);
  assert.equal(s.server.temperature, DEFAULT_SETTINGS.temperature);
  assert.equal(s.server.topP, DEFAULT_SETTINGS.topP);
  assert.equal(s.server.order, DEFAULT_SETTINGS.order);
  assert.equal(s.server.seed, -1);
  assert.equal(s.server.inline.enabled, true);
  assert.equal(s.server.inline.debounceMs, DEFAULT_SETTINGS.inline.debounceMs);
  assert.equal(s.holeMarker, DEFAULT_SETTINGS.holeMarker);
  const keys = problems.map((p) => p.split(':')[0]);
  assert.deepEqual(keys, ['pgmInfill.steps', 'pgmInfill.order', 'pgmInfill.temperature', 'pgmInfill.topP', 'pgmInfill.holeMarker',
    'pgmInfill.inline.enabled', 'pgmInfill.inline.debounceMs']);
  assert.match(problems[0], /^pgmInfill\.steps: 1000000000 is not valid \(must be an integer in \[1, 1024\]\); using the default 8$/);
});

test('valid values are kept as they are', () => {
  const { settings, problems } = buildSettings({ steps: 3, seed: 7, order: 'random', inline: { maxTokens: 32 } }, undefined);
  assert.deepEqual([settings.server.steps, settings.server.seed, settings.server.order, settings.server.inline.maxTokens], [3, 7, 'random', 32]);
  assert.deepEqual(problems, []);
});

test('inline suggestions are off in untrusted workspaces', () => {
  const s = buildSettings({}, undefined).settings.server;
  assert.equal(inlineOffReason(s, true), undefined);
  assert.match(inlineOffReason(s, false) ?? '', /not trusted/);
});
