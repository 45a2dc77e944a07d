import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  balanceAgainstSuffix, bracketState, cleanFill, holeContext, inlineSingleLine, keepOneLine, stripAddedIndent, trimTrailingBreaks,
} from '../../server/engine/edges';

const ctx = (linePrefix: string, selection: string, suffix: string) => ({ linePrefix, selection, suffix });

describe('clean edges', () => {
  it('adds no indentation after indentation', () => {
    assert.equal(stripAddedIndent('    w.fill(text)', ctx('    ', 'x', '\n')), 'w.fill(text)');
    assert.equal(stripAddedIndent('\tx = 1', ctx('\t', '', '')), 'x = 1');
    // at column 0 (whole lines selected) the fill's own indentation is its structure
    assert.equal(stripAddedIndent('    x = 1', ctx('', '    y = 2', '')), '    x = 1');
    // after code, a leading space is part of the fill
    assert.equal(stripAddedIndent(' + 1', ctx('x', '', '')), ' + 1');
  });

  it('keeps a fill for a selection inside one line on one line; insertions and multi-line selections may span lines', () => {
    assert.equal(keepOneLine('w.format(x)\n\n@files\ndef g():', ctx('    return ', 'w.fill(text)', '\n\ndef shorten(')), 'w.format(x)');
    assert.equal(keepOneLine('a, b  \r\nc', ctx('x = f(', 'y', ')')), 'a, b');
    assert.equal(keepOneLine('if x:\n    y()', ctx('', '', 'z\n')), 'if x:\n    y()');
    assert.equal(keepOneLine('a = 1\nb = 2', ctx('', 'a = 0\nb = 0', '\n')), 'a = 1\nb = 2');
    // through cleanFill: cut first, then the one-line fill's brackets are balanced
    assert.equal(cleanFill('w.format(x,\n  y)', ctx('    return ', 'w.fill(text)', '\n')), 'w.format(x,)');
  });

  it('trims trailing blank lines unless the selection had them', () => {
    assert.equal(trimTrailingBreaks('w.fill(text)\n\n\n\n', ctx('    ', 'w.fill(text)', '\n    return')), 'w.fill(text)');
    assert.equal(trimTrailingBreaks('a = 1\nb = 2\n\n\n', ctx('', 'a = 0\nb = 0\n', 'c = 3')), 'a = 1\nb = 2\n');
    assert.equal(trimTrailingBreaks('a = 1\n\n\n', ctx('', 'a = 0\n\n\n', 'c')), 'a = 1\n\n\n');
    // an insertion at the start of a line with text after it keeps one break (no joined lines)
    assert.equal(trimTrailingBreaks('x = 1\n\n', ctx('', '', 'def f():')), 'x = 1\n');
    assert.equal(trimTrailingBreaks('x = 1  ', ctx('', '', '')), 'x = 1  ');
  });

  it('tracks brackets and quotes, skipping strings and comments', () => {
    assert.deepEqual(bracketState('f(a[1], "(")'), { open: [], unmatched: [], inString: null });
    assert.deepEqual(bracketState('f((w=1, k'), { open: ['(', '('], unmatched: [], inString: null });
    assert.deepEqual(bracketState("x)] # don't ("), { open: [], unmatched: [')', ']'], inString: null });
    assert.equal(bracketState("print('hi").inString, "'");
  });

  it('balances brackets and quotes against the suffix', () => {
    // closers the suffix already has are not doubled
    assert.equal(balanceAgainstSuffix('a, b)', ctx('foo(', '', ')')), 'a, b');
    assert.equal(balanceAgainstSuffix('x))', ctx('f(g(', '', '))\n')), 'x');
    // a one-line fill closes what it opened, except what the suffix closes
    assert.equal(balanceAgainstSuffix('w.format((w=width, **kwargs', ctx('    ', 'w.fill(text)', '\n')), 'w.format((w=width, **kwargs))');
    assert.equal(balanceAgainstSuffix('g(x', ctx('y = ', '', ')\n')), 'g(x');
    assert.equal(balanceAgainstSuffix("print('hi", ctx('', '', '\n')), "print('hi')");
    // the selection's own imbalance is the target: a fill that opens what it opened is fine
    assert.equal(balanceAgainstSuffix('if (ok) {', ctx('', 'if (x) {', '\n  y();\n}')), 'if (ok) {');
    // balanced fills are untouched
    assert.equal(balanceAgainstSuffix('f(x)', ctx('', '', ')')), 'f(x)');
  });

  it('cleanFill applies every rule, from the document around the hole', () => {
    const text = 'def f():\n    text = text.expandtabs(self.tabsize)\n    return text\n';
    const start = text.indexOf('text =');
    const end = text.indexOf('\n', start);
    assert.equal(cleanFill('    w.format((w=width\n\n\n', holeContext(text, start, end)), 'w.format((w=width))');
  });

  it('inline is one line unless the line is empty or opens a block', () => {
    assert.equal(inlineSingleLine('    x = ', ''), true);
    assert.equal(inlineSingleLine('    ', ''), false);
    assert.equal(inlineSingleLine('', ''), false);
    assert.equal(inlineSingleLine('def f(x):', ''), false);
    assert.equal(inlineSingleLine('if (a) {', ''), false);
    assert.equal(inlineSingleLine('const f = () =>', ''), false);
    assert.equal(inlineSingleLine('return x + ', " 'd';"), true);
  });
});
