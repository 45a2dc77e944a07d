/**
 * Applies a server fill to a document: only if the document is still at the version the request
 * named, only inside the requested ranges (checked by ranges.checkEdits before this), and as one
 * undo step. VS Code itself re-checks the version when the edit reaches the editor, so a
 * keystroke racing the edit makes it fail instead of landing in the wrong place.
 */
import * as vscode from 'vscode';
import type { InfillEdit } from '../contract/protocol';

export type ApplyOutcome = 'applied' | 'stale' | 'failed';

function toRange(e: InfillEdit): vscode.Range {
  return new vscode.Range(e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character);
}

export async function applyFill(doc: vscode.TextDocument, version: number, edits: readonly InfillEdit[]): Promise<ApplyOutcome> {
  if (doc.isClosed) return 'failed';
  if (doc.version !== version) return 'stale';
  if (edits.length === 0) return 'applied';
  const editor = vscode.window.visibleTextEditors.find((e) => e.document === doc);
  if (editor) {
    // editor.edit carries the version and is refused by the editor if it moved on: one undo stop.
    const ok = await editor.edit((b) => { for (const e of edits) b.replace(toRange(e), e.newText); });
    if (ok) return 'applied';
    return doc.version !== version ? 'stale' : 'failed';
  }
  const we = new vscode.WorkspaceEdit();
  for (const e of edits) we.replace(doc.uri, toRange(e), e.newText);
  const ok = await vscode.workspace.applyEdit(we);
  return ok ? 'applied' : doc.version !== version ? 'stale' : 'failed';
}
