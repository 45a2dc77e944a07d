/**
 * Wires the LSP connection: capabilities, document sync, settings, the model owner and the
 * request handlers. Every handler answers errors as ResponseErrors (server/lsp/errors.ts), so a
 * bad request never takes the server down.
 */
import {
  DidChangeConfigurationNotification, TextDocuments, TextDocumentSyncKind,
  type Connection, type InitializeParams, type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { PROTOCOL_VERSION, PgmErrorCodes, PgmMethods, type InfillParams, type StatusParams } from '../../contract/protocol';
import { SETTINGS_SECTION } from '../../contract/settings';
import { SERVER_VERSION } from '../../contract/version';
import { toResponseError } from './errors';
import { handleInfill, type ServerDeps } from './infill';
import { handleInline, inlineMemo } from './inline';
import { ModelOwner } from './modelOwner';
import { Scheduler } from './scheduler';
import { SettingsSource } from './settings';

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const log = (m: string) => connection.console.log(m);
  const scheduler = new Scheduler();
  const withQueue = (s: StatusParams): StatusParams => ({ ...s, queue: { pending: scheduler.pending, maxPending: scheduler.maxPending } });
  const owner = new ModelOwner((s: StatusParams) => void connection.sendNotification(PgmMethods.status, withQueue(s)), log,
    (m: string) => connection.console.error(m));
  let deps: ServerDeps | null = null;
  let dynamicConfig = false;

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const caps = params.capabilities;
    const settings = new SettingsSource(connection, !!caps.workspace?.configuration);
    dynamicConfig = !!caps.workspace?.didChangeConfiguration?.dynamicRegistration;
    deps = { connection, documents, owner, scheduler, settings };
    const memo = inlineMemo(deps);
    documents.onDidClose((e) => memo.forget(e.document.uri));
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        inlineCompletionProvider: true,
        experimental: { pgmInfill: { protocolVersion: PROTOCOL_VERSION, methods: Object.values(PgmMethods) } },
      },
      serverInfo: { name: 'pgm-infill', version: SERVER_VERSION },
    };
  });

  /** Model settings are applied as an explicit job so a reload never pulls a model from under a fill. */
  const applyModelSettings = async (force = false) => {
    if (!deps) return;
    const s = await deps.settings.get();
    const run = async () => {
      if (force) await owner.release();
      await owner.apply(s);
    };
    await scheduler.submit({ kind: 'explicit', run }).catch((e) => log(`model settings: ${String(e)}`));
  };

  connection.onInitialized(() => {
    // "Tell me when pgmInfill.* changes"; the notification's payload is never read (settings.ts).
    if (dynamicConfig) void connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION });
    void applyModelSettings();
  });

  // Settings changed: pull them again (the payload, if any, is ignored: pulling is the only path).
  connection.onDidChangeConfiguration(() => {
    deps?.settings.changed();
    void applyModelSettings();
  });

  /** A fill that failed inside the model is reported once (log + status), not only to the caller. */
  const answerError = (e: unknown): never => {
    const err = toResponseError(e);
    if (err.code === PgmErrorCodes.InferenceFailed) owner.recordFailure(err.message);
    throw err;
  };

  connection.onRequest(PgmMethods.infill, (params: InfillParams, token) =>
    handleInfill(need(deps), params, token).catch(answerError));

  connection.onRequest(PgmMethods.reload, async () => {
    deps?.settings.changed();
    await applyModelSettings(true);
    return withQueue(owner.status());
  });

  connection.languages.inlineCompletion.on((params, token) =>
    handleInline(need(deps), params, token).catch(answerError));

  connection.onShutdown(async () => {
    scheduler.cancelAll();
    await owner.release();
  });

  documents.listen(connection);
  connection.listen();
}

function need(deps: ServerDeps | null): ServerDeps {
  if (!deps) throw new Error('server not initialized');
  return deps;
}
