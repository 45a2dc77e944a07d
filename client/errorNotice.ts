/**
 * Shows a server error to the user once, with the action that fixes it. The same error is not
 * shown again until the server has been ready in between (no toast loops while it persists).
 */
import * as vscode from 'vscode';
import type { ServerView } from './serverState';

export const OPEN_MODEL_SETTING = 'Open Model Setting';
export const RESTART = 'Restart Server';
export const SHOW_LOG = 'Show Log';

export class ErrorNotice {
  private shown = new Set<string>();

  constructor(private readonly commands: { restart: string; showLog: string }) {}

  onState(view: ServerView): void {
    if (view.kind === 'ready') { this.shown.clear(); return; }
    if (view.kind !== 'error' || this.shown.has(view.message)) return;
    this.shown.add(view.message);
    const actions = view.fix === 'modelPath' ? [OPEN_MODEL_SETTING, SHOW_LOG]
      : view.fix === 'restart' ? [RESTART, SHOW_LOG] : [SHOW_LOG];
    void vscode.window.showErrorMessage(`PGM Infill: ${view.message}`, ...actions).then((pick) => this.act(pick));
  }

  private act(pick: string | undefined): void {
    if (pick === OPEN_MODEL_SETTING) void vscode.commands.executeCommand('workbench.action.openSettings', 'pgmInfill.modelPath');
    if (pick === RESTART) void vscode.commands.executeCommand(this.commands.restart);
    if (pick === SHOW_LOG) void vscode.commands.executeCommand(this.commands.showLog);
  }
}
