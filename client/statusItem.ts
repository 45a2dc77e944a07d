/**
 * The status bar item: renders the server view + fill facts (text from serverState.ts), and opens
 * the actions quick pick on click. It only renders; others tell it what changed.
 */
import * as vscode from 'vscode';
import { presentStatus, type LastFill, type ServerView, type StatusContext } from './serverState';

export const SHOW_ACTIONS_COMMAND = 'pgmInfill.showActions';

export class StatusItem implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private view: ServerView = { kind: 'stopped' };
  private ctx: StatusContext = { configuredSteps: 0, busy: false };

  constructor() {
    this.item = vscode.window.createStatusBarItem('pgmInfill.status', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'PGM Infill';
    this.item.command = SHOW_ACTIONS_COMMAND;
    this.render();
    this.item.show();
  }

  setView(view: ServerView): void { this.view = view; this.render(); }
  setConfiguredSteps(steps: number): void { this.ctx = { ...this.ctx, configuredSteps: steps }; this.render(); }
  setBusy(busy: boolean): void { this.ctx = { ...this.ctx, busy }; this.render(); }
  setLastFill(lastFill: LastFill): void { this.ctx = { ...this.ctx, lastFill }; this.render(); }
  setInlineOff(reason: string | undefined): void { this.ctx = { ...this.ctx, inlineOff: reason }; this.render(); }

  private render(): void {
    const p = presentStatus(this.view, this.ctx);
    this.item.text = p.text;
    this.item.tooltip = p.tooltip;
    this.item.accessibilityInformation = { label: p.ariaLabel, role: 'button' };
    this.item.backgroundColor = p.severity === 'error'
      ? new vscode.ThemeColor('statusBarItem.errorBackground')
      : p.severity === 'warning' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  }

  dispose(): void { this.item.dispose(); }
}
