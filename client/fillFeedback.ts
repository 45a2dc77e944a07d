/**
 * What the user is told about a fill that did not simply apply: a cancel (settles at once, says
 * "cancelled", logged), a step count capped by the hole size (warned once per value), and
 * failures (a server error already shown is shown again as the same toast, never a second one).
 */
import * as vscode from 'vscode';
import { errorKindOf } from '../contract/protocol';
import type { ErrorNotice } from './errorNotice';
import type { LiveMessage } from './liveModel';
import { errorText, type ServerOwner } from './serverOwner';
import type { StatusItem } from './statusItem';

export interface FeedbackDeps {
  owner: ServerOwner;
  status: StatusItem;
  log: vscode.LogOutputChannel;
  live(message: LiveMessage): void;
  notice: ErrorNotice;
}

/** Resolves when the token is cancelled, so a cancel never waits for the server to answer. */
export function whenCancelled(token: vscode.CancellationToken): Promise<'cancelled'> {
  return new Promise((resolve) => {
    if (token.isCancellationRequested) resolve('cancelled');
    token.onCancellationRequested(() => resolve('cancelled'));
  });
}

export function onCancelled(deps: FeedbackDeps, requestId: string, ms: number): void {
  deps.log.info(`fill cancelled by the user after ${Math.round(ms)} ms (request ${requestId}); nothing was changed`);
  deps.status.setNote('cancelled');
  deps.live({ type: 'done', requestId, outcome: 'cancelled' });
}

/** Configured step counts already warned about (a capped value warns once). */
const cappedWarned = new Set<number>();

/** The fill scheduled fewer steps than configured: a fill takes at most one step per position. */
export function warnIfCapped(deps: FeedbackDeps, configured: number | undefined, scheduled: number | undefined): void {
  if (configured === undefined || scheduled === undefined || scheduled >= configured || cappedWarned.has(configured)) return;
  cappedWarned.add(configured);
  const text = `${configured} steps are configured, but this fill could use only ${scheduled}: a fill takes at most one ` +
    'step per hole position (pgmInfill.capacity sets how many positions a hole has).';
  deps.log.warn(text);
  void vscode.window.showWarningMessage(`PGM Infill: ${text}`);
}

/** JSON-RPC codes for a connection that died under a pending request (server crashed or stopped). */
const CONNECTION_LOST = new Set([-32099, -32098, -32097, -32096]);

export function reportFailure(deps: FeedbackDeps, err: unknown): void {
  const code = (err as { code?: unknown })?.code;
  const text = errorText(err);
  deps.log.error(`fill failed: ${text}${typeof code === 'number' ? ` (code ${code})` : ''}`);
  if (errorKindOf(err) === 'staleVersion') {
    void vscode.window.showWarningMessage('PGM Infill: the document changed during the fill; nothing was applied.');
  } else if (typeof code === 'number' && CONNECTION_LOST.has(code)) {
    void vscode.window.showWarningMessage('PGM Infill: the server stopped during the fill; nothing was changed. It restarts by itself: try again.');
  } else if (deps.owner.state.kind === 'error') {
    deps.notice.remind(deps.owner.state); // the server's own error: the same toast again, never a second one
  } else {
    void vscode.window.showErrorMessage(`PGM Infill: ${text} — [Show Log](command:pgmInfill.showLog)`);
  }
}
