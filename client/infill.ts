/**
 * The explicit fill commands: the selection(s) and the placeholder holes of a document. One
 * request carries every range; progress is shown with cancel (cancelling sends $/cancelRequest);
 * the answer is checked (ranges.checkEdits) and applied only to an unchanged document, as one
 * undo step (applyFill). User-invoked, so failures may show a message. A cancel settles at once
 * on this side (the server stops at its next sampler step) and says "cancelled" (fillFeedback.ts).
 */
import { randomUUID } from 'crypto';
import * as vscode from 'vscode';
import {
  PgmMethods, REQUEST_CANCELLED,
  type InfillParams, type InfillResult, type ProgressParams, type SamplingOptions,
} from '../contract/protocol';
import { applyFill } from './applyFill';
import type { PgmSettings } from '../contract/settings';
import { readSettings } from './config';
import { LiveDecorations } from './liveDecorations';
import { committedFraction, rangeContext } from './liveModel';
import { appliedAnswers, holeAnswers, lowConfidenceSummary, scoreText, type HoleAnswer } from './candidates';
import { CAP_IT, FILL_IN_PARTS, oversizeChoice, oversizeQuestion, selectionTooLarge } from './oversize';
import { onCancelled, reportFailure, warnIfCapped, whenCancelled, type FeedbackDeps } from './fillFeedback';
import { holeRanges } from './holes';
import { checkEdits, describeTargets, hasOverlap, normalizeRanges } from './ranges';
import { errorText } from './serverOwner';
import { lastFillWords } from './serverState';

/** What a fill needs: the feedback's parts (fillFeedback.ts); `live` gets start/done messages, frames come from owner.onProgress. */
export type InfillDeps = FeedbackDeps;

export async function infillSelections(deps: InfillDeps): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) { void vscode.window.showInformationMessage('PGM Infill: open a file and select the text to fill.'); return; }
  const ranges = editor.selections.map((s) => new vscode.Range(s.start, s.end));
  await runFill(deps, editor, ranges, describeTargets(ranges));
}

export async function infillHoles(deps: InfillDeps): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) { void vscode.window.showInformationMessage('PGM Infill: open a file with placeholder holes.'); return; }
  const marker = readSettings(editor.document.uri.toString()).holeMarker;
  const ranges = holeRanges(editor.document, marker);
  if (ranges.length === 0) { void vscode.window.showInformationMessage(`PGM Infill: no "${marker}" holes in this document.`); return; }
  // a marker's text says nothing about the fill's length: every hole gets the capacity setting
  await runFill(deps, editor, ranges, `${ranges.length} hole${ranges.length === 1 ? '' : 's'}`, { lengthFrom: 'capacity' });
}

/** The CodeLens "Fill" of one placeholder hole: fills it if the marker is still there. */
export async function fillHole(deps: InfillDeps, uri: vscode.Uri, range: vscode.Range): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(doc, { preserveFocus: false });
  const marker = readSettings(doc.uri.toString()).holeMarker;
  const holes = holeRanges(doc, marker);
  const hole = holes.find((r) => r.isEqual(range)) ?? holes.find((r) => r.intersection(range));
  if (!hole) { void vscode.window.showInformationMessage(`PGM Infill: that "${marker}" hole is gone.`); return; }
  await runFill(deps, editor, [hole], 'hole', { lengthFrom: 'capacity' });
}

/** Extra request options of a fill (the issue-9 fields of SamplingOptions). */
export type FillExtras = Pick<SamplingOptions, 'candidates' | 'oversize' | 'lengthFrom'>;
type FillParams = InfillParams & { options: SamplingOptions };

export interface FillAnswer {
  params: FillParams;
  result: InfillResult;
  holes: HoleAnswer[];
  /** The document's settings when the fill was asked: the values the server pulled for it. */
  settings: PgmSettings;
  scheduled?: number;
  stepsRan?: number;
}

/**
 * One fill request with everything around it: the live view, the tinted ranges, progress with
 * cancel, the oversize question. `use` gets the answer while the ranges are still decorated;
 * cancellation and failures are reported here and never reach it.
 */
export async function withFill(
  deps: InfillDeps, editor: vscode.TextEditor, raw: vscode.Range[], what: string, extras: FillExtras,
  use: (answer: FillAnswer, deco: LiveDecorations) => Promise<void>,
): Promise<void> {
  const ranges = normalizeRanges(raw);
  if (hasOverlap(ranges)) { void vscode.window.showWarningMessage('PGM Infill: the ranges overlap.'); return; }
  const doc = editor.document;
  const text = doc.getText();
  // The server pulls the sampling settings for this document itself (folder settings hold); the
  // request carries only what this command adds. Read here for the live view and the messages.
  const settings = readSettings(doc.uri.toString()).server;
  const params: FillParams = {
    textDocument: { uri: doc.uri.toString(), version: doc.version },
    ranges: ranges.map((r) => ({ start: r.start, end: r.end })),
    options: { ...extras },
    requestId: randomUUID(),
    progress: true,
  };
  const requestId = params.requestId!;
  deps.live({
    type: 'start', requestId, title: `${doc.fileName.split(/[\\/]/).pop()} · ${what}`,
    steps: settings.steps,
    ranges: ranges.map((r) => rangeContext(text, doc.offsetAt(r.start), doc.offsetAt(r.end))),
  });
  deps.status.setBusy(true);
  const t0 = performance.now();
  const decorations = new LiveDecorations(editor, ranges);
  try {
    const { result, scheduled, stepsRan } = await sendAsking(deps, params, decorations);
    deps.status.setBusy(false); // the model is done; a quick pick may wait for the user now
    if (result) await use({ params, result, holes: holeAnswers(result), settings, scheduled, stepsRan }, decorations);
    else onCancelled(deps, requestId, performance.now() - t0);
  } catch (err) {
    reportFailure(deps, err);
    deps.live({ type: 'done', requestId, outcome: `failed: ${errorText(err)}` });
  } finally {
    decorations.dispose();
    deps.status.setBusy(false);
  }
}

