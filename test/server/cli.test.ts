import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_SETTINGS } from '../../contract/settings';
import { ROOT, TINY } from '../../harness/lsp';

const CLI = join(ROOT, 'dist/cli.js');
const run = (args: string[], input?: string) => spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8', timeout: 60_000 });

describe('pgm-infill CLI', () => {
  it('fills the marked holes of a file and leaves the rest intact', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgm-cli-'));
    const file = join(dir, 'a.py');
    writeFileSync(file, 'def add(a, b):\n    return [[X]]\n\nprint(add(1, [[X]]))\n');
    const r = run(['fill', file, '--marker', '[[X]]', '--model', TINY, '--steps', '2', '--capacity', '4', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.fills.length, 2);
    assert.equal(out.text, `def add(a, b):\n    return ${out.fills[0]}\n\nprint(add(1, ${out.fills[1]}))\n`);
    assert.match(r.stderr, /filled 2 hole\(s\) in [\d.]+ ms/);
  });

  it('answers JSONL requests line by line and survives bad lines', () => {
    const input = [
      JSON.stringify({ id: 'a', prefix: 'def f(x):\n    return ', suffix: '\n', capacity: 8, steps: 2 }),
      'not json',
      JSON.stringify({ prefix: 1, suffix: '' }),
      JSON.stringify({ id: 'b', prefix: 'x = ', suffix: '', order: 'sideways' }),
      JSON.stringify({ id: 'c', prefix: 'x = ', suffix: '\n', capacity: 4, seed: 5, temperature: 0, top_p: 0.9, order: 'random' }),
    ].join('\n') + '\n';
    const r = run(['--jsonl', '--model', TINY], input);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, 5);
    assert.equal(lines[0].id, 'a');
    assert.equal(typeof lines[0].fill, 'string');
    assert.equal(lines[0].capacity, 8);
    // the prefix's last token is healed into the hole, so the fill has at least that one token
    assert.ok(lines[0].tokens >= 1 && lines[0].tokens <= 8 + 2, `${lines[0].tokens} tokens for capacity 8 (+2 healed edges)`);
    assert.ok(lines[0].ms > 0);
    assert.match(lines[1].error, /not JSON/);
    assert.match(lines[2].error, /prefix and suffix must be strings/);
    assert.equal(lines[3].id, 'b');
    assert.match(lines[3].error, /order must be one of/);
    assert.equal(lines[4].seed, 5);
  });

  it('JSONL "mode": "inline" applies the inline settings (capacity, single line)', () => {
    const line = (o: object) => JSON.stringify({ prefix: 'def f(x):\n    return ', suffix: '\n\nprint(f(1))\n', seed: 3, ...o });
    const r = run(['--jsonl', '--model', TINY, '--capacity', '200'], [line({ mode: 'inline' }), line({ mode: 'inline', capacity: 2 }), line({ mode: 'typing' })].join('\n') + '\n');
    assert.equal(r.status, 0, r.stderr);
    const [inline, capped, bad] = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    // healing may move the tokens at each edge into the hole (capacity + 2 at most)
    assert.ok(inline.tokens <= DEFAULT_SETTINGS.inline.maxTokens + 2, `${inline.tokens} tokens`);
    assert.ok(!inline.fill.includes('\n'), JSON.stringify(inline.fill));
    assert.ok(capped.tokens <= 4);
    assert.match(bad.error, /mode must be "inline" or "fill"/);
  });

  it('rejects unknown flags and explains usage', () => {
    const r = run(['fill', 'x.py', '--stepz', '3']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown argument "--stepz"/);
    assert.match(run(['--help']).stdout, /pgm-infill fill FILE/);
  });
});
