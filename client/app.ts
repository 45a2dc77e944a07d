/**
 * Wires the extension's parts: the server owner, the log, the status item, the denoising view,
 * commands, settings and workspace trust. Extension-lived disposables go to the context; the
 * LanguageClient's own (client-lived) ones are managed by ServerOwner.
 */
import * as vscode from 'vscode';
import { showAlternatives } from './alternatives';
import { Commands, showActions } from './commands';
import { onSettingsChanged, readSettings, workspaceSetsModelPath } from './config';
import { ErrorNotice } from './errorNotice';
import { infillHoles, infillSelections, type InfillDeps } from './infill';
import { inlineMiddleware } from './inline';
import { LiveView } from './liveView';
import { ServerOwner, errorText } from './serverOwner';
import { inlineOffReason, SECTION, type ClientSettings } from './settings';
import type { ServerView } from './serverState';
import { StatusItem } from './statusItem';

export class PgmExtension {
  private settings: ClientSettings = readSettings();
  readonly log = vscode.window.createOutputChannel('PGM Infill', { log: true });
  readonly status = new StatusItem();
  readonly owner: ServerOwner;
  readonly live: LiveView;

  constructor(private readonly context: vscode.ExtensionContext) {
    this.owner = new ServerOwner(context.asAbsolutePath('dist/server.js'), this.log, inlineMiddleware({
      settings: () => this.settings,
      trusted: () => vscode.workspace.isTrusted,
      client: () => this.owner.running,
      state: () => this.owner.state,
      log: this.log,
    }));
    this.live = new LiveView(vscode.Uri.joinPath(context.extensionUri, 'media'));
  }

  activate(): void {
    const c = this.context;
    const notice = new ErrorNotice({ restart: Commands.restartServer, showLog: Commands.showLog });
    c.subscriptions.push(this.log, this.status, this.owner, this.live,
      this.owner.onDidChangeState((v) => { this.status.setView(v); notice.onState(v); this.logState(v); }),
      this.owner.onProgress((p) => this.live.onProgress(p)),
      onSettingsChanged((s) => this.applySettings(s)),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.onTrustGranted()),
      ...this.registerCommands());
    this.applySettings(this.settings);
    if (workspaceSetsModelPath()) this.log.warn('this workspace sets pgmInfill.modelPath; ignored (machine setting only)');
    // In an untrusted workspace nothing starts on the workspace's say-so: the server (and with it
    // any inference) starts only when the user runs a command.
    if (vscode.workspace.isTrusted) this.startServer();
    else this.log.info('workspace not trusted: the server starts when you run a PGM command; inline suggestions are off');
  }

  private registerCommands(): vscode.Disposable[] {
    const deps: InfillDeps = { owner: this.owner, status: this.status, log: this.log, live: (m) => this.live.post(m) };
    const reg = vscode.commands.registerCommand;
    return [
      reg(Commands.infillSelection, () => infillSelections(deps)),
      reg(Commands.infillHoles, () => infillHoles(deps)),
      reg(Commands.showAlternatives, () => showAlternatives(deps)),
      reg(Commands.showLiveView, () => this.live.show()),
      reg(Commands.restartServer, () => this.owner.restart().catch((err) => this.log.debug(`restart failed: ${errorText(err)}`))),
      reg(Commands.showLog, () => this.log.show(true)),
      reg(Commands.showActions, () => showActions(this.settings.server.inline.enabled)),
      reg(Commands.toggleInline, () => vscode.workspace.getConfiguration(SECTION)
        .update('inline.enabled', !this.settings.server.inline.enabled, vscode.ConfigurationTarget.Global)),
    ];
  }

  private startServer(): void {
    // A start failure is an error state: ErrorNotice shows it once, with its fix.
    this.owner.start().catch((err) => this.log.debug(`start failed: ${errorText(err)}`));
  }

  private onTrustGranted(): void {
    this.status.setInlineOff(inlineOffReason(this.settings.server, true));
    if (this.owner.state.kind === 'stopped') this.startServer();
  }

  private applySettings(s: ClientSettings): void {
    this.settings = s;
    this.status.setConfiguredSteps(s.server.steps);
    this.status.setInlineOff(inlineOffReason(s.server, vscode.workspace.isTrusted));
    this.log.info(`settings: ${s.server.steps} steps, ${s.server.order} order, temperature ${s.server.temperature}, ` +
      `top-p ${s.server.topP}, capacity ${s.server.capacity}, inline ${s.server.inline.enabled ? 'on' : 'off'}, ` +
      `provider ${s.server.executionProvider}, model ${s.server.modelPath || '(bundled)'}`);
    // The server pulls the section via workspace/configuration (answered with these values).
    void this.owner.running?.sendNotification('workspace/didChangeConfiguration', { settings: { [SECTION]: s.server } })
      .catch((err: unknown) => this.log.warn(`could not send settings to the server: ${errorText(err)}`));
  }

  private logState(v: ServerView): void {
    const detail = v.kind === 'error' ? `: ${v.message}` : v.kind === 'ready' ? ` (${v.model} on ${v.device})` : '';
    this.log.info(`server ${v.kind}${detail}`);
  }
}
