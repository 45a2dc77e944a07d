/** Command ids (declared in package.json `contributes.commands`) and the status item's quick pick. */
import * as vscode from 'vscode';

export const Commands = {
  infillSelection: 'pgmInfill.infillSelection',
  infillHoles: 'pgmInfill.infillHoles',
  showAlternatives: 'pgmInfill.showAlternatives',
  showLiveView: 'pgmInfill.showLiveView',
  restartServer: 'pgmInfill.restartServer',
  showLog: 'pgmInfill.showLog',
  showActions: 'pgmInfill.showActions',
  toggleInline: 'pgmInfill.toggleInline',
} as const;

interface ActionItem extends vscode.QuickPickItem { command?: string; args?: unknown[] }

export async function showActions(inlineEnabled: boolean): Promise<void> {
  const items: ActionItem[] = [
    { label: '$(wand) Infill Selection', command: Commands.infillSelection },
    { label: '$(symbol-snippet) Infill Placeholder Holes', command: Commands.infillHoles },
    { label: '$(list-ordered) Show Alternatives', command: Commands.showAlternatives },
    { label: '$(eye) Show Denoising View', command: Commands.showLiveView },
    { label: inlineEnabled ? '$(circle-slash) Disable Inline Suggestions' : '$(lightbulb) Enable Inline Suggestions', command: Commands.toggleInline },
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    { label: '$(debug-restart) Restart Server', command: Commands.restartServer },
    { label: '$(output) Show Log', command: Commands.showLog },
    { label: '$(gear) Settings', command: 'workbench.action.openSettings', args: ['@ext:pgm-infill.pgm-infill'] },
  ];
  const pick = await vscode.window.showQuickPick(items, { placeHolder: 'PGM Infill' });
  if (pick?.command) await vscode.commands.executeCommand(pick.command, ...(pick.args ?? []));
}
