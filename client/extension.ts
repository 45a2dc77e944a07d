/** Entry point: VS Code calls activate/deactivate; everything else lives in app.ts and below. */
import type * as vscode from 'vscode';
import { PgmExtension } from './app';

let extension: PgmExtension | undefined;

export function activate(context: vscode.ExtensionContext): void {
  extension = new PgmExtension(context);
  extension.activate();
}

export async function deactivate(): Promise<void> {
  // Stop the server cleanly (its model sessions are released by the server on shutdown).
  await extension?.owner.stop();
  extension = undefined;
}
