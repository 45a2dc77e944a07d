/**
 * Typed, sanitised settings for the client, built from raw configuration values. Pure (the
 * `vscode` reads live in config.ts), so the security-relevant rules are unit-tested:
 * - the model path comes only from user/machine scope, never from a workspace or folder;
 * - every value goes through contract/settings.ts's sanitiser once, here (an invalid value gets its
 *   default and a problem line for the user).
 */
import { DEFAULT_SETTINGS, SETTINGS_SECTION, sanitizeSettings, type PgmSettings } from '../contract/settings';

export const SECTION = SETTINGS_SECTION;

/** What `WorkspaceConfiguration.inspect('modelPath')` reports, reduced to what we trust. */
export interface ModelPathInspection {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

export interface ClientSettings {
  server: PgmSettings;
  /** Text that marks a placeholder hole in a document. */
  holeMarker: string;
}

/** Only the user's (machine) value counts; a workspace value is ignored and reported. */
export function trustedModelPath(inspection: ModelPathInspection | undefined): { path: string; ignoredWorkspaceValue: boolean } {
  const v = inspection?.globalValue;
  const path = typeof v === 'string' ? v.trim() : DEFAULT_SETTINGS.modelPath;
  const ignoredWorkspaceValue = inspection?.workspaceValue !== undefined || inspection?.workspaceFolderValue !== undefined;
  return { path, ignoredWorkspaceValue };
}

/**
 * Builds the client settings from the raw `pgmInfill` section and the model path inspection: the
 * one place the client sanitises (contract/settings.ts sanitizeSettings). `problems` names each
 * invalid value and the default used instead, for the user.
 */
export function buildSettings(raw: unknown, modelPath: ModelPathInspection | undefined): { settings: ClientSettings; problems: string[] } {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const { settings: server, problems } = sanitizeSettings({ ...r, modelPath: trustedModelPath(modelPath).path });
  return { settings: { server, holeMarker: server.holeMarker }, problems };
}

/** Why inline suggestions are off, or undefined when they are on. */
export function inlineOffReason(s: PgmSettings, trusted: boolean): string | undefined {
  if (!s.inline.enabled) return 'disabled in settings';
  if (!trusted) return 'workspace not trusted';
  return undefined;
}
