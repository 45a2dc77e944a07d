/**
 * Wires the extension's parts: the server owner, the log, the status item, the denoising view,
 * placeholder holes, commands, settings and workspace trust. Extension-lived disposables go to
 * the context; the LanguageClient's own (client-lived) ones are managed by ServerOwner.
 */
import * as vscode from 'vscode';
import { showAlternatives } from './alternatives';
import { Commands, showActions } from './commands';
import { shortcuts, type KeybindingEntry } from './shortcuts';
import { onSettingProblems, onSettingsChanged, readSettings, workspaceSetsModelPath } from './config';
import { ErrorNotice, openModelSetting } from './errorNotice';
import { HoleMarkers, openSample } from './holes';
import { fillHole, infillHoles, infillSelections, type InfillDeps } from './infill';
import { inlineMiddleware } from './inline';
import { LiveView } from './liveView';
import { ServerOwner, errorText } from './serverOwner';
import { inlineOffReason, SECTION, type ClientSettings } from './settings';
import { MANAGE_TRUST_COMMAND, RESTRICTED_HINT, type ServerView } from './serverState';
import { StatusItem } from './statusItem';

/** The walkthrough's id in package.json `contributes.walkthroughs` (VS Code prefixes the extension id). */
export const WALKTHROUGH = 'start';

export class PgmExtension {
  readonly log = vscode.window.createOutputChannel('PGM Infill', { log: true });
  private settings: ClientSettings;
  readonly status = new StatusItem();
  readonly owner: ServerOwner;
  readonly live: LiveView;
  private readonly notice = new ErrorNotice({
    restart: Commands.restartServer, showLog: Commands.showLog, openModelSetting: Commands.openModelSetting,
  });
  /** The last state written to the log: lifecycle lines are written once per transition. */
  private loggedState = '';

  constructor(private readonly context: vscode.ExtensionContext) {
    // An invalid value is used as its default; the user is told which and why, once per change.
    onSettingProblems((problems) => {
      problems.forEach((p) => this.log.warn(`settings: ${p}`));
      void vscode.window.showWarningMessage(`PGM Infill: ${problems.join('; ')}.`);
    });
    this.settings = readSettings();
    this.owner = new ServerOwner(context.asAbsolutePath('dist/server.js'), this.log, inlineMiddleware({
      settings: () => this.settings,
      trusted: () => vscode.workspace.isTrusted,
      client: () => this.owner.running,
      state: () => this.owner.state,
      log: this.log,
      onLatency: (ms) => this.status.setInlineLatency(ms),
    }));
    this.live = new LiveView(vscode.Uri.joinPath(context.extensionUri, 'media'));
  }

  activate(): void {
    const c = this.context;
    const holes = new HoleMarkers(() => this.settings.holeMarker);
    c.subscriptions.push(this.log, this.status, this.owner, this.live, holes,
      this.owner.onDidChangeState((v) => { this.status.setView(v); this.notice.onState(v); this.logState(v); }),
      this.owner.onProgress((p) => this.live.onProgress(p)),
      onSettingsChanged((s) => { this.applySettings(s); holes.refresh(); }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.onTrustGranted()),
      ...this.registerCommands());
    this.status.setRestricted(!vscode.workspace.isTrusted);
    this.applySettings(this.settings);
    if (workspaceSetsModelPath()) this.log.warn('this workspace sets pgmInfill.modelPath; ignored (machine setting only)');
    // In an untrusted workspace nothing starts on the workspace's say-so: the server (and with it
    // any inference) starts only when the user runs a command.
    if (vscode.workspace.isTrusted) this.startServer();
    else this.log.info('Restricted Mode: the server starts when you run a PGM command; inline suggestions are off until you trust this folder');
  }

  private registerCommands(): vscode.Disposable[] {
    const deps: InfillDeps = {
      owner: this.owner, status: this.status, log: this.log, live: (m) => this.live.post(m), notice: this.notice,
    };
    const keys = shortcuts((this.context.extension.packageJSON?.contributes?.keybindings ?? []) as KeybindingEntry[], process.platform);
    const reg = vscode.commands.registerCommand;
    return [
      reg(Commands.infillSelection, () => infillSelections(deps)),
      reg(Commands.infillHoles, () => infillHoles(deps)),
      reg(Commands.showAlternatives, () => showAlternatives(deps)),
      reg(Commands.fillHole, (uri: vscode.Uri, range: vscode.Range) => fillHole(deps, uri, range)),
      reg(Commands.showLiveView, () => this.live.show()),
      reg(Commands.restartServer, () => this.owner.restart().catch((err) => this.log.debug(`restart failed: ${errorText(err)}`))),
      reg(Commands.showLog, () => this.log.show(true)),
      reg(Commands.showActions, () => showActions(this.settings.server.inline.enabled, keys)),
      reg(Commands.toggleInline, () => this.toggleInline()),
      reg(Commands.openModelSetting, () => openModelSetting()),
      reg(Commands.openSample, () => openSample()),
      reg(Commands.openWalkthrough, () => vscode.commands.executeCommand('workbench.action.openWalkthrough',
        `${this.context.extension.id}#${WALKTHROUGH}`, false)),
    ];
  }

  private async toggleInline(): Promise<void> {
    const enable = !this.settings.server.inline.enabled;
    await vscode.workspace.getConfiguration(SECTION).update('inline.enabled', enable, vscode.ConfigurationTarget.Global);
    // Turning inline on does nothing visible in Restricted Mode: say why, with the one fix.
    if (enable && !vscode.workspace.isTrusted) void showTrustHint();
  }

  private startServer(): void {
    // A start failure is an error state: ErrorNotice shows it once, with its fix.
    this.owner.start().catch((err) => this.log.debug(`start failed: ${errorText(err)}`));
  }

  private onTrustGranted(): void {
    this.log.info('workspace trusted: inline suggestions follow the setting; starting the server');
    this.status.setRestricted(false);
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
    // Nothing is sent from here: the LanguageClient tells the server that settings changed (a bare
    // didChangeConfiguration) and the server pulls them (languageClient.ts).
  }

  /** One log line per lifecycle transition: a latency update of a ready server is not one. */
  private logState(v: ServerView): void {
    const detail = v.kind === 'error' ? `: ${v.message}` : v.kind === 'ready' ? ` (${v.model} on ${v.device})` : '';
    const line = `server ${v.kind}${detail}`;
    const key = v.kind === 'loading' ? 'loading' : line;
    if (key === this.loggedState) return;
    this.loggedState = key;
    if (v.kind === 'error') this.log.error(line); else this.log.info(line);
  }
}

/** The Restricted Mode hint as a toast, with the one action that lifts it. */
export async function showTrustHint(): Promise<void> {
  const pick = await vscode.window.showInformationMessage(`PGM Infill: ${RESTRICTED_HINT}.`, 'Manage Workspace Trust');
  if (pick) await vscode.commands.executeCommand(MANAGE_TRUST_COMMAND);
}
