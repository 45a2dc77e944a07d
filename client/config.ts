/**
 * Reads the `pgmInfill` settings from VS Code (typed and sanitised via settings.ts) and reports
 * changes, so everything downstream reads current values and changes apply without a reload.
 */
import * as vscode from 'vscode';
import { SETTINGS } from '../contract/settings';
import { buildSettings, SECTION, type ClientSettings } from './settings';

/** The settings for a resource (a document or folder URI string; none = window level). */
export function readSettings(scopeUri?: string): ClientSettings {
  const cfg = vscode.workspace.getConfiguration(SECTION, scopeUri ? vscode.Uri.parse(scopeUri) : undefined);
  // Spread the section into a plain object; nested `inline.*` keys arrive as an object.
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(SETTINGS)) {
    raw[key] = cfg.get(key);
  }
  return buildSettings(raw, cfg.inspect<string>('modelPath'));
}

/** Whether a workspace tried to set the model path (ignored; logged once so users know why). */
export function workspaceSetsModelPath(): boolean {
  const i = vscode.workspace.getConfiguration(SECTION).inspect<string>('modelPath');
  return i?.workspaceValue !== undefined || i?.workspaceFolderValue !== undefined;
}

export function onSettingsChanged(listener: (s: ClientSettings) => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(SECTION)) listener(readSettings());
  });
}
