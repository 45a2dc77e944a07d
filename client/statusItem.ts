/**
 * The status bar item: renders the server view + fill facts (text from serverState.ts), and opens
 * the actions quick pick on click (or, in Restricted Mode while stopped, workspace trust). It only
 * renders; others tell it what changed.
 */
import * as vscode from 'vscode';
import {
  MANAGE_TRUST_COMMAND, presentStatus, type LastFill, type ServerView, type StatusContext,
} from './serverState';

export const SHOW_ACTIONS_COMMAND = 'pgmInfill.showActions';
/** How long a note such as "cancelled" stays in the status text. */
const NOTE_MS = 5000;

export class StatusItem implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private view: ServerView = { kind: 'stopped' };
  private ctx: StatusContext = { configuredSteps: 0, busy: false };
  private noteTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    this.item = vscode.window.createStatusBarItem('pgmInfill.status', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'PGM Infill';
    this.render();
    this.item.show();
  }

  get context(): StatusContext { return this.ctx; }

  setView(view: ServerView): void { this.view = view; this.render(); }
  setConfiguredSteps(steps: number): void { this.update({ configuredSteps: steps }); }
  setBusy(busy: boolean): void { this.update(busy ? { busy, note: undefined } : { busy }); }
  setLastFill(lastFill: LastFill): void { this.update({ lastFill, latest: 'fill', note: undefined }); }
  setInlineLatency(ms: number): void { this.update({ lastInlineMs: ms, latest: 'inline' }); }
  setInlineOff(reason: string | undefined): void { this.update({ inlineOff: reason }); }
  setRestricted(restricted: boolean): void { this.update({ restricted }); }

  /** Shows a short word (e.g. "cancelled") in the status text for a few seconds. */
  setNote(note: string): void {
    clearTimeout(this.noteTimer);
    this.update({ note });
    this.noteTimer = setTimeout(() => this.update({ note: undefined }), NOTE_MS);
  }

  private update(patch: Partial<StatusContext>): void { this.ctx = { ...this.ctx, ...patch }; this.render(); }

  private render(): void {
    const p = presentStatus(this.view, this.ctx);
    this.item.text = p.text;
    const tip = new vscode.MarkdownString(p.tooltip, true);
    tip.isTrusted = { enabledCommands: [MANAGE_TRUST_COMMAND, SHOW_ACTIONS_COMMAND] };
    this.item.tooltip = tip;
    this.item.command = p.click === 'manageTrust' ? MANAGE_TRUST_COMMAND : SHOW_ACTIONS_COMMAND;
    this.item.accessibilityInformation = { label: p.ariaLabel, role: 'button' };
    this.item.backgroundColor = p.severity === 'error'
      ? new vscode.ThemeColor('statusBarItem.errorBackground')
      : p.severity === 'warning' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  }

  dispose(): void { clearTimeout(this.noteTimer); this.item.dispose(); }
}
