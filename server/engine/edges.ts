/**
 * Clean edges of a fill against the document around its hole (pure; docs/server.md#clean-edges).
 * Applied to every candidate of explicit and inline fills, before the syntax check:
 * 1. Indentation: a hole that starts after indentation gets no added indentation (leading
 *    spaces/tabs of the fill are dropped).
 * 2. Trailing blank lines: line breaks in the fill's trailing whitespace are cut to as many as
 *    the selection's trailing whitespace had (plus one for an insertion at the start of a line
 *    that has text after the hole, so the fill does not join that text).
 * 3. Brackets and quotes against the suffix: closing brackets at the end of the fill that the
 *    fill did not open and that the text after the hole starts with are dropped (they would be
 *    doubled); a one-line fill that leaves brackets or a quote open that its selection did not is
 *    closed, except for closers the text after the hole already starts with.
 * 4. Lines: a selection inside one line gets a one-line fill (cut at its first line break), so
 *    replacing `w.fill(text)` never pushes the code below it down. Insertions may span lines.
 */

export interface HoleContext {
  /** Text of the hole's line before the hole. */
  linePrefix: string;
  /** The selected text the fill replaces ('' for an insertion). */
  selection: string;
  /** Text after the hole (the rest of the document or a long enough slice of it). */
  suffix: string;
}

export function holeContext(text: string, start: number, end: number): HoleContext {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  return { linePrefix: text.slice(lineStart, start), selection: text.slice(start, end), suffix: text.slice(end, end + 400) };
}

export function cleanFill(fill: string, ctx: HoleContext): string {
  return balanceAgainstSuffix(trimTrailingBreaks(keepOneLine(stripAddedIndent(fill, ctx), ctx), ctx), ctx);
}

/** Rule 4. */
export function keepOneLine(fill: string, ctx: HoleContext): string {
  if (ctx.selection === '' || ctx.selection.includes('\n')) return fill;
  const nl = fill.indexOf('\n');
  return nl < 0 ? fill : fill.slice(0, nl).replace(/[ \t\r]+$/, '');
}

/** Rule 1. */
export function stripAddedIndent(fill: string, ctx: HoleContext): string {
  if (ctx.linePrefix.length === 0 || /[^ \t]/.test(ctx.linePrefix)) return fill;
  return fill.replace(/^[ \t]+/, '');
}

function breaksIn(ws: string): number {
  return ws.split('\n').length - 1;
}

/** Rule 2. */
export function trimTrailingBreaks(fill: string, ctx: HoleContext): string {
  const body = fill.replace(/\s+$/, '');
  const tail = fill.slice(body.length);
  const selTail = ctx.selection.slice(ctx.selection.replace(/\s+$/, '').length);
  const restOfLine = ctx.suffix.split('\n', 1)[0];
  const joinsText = ctx.selection === '' && ctx.linePrefix.trim() === '' && restOfLine.trim() !== '' && body !== '';
  const allowed = breaksIn(selTail) + (joinsText ? 1 : 0);
  if (breaksIn(tail) <= allowed) return fill;
  // keep the tail's spaces before its first line break (allowed 0), or through its `allowed`-th break
  let nth = tail.indexOf('\n');
  if (allowed === 0) return body + tail.slice(0, nth).replace(/\r$/, '');
  for (let k = 1; k < allowed; k++) nth = tail.indexOf('\n', nth + 1);
  return body + tail.slice(0, nth + 1);
}

const CLOSER: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}' };
const OPENER: Readonly<Record<string, string>> = { ')': '(', ']': '[', '}': '{' };

export interface BracketState {
  /** Openers left unclosed, outermost first. */
  open: string[];
  /** Closers with no opener in the text, in order. */
  unmatched: string[];
  /** The quote of a string still open at the end, or null. */
  inString: string | null;
}

/** Brackets and quotes of a piece of code; skips strings and line comments (`#`, `//`). */
export function bracketState(s: string): BracketState {
  const open: string[] = [];
  const unmatched: string[] = [];
  let quote: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      else if (c === '\n' && quote !== '`') quote = null;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if ((c === '#' && (s[i + 1] === ' ' || i + 1 === s.length)) || (c === '/' && s[i + 1] === '/')) {
      const nl = s.indexOf('\n', i);
      if (nl < 0) break;
      i = nl;
    } else if (c in CLOSER) open.push(c);
    else if (c in OPENER) {
      if (open.length > 0 && open[open.length - 1] === OPENER[c]) open.pop();
      else unmatched.push(c);
    }
  }
  return { open, unmatched, inString: quote };
}

/** Rule 3. */
export function balanceAgainstSuffix(fill: string, ctx: HoleContext): string {
  const sel = bracketState(ctx.selection);
  const st = bracketState(fill);
  let out = fill;
  const lead = ctx.suffix.replace(/^[ \t]+/, '');
  // closers the fill did not open, at its very end, that the suffix starts with (they would double)
  const extra = st.unmatched.length - sel.unmatched.length;
  for (let k = Math.min(extra, lead.length); k > 0; k--) {
    const head = lead.slice(0, k);
    if ([...head].every((c) => c in OPENER) && out.trimEnd().endsWith(head)) {
      out = out.trimEnd().slice(0, -k);
      break;
    }
  }
  if (out.includes('\n')) return out;
  if (st.inString && !sel.inString && !lead.startsWith(st.inString)) out += st.inString;
  const missing = st.open.slice(sel.open.length).reverse().map((o) => CLOSER[o]).join('');
  if (missing && sel.open.every((o, i) => st.open[i] === o)) {
    const have = lead.startsWith(missing) ? missing.length : commonPrefix(missing, lead);
    out += missing.slice(have);
  }
  return out;
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/**
 * Inline suggestions are one line, unless the cursor's line is empty (blank) or the text before
 * the cursor opens a block (ends with `{`, `:` or `=>`): then the suggestion may span lines.
 */
export function inlineSingleLine(linePrefix: string, restOfLine: string): boolean {
  if ((linePrefix + restOfLine).trim() === '') return false;
  return !/([{:]|=>)\s*$/.test(linePrefix);
}
