import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { shortcutLabel, shortcuts } from '../../client/shortcuts';

test('shortcut labels are written the way VS Code menus write them', () => {
  assert.equal(shortcutLabel('ctrl+alt+enter'), 'Ctrl+Alt+Enter');
  assert.equal(shortcutLabel('cmd+alt+shift+enter'), 'Cmd+Alt+Shift+Enter');
  assert.equal(shortcutLabel('ctrl+k ctrl+f'), 'Ctrl+K Ctrl+F');
});

test('the actions menu takes the shortcuts from package.json, per platform', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
  const linux = shortcuts(pkg.contributes.keybindings, 'linux');
  assert.equal(linux.get('pgmInfill.infillSelection'), 'Ctrl+Alt+Enter');
  assert.equal(linux.get('pgmInfill.infillHoles'), 'Ctrl+Alt+Shift+Enter');
  assert.equal(shortcuts(pkg.contributes.keybindings, 'darwin').get('pgmInfill.infillSelection'), 'Cmd+Alt+Enter');
});
