/** Command ids (declared in package.json `contributes.commands`) and the status item's quick pick. */
import * as vscode from 'vscode';

export const Commands = {
  infillSelection: 'pgmInfill.infillSelection',
  infillHoles: 'pgmInfill.infillHoles',
  showAlternatives: 'pgmInfill.showAlternatives',
  fillHole: 'pgmInfill.fillHole',
  showLiveView: 'pgmInfill.showLiveView',
  restartServer: 'pgmInfill.restartServer',
  showLog: 'pgmInfill.showLog',
  showActions: 'pgmInfill.showActions',
  toggleInline: 'pgmInfill.toggleInline',
  openModelSetting: 'pgmInfill.openModelSetting',
  openWalkthrough: 'pgmInfill.openWalkthrough',
  openSample: 'pgmInfill.openSample',
} as const;

interface ActionItem extends vscode.QuickPickItem { command?: string; args?: unknown[] }

export async function showActions(inlineEnabled: boolean, keys: Map<string, string>): Promise<void> {
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
    { label: '$(file-directory) Model Folder Setting', command: Commands.openModelSetting },
    { label: '$(book) Get Started', command: Commands.openWalkthrough },
  ];
  for (const item of items) {
    const key = item.command ? keys.get(item.command) : undefined;
    if (key) item.description = key;
  }
  const pick = await vscode.window.showQuickPick(items, { placeHolder: 'PGM Infill' });
  if (pick?.command) await vscode.commands.executeCommand(pick.command, ...(pick.args ?? []));
}
