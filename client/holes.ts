/**
 * Placeholder holes in the editor: every marker (pgmInfill.holeMarker, `<FILL>` by default) is
 * highlighted, carries a CodeLens "Fill" that fills that one hole, and the context key
 * `pgmInfill.hasHoles` says whether the active document has any (it gates the context-menu item).
 * Decorations and lenses only; the document is touched by the fill commands alone.
 */
import * as vscode from 'vscode';
import { findHoles } from '../contract/holes';
import { Commands } from './commands';

export const HAS_HOLES_KEY = 'pgmInfill.hasHoles';
/** Documents larger than this are not scanned while typing (a fill refuses them anyway). */
const MAX_SCAN_CHARS = 1_000_000;
const RESCAN_MS = 150;

const markerStyle = vscode.window.createTextEditorDecorationType({
  backgroundColor: new vscode.ThemeColor('editor.wordHighlightStrongBackground'),
  border: '1px dashed',
  borderColor: new vscode.ThemeColor('editorInfo.foreground'),
  borderRadius: '3px',
  overviewRulerColor: new vscode.ThemeColor('editorInfo.foreground'),
  overviewRulerLane: vscode.OverviewRulerLane.Center,
});

export function holeRanges(doc: vscode.TextDocument, marker: string): vscode.Range[] {
  if (doc.getText().length > MAX_SCAN_CHARS) return [];
  return findHoles(doc.getText(), marker).map((h) => new vscode.Range(doc.positionAt(h.start), doc.positionAt(h.end)));
}

export class HoleMarkers implements vscode.Disposable, vscode.CodeLensProvider {
  private readonly subs: vscode.Disposable[] = [];
  private readonly lensChanged = new vscode.EventEmitter<void>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  readonly onDidChangeCodeLenses = this.lensChanged.event;

  constructor(private readonly marker: () => string) {
    this.subs.push(
      vscode.languages.registerCodeLensProvider([{ scheme: 'file' }, { scheme: 'untitled' }], this),
      vscode.window.onDidChangeVisibleTextEditors(() => this.refresh()),
      vscode.window.onDidChangeActiveTextEditor(() => this.refresh()),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (vscode.window.visibleTextEditors.some((ed) => ed.document === e.document)) this.schedule();
      }),
      this.lensChanged,
    );
    this.refresh();
  }

  /** Re-scans the visible editors (call when the marker setting changes). */
  refresh(): void {
    clearTimeout(this.timer);
    const marker = this.marker();
    for (const ed of vscode.window.visibleTextEditors) ed.setDecorations(markerStyle, holeRanges(ed.document, marker));
    const active = vscode.window.activeTextEditor?.document;
    void vscode.commands.executeCommand('setContext', HAS_HOLES_KEY, !!active && holeRanges(active, marker).length > 0);
    this.lensChanged.fire();
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    return holeRanges(doc, this.marker()).map((range, i, all) => new vscode.CodeLens(range, {
      title: all.length > 1 ? `$(wand) Fill hole ${i + 1}` : '$(wand) Fill',
      tooltip: 'Fill this placeholder hole with PGM Infill',
      command: Commands.fillHole,
      arguments: [doc.uri, range],
    }));
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(), RESCAN_MS);
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const ed of vscode.window.visibleTextEditors) ed.setDecorations(markerStyle, []);
    this.subs.forEach((d) => d.dispose());
  }
}

const SAMPLE = [
  '# A sample for PGM Infill: click "Fill" above a marker, or run "PGM: Infill Placeholder Holes".',
  'def mean(values: list[float]) -> float:',
  '    """Average of the values (0.0 for an empty list)."""',
  '    if not values:',
  '        return 0.0',
  '    return <FILL>',
  '',
  '',
  'def greet(name: str) -> str:',
  '    return <FILL>',
  '',
].join('\n');

/** Opens an unsaved Python file with two holes, for the walkthrough's first step. */
export async function openSample(): Promise<void> {
  const doc = await vscode.workspace.openTextDocument({ language: 'python', content: SAMPLE });
  await vscode.window.showTextDocument(doc);
}
