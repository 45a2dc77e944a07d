/**
 * The one owner of the language server's lifecycle: the LanguageClient, its state (an explicit
 * union, see serverState.ts), bounded restarts after crashes, and server-reported errors. The log
 * channel and status item belong to the extension; this object tells them what happened.
 */
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  State,
  type CloseHandlerResult,
  type ErrorHandler,
  type ErrorHandlerResult,
  type LanguageClient,
  type Middleware,
} from 'vscode-languageclient/node';
import { PgmMethods, type ProgressParams, type StatusParams } from '../contract/protocol';
import { createLanguageClient } from './languageClient';
import { RestartPolicy } from './restartPolicy';
import { fixForKind, type ServerView } from './serverState';

export class ServerOwner implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private view: ServerView = { kind: 'stopped' };
  private readonly policy = new RestartPolicy();
  private readonly stateEmitter = new vscode.EventEmitter<ServerView>();
  private readonly progressEmitter = new vscode.EventEmitter<ProgressParams>();
  /** Client-lived disposables: notification handlers of the current LanguageClient. */
  private clientDisposables: vscode.Disposable[] = [];

  readonly onDidChangeState = this.stateEmitter.event;
  readonly onProgress = this.progressEmitter.event;

  constructor(
    private readonly serverModule: string,
    private readonly log: vscode.LogOutputChannel,
    private readonly inline: Pick<Middleware, 'provideInlineCompletionItems'>,
  ) {}

  get state(): ServerView { return this.view; }

  /** The running client, or undefined (requests must not start a server implicitly). */
  get running(): LanguageClient | undefined {
    return this.client?.state === State.Running ? this.client : undefined;
  }

  /** Starts the server if it is not running; resolves when it answered `initialize`. */
  async ensureStarted(): Promise<LanguageClient> {
    if (this.client && this.client.state !== State.Stopped) {
      if (this.client.state === State.Starting) await this.waitRunning(this.client);
      return this.client;
    }
    return this.start();
  }

  /** Resolves once the model is loaded; rejects on a server error, a stop, or cancellation. */
  whenReady(token: vscode.CancellationToken): Promise<void> {
    const settled = (v: ServerView): boolean | Error =>
      v.kind === 'ready' ? true
        : v.kind === 'error' ? new Error(v.message)
          : v.kind === 'stopped' ? new Error('the server is stopped') : false;
    const now = settled(this.view);
    if (now === true) return Promise.resolve();
    if (now instanceof Error) return Promise.reject(now);
    return new Promise((resolve, reject) => {
      const subs: vscode.Disposable[] = [];
      const finish = (err?: Error): void => {
        subs.forEach((d) => d.dispose());
        if (err) reject(err); else resolve();
      };
      subs.push(this.onDidChangeState((v) => {
        const r = settled(v);
        if (r === true) finish(); else if (r instanceof Error) finish(r);
      }));
      subs.push(token.onCancellationRequested(() => finish(new vscode.CancellationError())));
    });
  }

  async start(): Promise<LanguageClient> {
    await this.stopClient();
    this.setView({ kind: 'starting' });
    const client = createLanguageClient({
      serverModule: this.serverModule, log: this.log, errorHandler: this.errorHandler(), inline: this.inline,
    });
    this.client = client;
    this.clientDisposables.push(
      client.onNotification(PgmMethods.status, (p: StatusParams) => this.onStatus(p)),
      client.onNotification(PgmMethods.progress, (p: ProgressParams) => this.progressEmitter.fire(p)),
      client.onDidChangeState((e) => this.onClientState(e.newState)),
    );
    try {
      await client.start();
    } catch (err) {
      this.log.error(`server failed to start: ${errorText(err)}`);
      // The crash handler may already have said why (restart budget spent); keep its words.
      if (this.view.kind !== 'error') this.setView({ kind: 'error', message: `server failed to start: ${errorText(err)}`, fix: 'log' });
      throw err;
    }
    return client;
  }

  /** A user-requested restart: fresh crash budget, fresh process. */
  async restart(): Promise<void> {
    this.policy.reset();
    this.log.info('restarting the server (user request)');
    await this.start();
  }

  async stop(): Promise<void> {
    await this.stopClient();
    this.setView({ kind: 'stopped' });
  }

  dispose(): void {
    void this.stopClient();
    this.stateEmitter.dispose();
    this.progressEmitter.dispose();
  }

  private async stopClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.clientDisposables.forEach((d) => d.dispose());
    this.clientDisposables = [];
    if (client && client.state !== State.Stopped) {
      try { await client.stop(2000); } catch (err) { this.log.warn(`stopping the server: ${errorText(err)}`); }
    }
  }

  private waitRunning(client: LanguageClient): Promise<void> {
    return new Promise((resolve, reject) => {
      const sub = client.onDidChangeState((e) => {
        if (e.newState === State.Running) { sub.dispose(); resolve(); }
        if (e.newState === State.Stopped) { sub.dispose(); reject(new Error('the server stopped while starting')); }
      });
    });
  }

  private onClientState(s: State): void {
    if (s === State.Starting) this.setView({ kind: 'starting' });
    // Until the server reports on its model, it is loading it.
    if (s === State.Running && this.view.kind === 'starting') this.setView({ kind: 'loading' });
  }

  private onStatus(p: StatusParams): void {
    if (p.state === 'loading') this.setView({ kind: 'loading', model: p.model });
    else if (p.state === 'ready') {
      this.setView({ kind: 'ready', model: p.model ?? '?', device: p.device ?? '?', lastLatencyMs: p.lastLatencyMs });
    } else {
      const message = p.message ?? 'unknown server error';
      this.setView({ kind: 'error', message, fix: fixForKind(p.errorKind) });
    }
  }

  private setView(v: ServerView): void {
    this.view = v;
    this.stateEmitter.fire(v);
  }

  private errorHandler(): ErrorHandler {
    return {
      error: (error, _message, count): ErrorHandlerResult => {
        this.log.error(`connection error (${count ?? 1}): ${errorText(error)}`);
        return { action: (count ?? 1) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown, handled: true };
      },
      closed: (): CloseHandlerResult => {
        if (this.policy.onCrash(Date.now())) {
          this.log.warn(`the server process exited; restarting (${this.policy.recentCrashes} in the last 3 minutes)`);
          this.setView({ kind: 'starting' });
          return { action: CloseAction.Restart, handled: true };
        }
        const message = `the server crashed ${this.policy.recentCrashes} times in 3 minutes; not restarting`;
        this.log.error(message);
        this.setView({ kind: 'error', message, fix: 'restart' });
        return { action: CloseAction.DoNotRestart, handled: true };
      },
    };
  }
}

export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (err && typeof err === 'object' && 'message' in err) return String((err as { message: unknown }).message);
  return String(err);
}
