/** The syntax check on the real tree-sitter grammars (the wasm files the VSIX ships), no mocks. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkFills } from '../../server/syntax/check';
import { GRAMMAR_FILES, WASM_FILES, grammarForLanguageId, grammarForPath, parserFor, wasmDir } from '../../server/syntax/grammars';

function hole(text: string, marker = '<FILL>') {
  const start = text.indexOf(marker);
  return { start, end: start + marker.length };
}

describe('syntax check (tree-sitter, real grammars)', () => {
  it('finds every wasm file and maps languages and extensions', () => {
    for (const f of WASM_FILES) assert.ok(existsSync(join(wasmDir(), f)), f);
    assert.equal(grammarForLanguageId('python'), 'python');
    assert.equal(grammarForLanguageId('typescriptreact'), 'tsx');
    assert.equal(grammarForLanguageId('javascriptreact'), 'javascript');
    assert.equal(grammarForLanguageId('rust'), null);
    assert.equal(grammarForPath('file:///a/b.mjs'), 'javascript');
    assert.equal(grammarForPath('x.PY'), 'python');
    assert.equal(grammarForPath('notes.md'), null);
  });

  it('loads every grammar and parses valid code without errors', async () => {
    const valid: Record<string, string> = {
      python: 'def f(x):\n    return x + 1\n',
      javascript: 'function f(x) { return <b>{x}</b>; }\n',
      typescript: 'function f(x: number): number { return x + 1; }\n',
      tsx: 'const A = (p: { n: number }) => <div>{p.n}</div>;\n',
    };
    for (const g of Object.keys(GRAMMAR_FILES)) {
      const tree = (await parserFor(g)).parse(valid[g]);
      assert.equal(tree?.rootNode.hasError, false, g);
      tree?.delete();
    }
  });

  it('python: counts the errors a fill adds near the hole', async () => {
    const text = 'def f(x):\n    y = <FILL>\n    return y\n';
    const r = await checkFills('python', text, hole(text), ['x + 1', 'x = = 1', 'foo(x', 'else:::']);
    assert.ok(r);
    assert.deepEqual(r.parses, [true, false, false, false]);
    assert.equal(r.errors[0], 0);
    for (const e of r.errors.slice(1)) assert.ok(e > 0);
  });

  it('typescript and javascript: unbalanced fills add errors, good ones none', async () => {
    const ts = 'function g(a: number): number {\n  const b = <FILL>;\n  return b;\n}\n';
    const t = await checkFills('typescript', ts, hole(ts), ['a * 2', 'a * (2', 'Math.round(a / 2)']);
    assert.deepEqual(t?.parses, [true, false, true]);
    const js = "const d = (ms) => {\n  return <FILL>;\n};\n";
    const j = await checkFills('javascript', js, hole(js), ["Math.round(ms / 1000) + 's'", "Math.round(ms / 1000) + 's'))"]);
    assert.deepEqual(j?.parses, [true, false]);
  });

  it('a fill that repairs code being typed parses; one that leaves it broken does not', async () => {
    const text = 'total = compute(<FILL>\nprint(total)\n';
    const r = await checkFills('python', text, hole(text), ['a, b)', 'a, b']);
    assert.ok(r);
    assert.ok(r.baseline > 0, 'the unclosed call is an error with the marker and with nothing');
    assert.deepEqual(r.parses, [true, false]);
  });

  it('no grammar: null (callers rank by score alone)', async () => {
    assert.equal(await checkFills(null, 'a <FILL> b', hole('a <FILL> b'), ['x']), null);
  });

  it('errors that were there before, far from the hole, do not fail a fill; a stray bracket far away does', async () => {
    const far = 'def broken(:\n' + 'pass\n'.repeat(20) + 'z = <FILL>\n';
    const r = await checkFills('python', far, hole(far), ['1', '1)']);
    assert.ok(r);
    assert.equal(r.parses[0], true);
    assert.equal(r.parses[1], false);
    // a fill that closes a bracket the file needs later breaks code lines below the hole
    const js = 'function f(a) {\n  const x = <FILL>;\n  if (a) {\n    return x;\n  }\n  return 0;\n}\n';
    const j = await checkFills('javascript', js, hole(js), ['a + 1', 'a + 1 }']);
    assert.deepEqual(j?.parses, [true, false]);
  });
  it('a hole in a 1 MB line is judged on a bounded slice: a stray bracket still adds an error', async () => {
    const items = '1, '.repeat(175_000);
    const text = `import os\nx = [${items}<FILL>${items}]\nprint(x)\n`;
    const check = await checkFills('python', text, hole(text), ['2, ', '2), ']);
    // the slice is cut inside this very line, so its cut is an error on the hole's row in every
    // variant: neither fill can be called `parses` (conservative), but the counts still separate them
    assert.ok(check);
    assert.equal(check.errors[0], check.baseline);
    assert.ok(check.errors[1] > check.errors[0]);
  });
});
