/**
 * A simulated fast typist working on one document: a mirror of the text (so edits are real
 * incremental LSP changes), keystrokes chosen by a seeded PRNG, and the bookkeeping that lets
 * the load and fuzz runs judge every answer against what the server had demonstrably seen.
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Position, Range } from 'vscode-languageserver-protocol';

const TYPED = 'abcdefghijklmnopqrstuvwxyz      ._()=:,+1230';

export class TypedDocument {
  doc: TextDocument;
  cursor: number;
  /**
   * Highest document version the server has provably processed: every answer to a request that
   * was sent after version v was written after the server read version v (one ordered stream).
   */
  serverSaw = 0;

  constructor(readonly uri: string, text: string, private readonly rand: () => number) {
    this.doc = TextDocument.create(uri, 'python', 1, text);
    this.cursor = Math.floor(text.length / 2);
  }

  get version(): number {
    return this.doc.version;
  }

  position(): Position {
    return this.doc.positionAt(this.cursor);
  }

  /** One keystroke: mostly a character at the cursor, sometimes Enter, Backspace or a jump. */
  keystroke(): { range: Range; text: string } {
    const r = this.rand();
    const len = this.doc.getText().length;
    if (r < 0.03) this.cursor = Math.floor(this.rand() * len);
    let start = this.cursor;
    let text: string;
    if (r > 0.9 && start > 0) {
      text = '';
      start -= 1;
    } else {
      text = r > 0.85 ? '\n    ' : TYPED[Math.floor(this.rand() * TYPED.length)];
    }
    const range = { start: this.doc.positionAt(start), end: this.doc.positionAt(this.cursor) };
    this.doc = TextDocument.update(this.doc, [{ range, text }], this.doc.version + 1);
    this.cursor = start + text.length;
    return { range, text };
  }

  /** A range on one line around the cursor, like a selection to fill (may be empty). */
  selection(): Range {
    const p = this.position();
    const lineLen = this.lineLength(p.line);
    const a = Math.floor(this.rand() * (lineLen + 1));
    const b = Math.floor(this.rand() * (lineLen + 1));
    return { start: { line: p.line, character: Math.min(a, b) }, end: { line: p.line, character: Math.max(a, b) } };
  }

  lineLength(line: number): number {
    const start = this.doc.offsetAt({ line, character: 0 });
    const end = line + 1 < this.doc.lineCount ? this.doc.offsetAt({ line: line + 1, character: 0 }) : this.doc.getText().length;
    return this.doc.getText().slice(start, end).replace(/\r?\n$/, '').length;
  }
}

export function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character
    && a.end.line === b.end.line && a.end.character === b.end.character;
}

/** Sample source the typists start from: a little Python module, repeated to the wanted size. */
export function sampleSource(targetChars: number, seed: number): string {
  const unit = [
    `def scale_${seed}(values, factor):`,
    '    """Multiply every value by factor."""',
    '    out = []',
    '    for v in values:',
    '        out.append(v * factor)',
    '    return out',
    '',
    `class Point${seed}:`,
    '    def __init__(self, x, y):',
    '        self.x = x',
    '        self.y = y',
    '',
    '    def norm(self):',
    '        return (self.x ** 2 + self.y ** 2) ** 0.5',
    '',
  ].join('\n');
  let s = '';
  while (s.length < targetChars) s += unit + '\n';
  return s;
}
