/**
 * `pgm/infill`: validate, queue as an explicit job, fill every range in one batch, answer with
 * edits + stats. Progress notifications carry the partial fills after each sampler step.
 * A document that changes while the request waits or runs gets StaleVersion, never an edit.
 */
import { performance } from 'node:perf_hooks';
import type { CancellationToken, Connection, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { PgmErrorCodes, PgmMethods, progressParams, type InfillParams, type InfillResult, type ProgressFrame } from '../../contract/protocol';
import { fillExplicit } from '../engine/explicit';
import { cacheOf, engineOf } from '../engine/modelView';
import { grammarForLanguageId, grammarForPath } from '../syntax/grammars';
import { PgmError } from './errors';
import type { ModelOwner } from './modelOwner';
import { resolveOptions, signalOf } from './requests';
import type { Scheduler } from './scheduler';
import type { SettingsSource } from './settings';
import { checkText, checkVersion, rangesToOffsets } from './validate';

export interface ServerDeps {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  owner: ModelOwner;
  scheduler: Scheduler;
  settings: SettingsSource;
}

let requestCounter = 0;

export function openDocument(deps: ServerDeps, uri: unknown): TextDocument {
  if (typeof uri !== 'string') throw new PgmError(PgmErrorCodes.InvalidParams, 'textDocument.uri must be a string');
  const doc = deps.documents.get(uri);
  if (!doc) throw new PgmError(PgmErrorCodes.UnknownDocument, `document ${uri} is not open on the server (send textDocument/didOpen first)`);
  return doc;
}

export async function handleInfill(deps: ServerDeps, params: InfillParams, token?: CancellationToken): Promise<InfillResult> {
  const t0 = performance.now();
  const uri = params?.textDocument?.uri;
  const doc = openDocument(deps, uri);
  const version = params.textDocument.version;
  checkVersion(doc, version);
  const text = doc.getText();
  checkText(text);
  const offsets = rangesToOffsets(doc, params.ranges);
  const settings = await deps.settings.get(uri);
  const opts = resolveOptions(settings, params.options, false);
  const requestId = typeof params.requestId === 'string' && params.requestId ? params.requestId : `infill-${++requestCounter}`;
  const onProgress = params.progress
    ? (f: ProgressFrame) => void deps.connection.sendNotification(PgmMethods.progress, progressParams(requestId, uri, params.ranges, f))
    : undefined;
  const result = await deps.scheduler.submit({
    kind: 'explicit',
    signal: signalOf(token),
    run: async ({ signal, queuedMs }) => {
      checkVersion(openDocument(deps, uri), version);
      const model = await deps.owner.ready();
      const fill = await fillExplicit(engineOf(model, cacheOf(settings.contextCache)), {
        text, ranges: offsets, lengthFrom: opts.lengthFrom, insertCapacity: opts.capacity, oversize: opts.oversize,
        candidates: opts.candidates, window: settings.contextWindow, sampler: { ...opts.sampler, signal }, onProgress,
        grammar: grammarForLanguageId(doc.languageId) ?? grammarForPath(uri), threshold: settings.confidenceThreshold,
        onSyntaxError: (e) => deps.connection.console.warn(`syntax check unavailable: ${(e as Error).message}`),
      });
      return { fill, queuedMs, device: model.device, model: model.manifest.name };
    },
  });
  checkVersion(openDocument(deps, uri), version);
  const ms = performance.now() - t0;
  deps.owner.recordLatency(ms);
  const fills = result.fill.fills;
  return {
    requestId,
    edits: params.ranges.map((range, i) => ({
      range, newText: fills[i].text, score: fills[i].score, parses: fills[i].parses,
      lowConfidence: fills[i].lowConfidence, alternatives: fills[i].alternatives,
    })),
    stats: {
      ms: Math.round(ms * 10) / 10, queueMs: result.queuedMs, steps: result.fill.steps, device: result.device,
      model: result.model, tokensPerRange: fills.map((f) => f.tokens), capacityPerRange: fills.map((f) => f.capacity),
      candidates: opts.candidates, seed: opts.sampler.seed, order: opts.sampler.order,
    },
  };
}
