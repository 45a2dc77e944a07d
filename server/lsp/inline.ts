/**
 * `textDocument/inlineCompletion` (LSP 3.18): fills at the cursor, queued as an inline job that
 * a newer request for the same document supersedes. `inline.candidates` candidates are sampled
 * in one batch, edges cleaned, syntax-checked and ranked (engine/rank.ts); the answer holds up to
 * that many distinct items, best first, and none when the best scores under the confidence
 * threshold (docs/benchmarks.md#confidence-gate). One line, unless the line is empty or opens a
 * block (engine/edges.ts inlineSingleLine). Recent answers are memoised (inlineMemo.ts).
 * Superseded or stale requests answer with no items.
 */
import { performance } from 'node:perf_hooks';
import type { CancellationToken, InlineCompletionList, InlineCompletionParams } from 'vscode-languageserver/node';
import { inlineSingleLine } from '../engine/edges';
import { fillHoles } from '../engine/fill';
import { inlineItems } from '../engine/inlineItems';
import { cacheOf, engineOf } from '../engine/modelView';
import { rankHole, type RankedFill } from '../engine/rank';
import { grammarForLanguageId, grammarForPath } from '../syntax/grammars';
import { SchedulerError } from './scheduler';
import { openDocument, type ServerDeps } from './infill';
import { InlineMemo } from './inlineMemo';
import { resolveOptions, signalOf } from './requests';
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
  const languageId = doc.languageId;
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
  const lineStart = text.lastIndexOf('\n', at.start - 1) + 1;
  const lineEnd = text.indexOf('\n', at.start);
  const restOfLine = text.slice(at.start, lineEnd < 0 ? text.length : lineEnd);
  const singleLine = inlineSingleLine(text.slice(lineStart, at.start), restOfLine);
  let ranked: RankedFill | null;
  try {
    ranked = await deps.scheduler.submit({
      kind: 'inline', key: uri, signal: signalOf(token),
      run: async ({ signal }) => {
        if (openDocument(deps, uri).version !== version) return null;
        const model = await deps.owner.ready();
        // A fixed-length model (no gap filler) would have to write exactly maxTokens tokens at
        // every pause and join them to the text after the cursor: off (docs/official-checkpoints.md).
        if (model.manifest.fillLength === 'fixed') return null;
        const r = await fillHoles(engineOf(model, cacheOf(settings.inline.contextCache)), {
          text, holes: [{ start: at.start, end: at.start, capacity: opts.capacity }], candidates: opts.candidates,
          window: settings.contextWindow, sampler: { ...opts.sampler, singleLine, signal },
        });
        return rankHole(r.fills[0], {
          text, start: at.start, end: at.start, threshold: settings.confidenceThreshold,
          grammar: grammarForLanguageId(languageId) ?? grammarForPath(uri),
        });
      },
    });
  } catch (e) {
    if (e instanceof SchedulerError && e.reason === 'superseded') return EMPTY;
    throw e;
  }
  if (!ranked || openDocument(deps, uri).version !== version) return EMPTY;
  deps.owner.recordLatency(performance.now() - t0);
  const items = inlineItems(ranked, restOfLine, settings.confidenceThreshold, opts.candidates);
  if (items.length === 0) return EMPTY;
  memo.set(uri, fingerprint, text, at.start, items);
  return answer(items, params.position);
}
