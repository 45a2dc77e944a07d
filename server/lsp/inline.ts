/**
 * `textDocument/inlineCompletion` (LSP 3.18): a single-line fill at the cursor, queued as an
 * inline job that a newer request for the same document supersedes. Superseded or stale
 * requests answer with no items: there is nothing useful to show, and no error to report.
 */
import { performance } from 'node:perf_hooks';
import type { CancellationToken, InlineCompletionList, InlineCompletionParams } from 'vscode-languageserver/node';
import { fillHoles } from '../engine/fill';
import { SchedulerError } from './scheduler';
import { openDocument, type ServerDeps } from './infill';
import { InlineMemo } from './inlineMemo';
import { inlineSuggestion } from './inlineText';
import { cacheOf, engineOf, resolveOptions, signalOf } from './requests';
import { checkText, rangesToOffsets } from './validate';

const EMPTY: InlineCompletionList = { items: [] };
const memos = new WeakMap<ServerDeps, InlineMemo>();

/** The server's memo of recent suggestions (inlineMemo.ts). */
export function inlineMemo(deps: ServerDeps): InlineMemo {
  let m = memos.get(deps);
  if (!m) memos.set(deps, (m = new InlineMemo()));
  return m;
}

function answer(items: string[], position: InlineCompletionParams['position']): InlineCompletionList {
  return { items: items.map((insertText) => ({ insertText, range: { start: position, end: position } })) };
}

export async function handleInline(deps: ServerDeps, params: InlineCompletionParams, token?: CancellationToken): Promise<InlineCompletionList> {
  const t0 = performance.now();
  const uri = params?.textDocument?.uri;
  const doc = openDocument(deps, uri);
  // The request names no version: it is about the document as it is now. Capture it before any
  // await, since the document object is updated in place by later changes.
  const version = doc.version;
  const text = doc.getText();
  checkText(text);
  const [at] = rangesToOffsets(doc, [{ start: params.position, end: params.position }]);
  const settings = await deps.settings.get(uri);
  if (!settings.inline.enabled) return EMPTY;
  const memo = inlineMemo(deps);
  const fingerprint = JSON.stringify(settings);
  const recent = memo.get(uri, fingerprint, text, at.start);
  if (recent) return answer(recent, params.position);
  const opts = resolveOptions(settings, undefined, true);
  let fill: string;
  try {
    fill = await deps.scheduler.submit({
      kind: 'inline', key: uri, signal: signalOf(token),
      run: async ({ signal }) => {
        if (openDocument(deps, uri).version !== version) return '';
        const model = await deps.owner.ready();
        // A fixed-length model (no gap filler) would have to write exactly maxTokens tokens at
        // every pause and join them to the text after the cursor: off (docs/official-checkpoints.md).
        if (model.manifest.fillLength === 'fixed') return '';
        const r = await fillHoles(engineOf(model, cacheOf(settings.inline.contextCache)), {
          text, holes: [{ start: at.start, end: at.start, capacity: opts.capacity }],
          window: settings.contextWindow, sampler: { ...opts.sampler, signal },
        });
        return r.fills[0].text;
      },
    });
  } catch (e) {
    if (e instanceof SchedulerError && e.reason === 'superseded') return EMPTY;
    throw e;
  }
  if (openDocument(deps, uri).version !== version) return EMPTY;
  deps.owner.recordLatency(performance.now() - t0);
  const lineEnd = text.indexOf('\n', at.start);
  const suggestion = inlineSuggestion(fill, text.slice(at.start, lineEnd < 0 ? text.length : lineEnd));
  if (suggestion === null) return EMPTY;
  memo.set(uri, fingerprint, text, at.start, [suggestion]);
  return answer([suggestion], params.position);
}
