/**
 * Shows a server error to the user once per episode (until the server has been ready again),
 * with the action that fixes it as a link in the message. Linked rather than buttoned on
 * purpose: VS Code keeps an error toast with buttons on screen until it is dismissed (there is
 * no API to close it when the server recovers); without buttons it hides itself after a few
 * seconds, while the status item keeps the error and its fix. Showing the same text again
 * replaces the toast (VS Code de-duplicates equal notifications), so a failure never shows twice.
 */
import * as vscode from 'vscode';
import type { ServerView } from './serverState';

/** Opens the model-path setting where it lives: Remote settings in a remote window, else User. */
export function openModelSetting(): Thenable<unknown> {
  const where = vscode.env.remoteName ? 'workbench.action.openRemoteSettings' : 'workbench.action.openGlobalSettings';
  return vscode.commands.executeCommand(where, { query: 'pgmInfill.modelPath' });
}

export interface NoticeCommands { restart: string; showLog: string; openModelSetting: string }

export class ErrorNotice {
  private shown = new Set<string>();

  constructor(private readonly commands: NoticeCommands) {}

  onState(view: ServerView): void {
    if (view.kind === 'ready') { this.shown.clear(); return; }
    if (view.kind !== 'error' || this.shown.has(view.message)) return;
    this.shown.add(view.message);
    this.show(view);
  }

  /** A command ran into the current error: show it again (the same toast, never a second one). */
  remind(view: ServerView): void {
    if (view.kind === 'error') this.show(view);
  }

  private show(view: Extract<ServerView, { kind: 'error' }>): void {
    const link = (label: string, command: string): string => `[${label}](command:${command})`;
    const fix = view.fix === 'modelPath' ? link('Open Model Setting', this.commands.openModelSetting)
      : view.fix === 'restart' ? link('Restart Server', this.commands.restart) : undefined;
    const links = [fix, link('Show Log', this.commands.showLog)].filter(Boolean).join(' · ');
    void vscode.window.showErrorMessage(`PGM Infill: ${view.message} — ${links}`);
  }
}