async function runFill(deps: InfillDeps, editor: vscode.TextEditor, raw: vscode.Range[], what: string, extras: FillExtras = {}): Promise<void> {
  await withFill(deps, editor, raw, what, extras, (a) => applyAnswer(deps, editor.document, a, a.holes.map((h) => h.text)));
}

/** Sends the request; a selection too large for one fill asks the user (parts, cap or cancel) once. */
async function sendAsking(deps: InfillDeps, params: FillParams, deco: LiveDecorations): Promise<Answer> {
  try {
    return await requestWithProgress(deps, params, deco);
  } catch (err) {
    const big = selectionTooLarge(err);
    if (!big || params.options.oversize) throw err;
    const q = oversizeQuestion(big, params.ranges.length);
    deps.log.info(`selection too large: ${big.tokens} tokens, at most ${big.maxTokens} per fill; asking`);
    const pick = await vscode.window.showWarningMessage(`PGM Infill: ${q.message}`, { modal: true, detail: q.detail }, FILL_IN_PARTS, CAP_IT);
    const choice = oversizeChoice(pick);
    deps.log.info(`oversized selection: ${choice ?? 'cancelled'}`);
    if (!choice) return {};
    params.options = { ...params.options, oversize: choice };
    return requestWithProgress(deps, params, deco);
  }
}

/** A server answer plus the step facts its progress notifications told (empty = cancelled). */
interface Answer { result?: InfillResult; scheduled?: number; stepsRan?: number }

async function requestWithProgress(deps: InfillDeps, params: InfillParams, deco: LiveDecorations): Promise<Answer> {
  const n = params.ranges.length;
  return vscode.window.withProgress({
    location: vscode.ProgressLocation.Notification, cancellable: true,
    title: `PGM: filling ${n} range${n === 1 ? '' : 's'}`,
  }, async (progress, token) => {
    let reported = 0;
    const facts: Answer = {};
    const sub = deps.owner.onProgress((p: ProgressParams) => {
      if (p.requestId !== params.requestId) return;
      facts.scheduled = p.totalSteps;
      facts.stepsRan = p.step;
      const pct = Math.round(committedFraction(p) * 100);
      progress.report({ message: `step ${p.step}/${p.totalSteps}`, increment: Math.max(0, pct - reported) });
      reported = Math.max(reported, pct);
      deco.show(p);
    });
    try {
      const client = await deps.owner.ensureStarted();
      if (deps.owner.state.kind !== 'ready') progress.report({ message: 'loading the model…' });
      await deps.owner.whenReady(token);
      const request = client.sendRequest<InfillResult>(PgmMethods.infill, params, token);
      request.catch(() => undefined); // a cancelled request still rejects later; nobody waits for it
      const result = await Promise.race([request, whenCancelled(token)]);
      return result === 'cancelled' || token.isCancellationRequested ? {} : { ...facts, result };
    } catch (err) {
      if (token.isCancellationRequested || (err as { code?: number })?.code === REQUEST_CANCELLED) return {};
      throw err;
    } finally {
      sub.dispose();
    }
  });
}

/**
 * Applies one text per hole (the chosen fills, or the user's picks) with the fill rules: only the
 * requested ranges, only to the requested version, one undo step. Low confidence is said, not hidden.
 */
export async function applyAnswer(deps: InfillDeps, doc: vscode.TextDocument, a: FillAnswer, texts: readonly string[]): Promise<void> {
  const { params, result, scheduled, stepsRan } = a;
  const requestId = params.requestId!;
  const check = checkEdits(params.ranges, (result.edits ?? []).map((e, i) => ({ range: e.range, newText: texts[i] ?? e.newText })));
  if (!check.ok) {
    deps.log.error(`fill refused: ${check.reason} (request ${requestId})`);
    void vscode.window.showErrorMessage('PGM Infill: the server answered with an edit outside the selection; nothing was changed.');
    deps.live({ type: 'done', requestId, outcome: 'refused: the server answered with an edit outside the selection' });
    return;
  }
  const outcome = await applyFill(doc, params.textDocument.version, check.edits);
  const s = result.stats;
  const holes = appliedAnswers(a.holes, texts, a.settings.confidenceThreshold);
  const low = lowConfidenceSummary(holes);
  const fill = {
    ms: s.ms, stepsRan, stepsScheduled: scheduled, networkCalls: s.steps, ranges: params.ranges.length, lowConfidence: low || undefined,
  };
  deps.log.info(`fill ${outcome}: ${lastFillWords(fill)}, ${s.order}, queue ${Math.round(s.queueMs)} ms, ` +
    `${s.model} on ${s.device}, seed ${s.seed}, tokens [${s.tokensPerRange.join(', ')}] of capacity [${s.capacityPerRange.join(', ')}], ` +
    `${s.candidates} candidates, ` +
    `scores [${holes.map((h) => scoreText(h.score)).join(', ')}]`);
  deps.status.setLastFill(fill);
  warnIfCapped(deps, a.settings.steps, scheduled);
  deps.live({ type: 'done', requestId, outcome, ms: s.ms, steps: stepsRan, scheduled, holes: holes.map((h) => ({ text: h.text, score: h.score, lowConfidence: h.lowConfidence, parses: h.parses })) });
  if (outcome === 'stale') void vscode.window.showWarningMessage('PGM Infill: the document changed during the fill; nothing was applied.');
  if (outcome === 'failed') void vscode.window.showErrorMessage('PGM Infill: the editor refused the edit; nothing was applied.');
}
