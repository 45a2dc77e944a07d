/**
 * Settings for a document. Pulling is the only way they reach the server: it asks the client
 * with workspace/configuration scoped to the document (so folder settings hold) and caches the
 * answer per scope until the client says settings changed. That notification
 * (workspace/didChangeConfiguration) only means "pull again": its payload, like
 * initializationOptions, is never read. A client that cannot answer workspace/configuration gets
 * the defaults (logged once).
 *
 * The answer is sanitised here, once (contract/settings.ts sanitizeSettings): an invalid value
 * gets its default, and the user is told once which value and why (window/showMessage and the
 * log), until the settings change.
 */
import { MessageType, ShowMessageNotification, type Connection } from 'vscode-languageserver/node';
import { DEFAULT_SETTINGS, SETTINGS_SECTION, sanitizeSettings, type PgmSettings } from '../../contract/settings';

export class SettingsSource {
  private readonly cache = new Map<string, Promise<PgmSettings>>();
  /** The last settings pulled per scope: what a failed pull keeps using. */
  private readonly lastGood = new Map<string, PgmSettings>();
  /** Problems already told since the last change. */
  private readonly told = new Set<string>();

  constructor(private readonly connection: Connection, private readonly canPull: boolean) {
    if (!canPull) this.tell('this client cannot answer workspace/configuration; the server uses the default settings', MessageType.Info);
  }

  /** The client said settings changed: every scope is pulled again on its next use. */
  changed(): void {
    this.cache.clear();
    this.told.clear();
  }

  /** Settings for a resource (a document URI; '' = no resource, the window's). */
  get(uri = ''): Promise<PgmSettings> {
    let p = this.cache.get(uri);
    if (!p) {
      p = this.pull(uri);
      this.cache.set(uri, p);
    }
    return p;
  }

  private async pull(uri: string): Promise<PgmSettings> {
    if (!this.canPull) return DEFAULT_SETTINGS;
    let raw: unknown;
    try {
      raw = await this.connection.workspace.getConfiguration(uri ? { scopeUri: uri, section: SETTINGS_SECTION } : { section: SETTINGS_SECTION });
    } catch (e) {
      this.cache.delete(uri); // pulled again next time
      const kept = this.lastGood.get(uri);
      this.tell(`could not read the settings (${e instanceof Error ? e.message : String(e)}); using ${kept ? 'the last ones read' : 'the defaults'}`, MessageType.Warning);
      return kept ?? DEFAULT_SETTINGS;
    }
    const { settings, problems } = sanitizeSettings(raw);
    for (const p of problems) this.tell(p, MessageType.Warning);
    this.lastGood.set(uri, settings);
    return settings;
  }

  private tell(text: string, type: MessageType): void {
    if (this.told.has(text)) return;
    this.told.add(text);
    const message = `PGM Infill: ${text}`;
    if (type === MessageType.Warning) this.connection.console.warn(message); else this.connection.console.info(message);
    void this.connection.sendNotification(ShowMessageNotification.type, { type, message }).catch(() => undefined);
  }
}
