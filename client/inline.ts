/**
 * Inline (ghost text) suggestions through LSP `textDocument/inlineCompletion`, as middleware of
 * the LanguageClient's provider: gate (setting, trust, server ready) -> debounce (dropped when
 * the user keeps typing) -> request (cancelled with VS Code's token) -> the server's items, in
 * its order (VS Code cycles them with Alt+] / Alt+[). The server already trimmed each item of
 * the text after the cursor and dropped blank and repeated ones (server/engine/inlineItems.ts),
 * on the document as synced when the request was sent (an edit after it cancels the request),
 * so nothing is re-trimmed here. The one client-side filter is a trust rule: only insertions at
 * the cursor are shown; an item with a range elsewhere is dropped. This is the typing path: it
 * logs, it never shows a toast.
 */
import * as vscode from 'vscode';
import { InlineCompletionRequest, type LanguageClient, type Middleware } from 'vscode-languageclient/node';
import { PgmErrorCodes, REQUEST_CANCELLED } from '../contract/protocol';
import { debounce } from './debounce';
import type { ServerView } from './serverState';
import { inlineOffReason, type ClientSettings } from './settings';

export interface InlineDeps {
  settings(): ClientSettings;
  trusted(): boolean;
  client(): LanguageClient | undefined;
  state(): ServerView;
  log: vscode.LogOutputChannel;
  /** Time of a suggestion request that the server answered (shown in the status bar). */
  onLatency(ms: number): void;
}

/** Errors that are a normal part of typing: not worth more than a trace line. */
const QUIET_CODES = new Set<number>([REQUEST_CANCELLED, PgmErrorCodes.Superseded, PgmErrorCodes.StaleVersion, PgmErrorCodes.QueueFull]);

function waitDebounce(ms: number, token: vscode.CancellationToken): Promise<boolean> {
  let sub: vscode.Disposable | undefined;
  return debounce(ms, (cb) => { sub = token.onCancellationRequested(cb); }).finally(() => sub?.dispose());
}

/** Insertions at the cursor only: a server range elsewhere is not trusted (see the header). */
function atCursor(items: vscode.InlineCompletionItem[], pos: vscode.Position): vscode.InlineCompletionItem[] {
  return items
    .filter((item) => typeof item.insertText === 'string' && (!item.range || (item.range.isEmpty && item.range.start.isEqual(pos))))
    .map((item) => new vscode.InlineCompletionItem(item.insertText, new vscode.Range(pos, pos)));
}

async function request(
  client: LanguageClient, doc: vscode.TextDocument, pos: vscode.Position,
  ctx: vscode.InlineCompletionContext, token: vscode.CancellationToken,
): Promise<vscode.InlineCompletionItem[]> {
  const params = client.code2ProtocolConverter.asInlineCompletionParams(doc, pos, ctx);
  const result = await client.sendRequest(InlineCompletionRequest.type, params, token);
  if (token.isCancellationRequested || !result) return [];
  const converted = await client.protocol2CodeConverter.asInlineCompletionResult(result, token);
  const items = Array.isArray(converted) ? converted : converted?.items ?? [];
  return atCursor(items, pos);
}

export function inlineMiddleware(deps: InlineDeps): Pick<Middleware, 'provideInlineCompletionItems'> {
  return {
    provideInlineCompletionItems: async (doc, pos, ctx, token) => {
      const s = deps.settings();
      const client = deps.client();
      if (inlineOffReason(s.server, deps.trusted()) || !client || deps.state().kind !== 'ready') return null;
      if (ctx.triggerKind === vscode.InlineCompletionTriggerKind.Automatic) {
        if (!(await waitDebounce(s.server.inline.debounceMs, token))) return null;
      }
      try {
        const t0 = performance.now();
        const items = await request(client, doc, pos, ctx, token);
        if (token.isCancellationRequested) return null;
        deps.onLatency(performance.now() - t0);
        return items;
      } catch (err) {
        const code = (err as { code?: unknown })?.code;
        if (typeof code === 'number' && QUIET_CODES.has(code)) deps.log.trace(`inline: ${String((err as Error).message)}`);
        else if (!token.isCancellationRequested) deps.log.warn(`inline suggestion failed: ${String((err as Error)?.message ?? err)}`);
        return null;
      }
    },
  };
}
