/**
 * While a fill runs, the ranges being filled are tinted in the editor and the partial fill is
 * shown after each range (first line, shortened), so the user sees it take shape without
 * opening the denoising view. Decorations only: the document is not touched until the end.
 */
import * as vscode from 'vscode';
import type { ProgressParams } from '../contract/protocol';
import { previewText } from './liveModel';

const holeStyle = vscode.window.createTextEditorDecorationType({
  backgroundColor: new vscode.ThemeColor('editor.findRangeHighlightBackground'),
  borderRadius: '2px',
});

export class LiveDecorations implements vscode.Disposable {
  constructor(private readonly editor: vscode.TextEditor, private readonly ranges: readonly vscode.Range[]) {
    this.editor.setDecorations(holeStyle, this.ranges.map((range) => ({ range })));
  }

  /** The partial fill of each range after a step (pgm/progress). */
  show(p: ProgressParams): void {
    this.annotate(this.ranges.map((_, i) => p.ranges[i]?.text ?? ''), `step ${p.step}/${p.totalSteps}`, '…');
  }

  /** Shows a candidate per range (Show Alternatives previews); undefined keeps a range plain. */
  preview(texts: readonly (string | undefined)[], note: string): void {
    this.annotate(texts, note, '(empty)');
  }

  /** Text after each range: its preview (`empty` for a blank one) and the note; undefined = none. */
  private annotate(texts: readonly (string | undefined)[], note: string, empty: string): void {
    const options = this.ranges.map((range, i) => {
      const text = texts[i];
      if (text === undefined) return { range };
      const after = { contentText: ` ⟵ ${previewText(text) || empty}  (${note})`, color: new vscode.ThemeColor('editorCodeLens.foreground'), fontStyle: 'italic' };
      return { range, renderOptions: { after } };
    });
    this.editor.setDecorations(holeStyle, options);
  }

  dispose(): void {
    this.editor.setDecorations(holeStyle, []);
  }
}
