/**
 * Reads the `pgmInfill` settings from VS Code (typed and sanitised via settings.ts) and reports
 * changes, so everything downstream reads current values and changes apply without a reload.
 * The server is told only that they changed (a bare didChangeConfiguration, languageClient.ts)
 * and pulls them back through readSettings.
 */
import * as vscode from 'vscode';
import { SETTINGS } from '../contract/settings';
import { buildSettings, SECTION, type ClientSettings } from './settings';

/** Where invalid values are told (the extension: the log and a toast), and what was told since the last change. */
let reportProblems: (problems: string[]) => void = () => undefined;
const told = new Set<string>();

/** Each invalid value is reported once until the settings change, however often they are read. */
export function onSettingProblems(report: (problems: string[]) => void): void {
  reportProblems = report;
}

function tell(problems: string[]): void {
  const fresh = problems.filter((p) => !told.has(p));
  fresh.forEach((p) => told.add(p));
  if (fresh.length > 0) reportProblems(fresh);
}

/**
 * The settings for a resource (a document or folder URI string; none = window level), read from
 * VS Code and sanitised: the client's one entry point for settings, and what it answers the
 * server's workspace/configuration pulls with.
 */
export function readSettings(scopeUri?: string): ClientSettings {
  const cfg = vscode.workspace.getConfiguration(SECTION, scopeUri ? vscode.Uri.parse(scopeUri) : undefined);
  // Spread the section into a plain object; nested `inline.*` keys arrive as an object.
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(SETTINGS)) {
    raw[key] = cfg.get(key);
  }
  const { settings, problems } = buildSettings(raw, cfg.inspect<string>('modelPath'));
  tell(problems);
  return settings;
}

/** Whether a workspace tried to set the model path (ignored; logged once so users know why). */
export function workspaceSetsModelPath(): boolean {
  const i = vscode.workspace.getConfiguration(SECTION).inspect<string>('modelPath');
  return i?.workspaceValue !== undefined || i?.workspaceFolderValue !== undefined;
}

export function onSettingsChanged(listener: (s: ClientSettings) => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (!e.affectsConfiguration(SECTION)) return;
    told.clear();
    listener(readSettings());
  });
}
