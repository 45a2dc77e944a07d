/**
 * Settings for a document, asked from the client with workspace/configuration (scoped to the
 * document, so folder settings apply) and cached until the client says they changed. Clients
 * without workspace/configuration (some editors) push them instead, in initializationOptions
 * or didChangeConfiguration; both paths end in sanitizeSettings, so handlers always see valid
 * values.
 */
import type { Connection } from 'vscode-languageserver/node';
import { SETTINGS_SECTION, sanitizeSettings, type PgmSettings } from '../../contract/settings';

export class SettingsSource {
  private readonly cache = new Map<string, Promise<PgmSettings>>();
  private pushed: unknown = undefined;

  constructor(private readonly connection: Connection, private readonly pull: boolean) {}

  /** Settings pushed by the client (initializationOptions.settings or didChangeConfiguration). */
  push(raw: unknown): void {
    const r = raw as Record<string, unknown> | undefined;
    if (r && typeof r === 'object' && SETTINGS_SECTION in r) this.pushed = r[SETTINGS_SECTION];
    else if (r && typeof r === 'object' && Object.keys(r).length > 0) this.pushed = r;
    this.cache.clear();
  }

  invalidate(): void {
    this.cache.clear();
  }

  /** Settings for a resource ('' = global). */
  get(uri = ''): Promise<PgmSettings> {
    let p = this.cache.get(uri);
    if (!p) {
      p = this.fetch(uri);
      this.cache.set(uri, p);
    }
    return p;
  }

  private async fetch(uri: string): Promise<PgmSettings> {
    if (!this.pull) return sanitizeSettings(this.pushed);
    try {
      const raw = await this.connection.workspace.getConfiguration(uri ? { scopeUri: uri, section: SETTINGS_SECTION } : { section: SETTINGS_SECTION });
      return sanitizeSettings(raw ?? this.pushed);
    } catch {
      this.cache.delete(uri);
      return sanitizeSettings(this.pushed);
    }
  }
}
