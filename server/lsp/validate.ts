/**
 * Checking an infill request against the document before any work: the document is open, the
 * version is current, the ranges are inside it, ordered and disjoint, and the text is not
 * binary. Returns character offsets for the windowing.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Position, Range } from 'vscode-languageserver/node';
import { PgmErrorCodes } from '../../contract/protocol';
import { PgmError } from './errors';

export const MAX_RANGES = 64;
/**
 * Largest document (UTF-16 code units) a fill works on. The window keeps the model's work small
 * for any size; this bounds the rest (scans, slices) so one document cannot make a request
 * allocate without bound. VS Code itself does not sync files over 50 MB to extensions.
 */
export const MAX_DOCUMENT_CHARS = 16 * 1024 * 1024;

function fail(code: (typeof PgmErrorCodes)['InvalidRange' | 'BinaryContent' | 'StaleVersion' | 'InvalidParams' | 'DocumentTooLarge'], msg: string): never {
  throw new PgmError(code, msg);
}

function isPosition(p: unknown): p is Position {
  const q = p as Position;
  return !!q && Number.isInteger(q.line) && Number.isInteger(q.character);
}

/** Offset of a position, refusing positions outside the document (LSP would clamp them). */
function offsetOf(doc: TextDocument, p: Position, what: string): number {
  if (p.line < 0 || p.character < 0 || p.line >= doc.lineCount) {
    fail(PgmErrorCodes.InvalidRange, `${what} ${p.line}:${p.character} is outside the document (${doc.lineCount} lines)`);
  }
  const text = doc.getText();
  const lineStart = doc.offsetAt({ line: p.line, character: 0 });
  let lineEnd = p.line + 1 < doc.lineCount ? doc.offsetAt({ line: p.line + 1, character: 0 }) : text.length;
  // The line without its final \n or \r\n, measured without copying it (lines can be megabytes).
  if (lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === 10) {
    lineEnd--;
    if (lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
  }
  const lineLength = lineEnd - lineStart;
  if (p.character > lineLength) {
    fail(PgmErrorCodes.InvalidRange, `${what} ${p.line}:${p.character} is past the end of line ${p.line} (${lineLength} characters)`);
  }
  return lineStart + p.character;
}

export function checkVersion(doc: TextDocument, version: unknown): void {
  if (typeof version !== 'number') fail(PgmErrorCodes.InvalidParams, 'textDocument.version must be a number');
  if (doc.version !== version) {
    fail(PgmErrorCodes.StaleVersion, `document changed (request is for version ${version}, current is ${doc.version}); nothing was edited`);
  }
}

/** Character offsets [start, end) of each range, in request order. */
export function rangesToOffsets(doc: TextDocument, ranges: unknown): { start: number; end: number }[] {
  if (!Array.isArray(ranges) || ranges.length === 0) fail(PgmErrorCodes.InvalidRange, 'ranges must be a non-empty array');
  if (ranges.length > MAX_RANGES) fail(PgmErrorCodes.InvalidRange, `at most ${MAX_RANGES} ranges per request, got ${ranges.length}`);
  const out = (ranges as Range[]).map((r, i) => {
    if (!r || !isPosition(r.start) || !isPosition(r.end)) fail(PgmErrorCodes.InvalidRange, `ranges[${i}] is not a Range`);
    const start = offsetOf(doc, r.start, `ranges[${i}].start`);
    const end = offsetOf(doc, r.end, `ranges[${i}].end`);
    if (end < start) fail(PgmErrorCodes.InvalidRange, `ranges[${i}] is inverted (end before start)`);
    return { start, end };
  });
  const sorted = [...out].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].start < sorted[i - 1].end || (sorted[i].start === sorted[i - 1].start)) {
      fail(PgmErrorCodes.InvalidRange, 'ranges overlap');
    }
  }
  return out;
}

/**
 * Text that is not text: NUL characters, or many U+FFFD replacement characters (what invalid
 * UTF-8 decodes to). Such content would only give the model noise.
 */
export function checkText(text: string): void {
  if (text.length > MAX_DOCUMENT_CHARS) {
    fail(PgmErrorCodes.DocumentTooLarge, `the document has ${text.length} characters; fills work on documents up to ${MAX_DOCUMENT_CHARS} (${MAX_DOCUMENT_CHARS / 1024 / 1024} Mi)`);
  }
  if (text.includes('\u0000')) fail(PgmErrorCodes.BinaryContent, 'the document looks binary (it contains NUL characters); refusing to fill it');
  let bad = 0;
  for (let i = text.indexOf('\ufffd'); i >= 0; i = text.indexOf('\ufffd', i + 1)) bad++;
  if (bad > 16 && bad > text.length / 100) {
    fail(PgmErrorCodes.BinaryContent, `the document looks binary or is not valid UTF-8 (${bad} replacement characters); refusing to fill it`);
  }
}
