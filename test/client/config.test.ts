import './fakeVscode';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configuration } from './fakeVscode';
import { DEFAULT_SETTINGS, SETTINGS_SECTION } from '../../contract/settings';
import { onSettingProblems, readSettings } from '../../client/config';

test('readSettings: an invalid value is used as its default and reported once, however often it is read', () => {
  const told: string[][] = [];
  onSettingProblems((p) => told.push(p));
  configuration[SETTINGS_SECTION] = { globalValue: { steps: 3 }, workspaceFolderValue: { order: 'zigzag', inline: { debounceMs: -5 } } };
  const s = readSettings('file:///ws/a.py');
  assert.deepEqual([s.server.steps, s.server.order, s.server.inline.debounceMs], [3, DEFAULT_SETTINGS.order, DEFAULT_SETTINGS.inline.debounceMs]);
  readSettings('file:///ws/a.py');
  readSettings('file:///ws/b.py');
  assert.deepEqual(told, [[
    'pgmInfill.order: "zigzag" is not valid (must be one of random, confidence, left-to-right); using the default "confidence"',
    'pgmInfill.inline.debounceMs: -5 is not valid (must be an integer in [0, 10000]); using the default 250',
  ]]);
  configuration[SETTINGS_SECTION] = { globalValue: { steps: 0 } };
  assert.equal(readSettings().server.steps, DEFAULT_SETTINGS.steps);
  assert.equal(told.length, 2, 'a new invalid value is told');
  assert.match(told[1][0], /^pgmInfill\.steps: 0 is not valid/);
});
