/**
 * The denoising view: a webview (media/liveView.*) that shows a fill as it happens. It keeps the
 * messages of the latest fill, so opening the view after (or during) a fill shows it, and a
 * hidden view catches up when shown again. Strict CSP: local script with a nonce, local styles.
 */
import { randomBytes } from 'crypto';
import * as vscode from 'vscode';
import type { ProgressParams } from '../contract/protocol';
import { frameMessage, type LiveMessage } from './liveModel';

export const LIVE_VIEW_TYPE = 'pgmInfill.liveView';

export class LiveView implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  /** The latest fill's start, newest frame and end, replayed into a new or re-shown view. */
  private latest: LiveMessage[] = [];

  constructor(private readonly mediaRoot: vscode.Uri) {}

  show(): void {
    if (this.panel) { this.panel.reveal(vscode.ViewColumn.Beside, true); return; }
    const panel = vscode.window.createWebviewPanel(LIVE_VIEW_TYPE, 'PGM: Denoising View',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, localResourceRoots: [this.mediaRoot] });
    panel.iconPath = vscode.Uri.joinPath(this.mediaRoot, 'icon.png');
    panel.webview.html = this.html(panel.webview);
    panel.webview.onDidReceiveMessage((m: { type?: string }) => { if (m?.type === 'ready') this.replay(); });
    panel.onDidChangeViewState((e) => { if (e.webviewPanel.visible) this.replay(); });
    panel.onDidDispose(() => { this.panel = undefined; });
    this.panel = panel;
  }

  post(message: LiveMessage): void {
    if (message.type === 'start') this.latest = [message];
    else if (this.latest[0]?.requestId !== message.requestId) return;
    else if (message.type === 'frame') this.latest = [this.latest[0], message];
    else this.latest = [...this.latest.filter((m) => m.type !== 'done'), message];
    void this.panel?.webview.postMessage(message);
  }

  onProgress(p: ProgressParams): void {
    this.post(frameMessage(p));
  }

  private replay(): void {
    for (const m of this.latest) void this.panel?.webview.postMessage(m);
  }

  private html(webview: vscode.Webview): string {
    const nonce = randomBytes(16).toString('base64');
    const js = webview.asWebviewUri(vscode.Uri.joinPath(this.mediaRoot, 'liveView.js'));
    const css = webview.asWebviewUri(vscode.Uri.joinPath(this.mediaRoot, 'liveView.css'));
    const csp = [`default-src 'none'`, `style-src ${webview.cspSource}`, `img-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`].join('; ');
    return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${css}"><title>PGM: Denoising View</title></head>
<body>
<header><h1 id="title">No fill yet</h1><span id="meta">Run “PGM: Infill Selection” to watch a fill.</span></header>
<div id="controls">
  <button id="replay" type="button" title="Replay the fill step by step">Replay</button>
  <input id="step" type="range" min="0" max="0" value="0" aria-label="Sampler step">
  <span id="stepLabel">step 0/0</span>
  <label><input id="follow" type="checkbox" checked> follow live</label>
</div>
<ul id="legend">
  <li><span class="tok c-low">abc</span><span class="tok c-high">abc</span> tint = the model's confidence in that token (pale: unsure, strong: sure)</li>
  <li><span class="tok fresh c-mid">abc</span> outlined = committed at the step the slider shows</li>
  <li><span class="tok unknown">·</span> = a position not committed yet at that step</li>
  <li><span class="tok gap">∅×3</span> = gap fillers: positions the model left empty to make the fill shorter; dropped from the text</li>
  <li><span class="badge low">low confidence</span> = the model's own score for this hole is under the threshold: check it before you keep it</li>
</ul>
<main id="ranges"></main>
<script nonce="${nonce}" src="${js}"></script>
</body></html>`;
  }

  dispose(): void { this.panel?.dispose(); }
}
