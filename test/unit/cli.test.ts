import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_SETTINGS } from '../../contract/settings';
import { parseArgs } from '../../server/cli/args';
import { findHoles } from '../../contract/holes';
import { splice } from '../../server/cli/fillFile';

describe('cli arguments', () => {
  it('parses fill with options', () => {
    const a = parseArgs(['fill', 'a.py', '--steps', '4', '--order', 'random', '--top-p', '0.9', '--seed', '-1', '--marker', '??']);
    assert.equal(a.mode, 'fill');
    assert.equal(a.file, 'a.py');
    assert.equal(a.steps, 4);
    assert.equal(a.order, 'random');
    assert.equal(a.topP, 0.9);
    assert.equal(a.seed, -1);
    assert.equal(a.marker, '??');
  });

  it('defaults: the settings table (fresh seed, <FILL> marker, auto provider)', () => {
    const a = parseArgs(['--jsonl']);
    assert.equal(a.mode, 'jsonl');
    assert.equal(a.seed, -1);
    assert.equal(a.marker, DEFAULT_SETTINGS.holeMarker);
    assert.equal(a.provider, 'auto');
  });

  it('passes LSP transport flags through', () => {
    assert.deepEqual(parseArgs(['--stdio']).lspArgs, ['--stdio']);
    assert.equal(parseArgs(['--node-ipc']).mode, 'lsp');
  });

  it('refuses typos, bad values and a missing file', () => {
    assert.throws(() => parseArgs(['fill', 'a.py', '--stepz', '3']), /unknown argument "--stepz"/);
    assert.throws(() => parseArgs(['fill', 'a.py', '--steps', '0']), /--steps must be an integer in \[1, 1024\]/);
    assert.throws(() => parseArgs(['fill', 'a.py', '--order', 'sideways']), /--order must be one of/);
    assert.throws(() => parseArgs(['fill', 'a.py', '--marker', '']), /--marker must be text/);
    assert.throws(() => parseArgs(['fill', 'a.py', '--steps', '']), /--steps must be an integer/);
    assert.throws(() => parseArgs(['fill']), /fill needs a FILE/);
    assert.throws(() => parseArgs(['fill', 'a.py', '--model']), /--model needs a value/);
  });
});

describe('marker holes', () => {
  it('finds every marker and splices fills in order', () => {
    const text = 'a <FILL> b <FILL><FILL>';
    const r = findHoles(text, '<FILL>');
    assert.deepEqual(r, [{ start: 2, end: 8 }, { start: 11, end: 17 }, { start: 17, end: 23 }]);
    assert.equal(splice(text, r, ['1', '2', '3']), 'a 1 b 23');
  });
});
