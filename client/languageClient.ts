/**
 * Builds the LanguageClient: the server runs in its own Node process (dist/server.js over node
 * IPC), never in the extension host. Settings reach the server one way only: it pulls them
 * through workspace/configuration (scoped to a document), answered from our sanitised settings,
 * so the model path it sees is the user's, never a workspace's. When they change, the client only
 * says so: a bare didChangeConfiguration, no values (nothing in initializationOptions either).
 */
import * as vscode from 'vscode';
import {
  LanguageClient,
  RevealOutputChannelOn,
  TransportKind,
  type ErrorHandler,
  type LanguageClientOptions,
  type Middleware,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { SETTINGS_SECTION } from '../contract/settings';
import { readSettings } from './config';

export interface ClientParts {
  serverModule: string;
  log: vscode.LogOutputChannel;
  errorHandler: ErrorHandler;
  /** Our inline-completion middleware (debounce, gating, post-processing). */
  inline: Pick<Middleware, 'provideInlineCompletionItems'>;
}

function serverOptions(serverModule: string): ServerOptions {
  // onnxruntime writes a telemetry id unless this is set before it loads.
  const env = { ...process.env, ORT_DISABLE_TELEMETRY: '1' };
  return {
    run: { module: serverModule, transport: TransportKind.ipc, options: { env } },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { env, execArgv: ['--nolazy', '--inspect=6019'] } },
  };
}

/**
 * Answers the server's configuration pulls for our section with sanitised settings, and sends
 * its change notifications bare. The server registers for changes of our section, so
 * vscode-languageclient would send the section's values along; `next(undefined)` sends
 * `{settings: null}` instead: the server pulls what it needs.
 */
const configurationMiddleware: Middleware['workspace'] = {
  didChangeConfiguration: (_sections, next) => next(undefined),
  configuration: (params, token, next) => {
    const answers = params.items.map((item) =>
      item.section === SETTINGS_SECTION ? readSettings(item.scopeUri).server : undefined);
    if (answers.every((a) => a !== undefined)) return answers;
    return Promise.resolve(next(params, token)).then((fromNext) => {
      if (!Array.isArray(fromNext)) return fromNext;
      return answers.map((a, i) => a ?? fromNext[i]);
    });
  },
};

export function createLanguageClient(parts: ClientParts): LanguageClient {
  const clientOptions: LanguageClientOptions = {
    // Any text document on disk or unsaved; no virtual file systems (their content is not ours).
    documentSelector: [{ scheme: 'file' }, { scheme: 'untitled' }],
    outputChannel: parts.log,
    // The owner reports errors (status item first, a toast only once); never pop the log up.
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    errorHandler: parts.errorHandler,
    middleware: { workspace: configurationMiddleware, ...parts.inline },
  };
  return new LanguageClient('pgmInfill', 'PGM Infill', serverOptions(parts.serverModule), clientOptions);
}
