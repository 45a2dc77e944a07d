/**
 * The syntax check of candidate fills (docs/server.md#syntax-check): the tree-sitter parse errors
 * near the hole with each fill, compared with the original document.
 *
 * Each variant of the document (original selection, empty hole, each fill) is parsed as a slice
 * of SLICE_LINES lines on each side of the hole, and its ERROR / MISSING nodes are counted (a
 * stray bracket often shows up lines away from the hole). The baseline is the better of the
 * original text and the empty hole (a placeholder marker is itself a syntax error). A fill
 * `parses` when the slice has no error with it, or fewer than the baseline (it repaired code
 * being typed, e.g. `foo(|`), or as many when neither it nor the baseline has one within
 * NEAR_LINES lines of the hole (errors that were there before, elsewhere). Languages without a grammar get null (no check).
 */
import type { Node } from '@vscode/tree-sitter-wasm';
import { parserFor } from './grammars';

export const SLICE_LINES = 300;
/**
 * At most this many characters on each side of the hole, whatever the line count: a minified file
 * or a 1 MB line otherwise costs seconds and hundreds of MB of wasm heap per parse (the heap never
 * shrinks). A cut mid-token shows up as the same error in the baseline and in every fill.
 */
export const SLICE_CHARS = 20_000;
export const NEAR_LINES = 2;

export interface HoleSpan {
  start: number;
  end: number;
}

/** Counts ERROR and MISSING nodes whose rows touch [fromRow, toRow]; descends only into erroneous subtrees. */
export function errorsNear(node: Node, fromRow: number, toRow: number): number {
  if (node.endPosition.row < fromRow || node.startPosition.row > toRow) return 0;
  if (node.isError || node.isMissing) return 1;
  if (!node.hasError) return 0;
  let n = 0;
  for (const child of node.children) if (child) n += errorsNear(child, fromRow, toRow);
  return n;
}

function rowsIn(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Start offset of the line `lines` lines above offset `at` (0 if the document is shorter). */
function linesBefore(text: string, at: number, lines: number): number {
  let i = at;
  for (let k = 0; k <= lines; k++) {
    i = text.lastIndexOf('\n', i - 1);
    if (i < 0) return 0;
  }
  return i + 1;
}

/** End offset of the line `lines` lines below offset `at` (the document end if shorter). */
function linesAfter(text: string, at: number, lines: number): number {
  let i = at - 1;
  for (let k = 0; k <= lines; k++) {
    i = text.indexOf('\n', i + 1);
    if (i < 0) return text.length;
  }
  return i;
}

export interface FillCheck {
  /** Parse errors in the slice with each fill (fewer is better). */
  errors: number[];
  /** Errors in the slice with the better of the original text and no text. */
  baseline: number;
  /** Per fill: see the module comment. */
  parses: boolean[];
}

/**
 * Errors near the hole [start, end) of `text` with each fill; null when `grammar` is null.
 * Throws only if the grammar cannot load (callers fall back to the score).
 */
export async function checkFills(grammar: string | null, text: string, hole: HoleSpan, fills: string[]): Promise<FillCheck | null> {
  if (!grammar) return null;
  const parser = await parserFor(grammar);
  const from = Math.max(linesBefore(text, hole.start, SLICE_LINES), hole.start - SLICE_CHARS);
  const to = Math.min(linesAfter(text, hole.end, SLICE_LINES), hole.end + SLICE_CHARS);
  const pre = text.slice(from, hole.start);
  const post = text.slice(hole.end, to);
  const firstRow = rowsIn(pre);
  const errorsWith = (middle: string): { all: number; near: number } => {
    const tree = parser.parse(pre + middle + post);
    if (!tree) return { all: 0, near: 0 };
    try {
      const all = errorsNear(tree.rootNode, 0, Number.MAX_SAFE_INTEGER);
      const near = all === 0 ? 0 : errorsNear(tree.rootNode, firstRow - NEAR_LINES, firstRow + rowsIn(middle) + NEAR_LINES);
      return { all, near };
    } finally {
      tree.delete();
    }
  };
  const [a, b] = [errorsWith(text.slice(hole.start, hole.end)), errorsWith('')];
  const base = a.all < b.all || (a.all === b.all && a.near <= b.near) ? a : b;
  const counts = fills.map(errorsWith);
  // same count as before is fine only when neither the fill nor the baseline has one at the hole
  const farOnly = base.near === 0;
  return {
    errors: counts.map((c) => c.all), baseline: base.all,
    parses: counts.map((c) => c.all === 0 || c.all < base.all || (c.all === base.all && c.near === 0 && farOnly)),
  };
}
