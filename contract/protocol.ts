/**
 * The custom LSP contract between the pgm-infill client and server, declared once.
 *
 * Both the VS Code client and the server import this file (neither imports the other's
 * internals), and the client bundles it, so it imports nothing but types (no runtime dependency
 * on vscode-languageserver-protocol) and holds only constants, interfaces and small pure
 * helpers: errorKindOf, and the builders of progress data (progressToken, progressParams). The
 * settings table is its sibling, contract/settings.ts.
 *
 * Standard LSP is used where it exists: `textDocument/inlineCompletion` (LSP 3.18) for ghost
 * text, `$/cancelRequest` for cancellation, `workspace/configuration` for settings.
 */
import type { Range, VersionedTextDocumentIdentifier } from 'vscode-languageserver-protocol';
import type { SamplingOrder } from './settings';

/** Bumped when a message shape changes incompatibly; sent in `initialize` result `serverInfo`. */
export const PROTOCOL_VERSION = 1;

/** Custom method names. */
export const PgmMethods = {
  /** request, client -> server: fill one or many ranges of a document. */
  infill: 'pgm/infill',
  /** notification, server -> client: partial fills after each sampler step. */
  progress: 'pgm/progress',
  /** notification, server -> client: model host state (loading / ready / error). */
  status: 'pgm/status',
  /** request, client -> server: reload the model (e.g. after modelPath changed); returns StatusParams. */
  reload: 'pgm/reload',
} as const;

// ---------------------------------------------------------------------------------------------
// Sampling options
// ---------------------------------------------------------------------------------------------

/** Per-request overrides of the sampling settings; anything absent comes from the settings. */
export interface SamplingOptions {
  /** Sampler steps (network calls) per fill; clamped to [1, capacity]. */
  steps?: number;
  order?: SamplingOrder;
  /** Softmax temperature; 0 means greedy (argmax). */
  temperature?: number;
  /** Nucleus sampling mass in (0, 1]; 1 disables. */
  topP?: number;
  /** PRNG seed; same seed + same input -> same fill. null or negative = fresh seed per request. */
  seed?: number | null;
  /**
   * Longest insertion in model tokens at an empty range (fill at the cursor), and for every range
   * when `lengthFrom` is 'capacity'. A non-empty range's capacity follows its selection
   * (docs/server.md#capacity).
   */
  capacity?: number;
  /**
   * 'selection' (default): a non-empty range's capacity follows the selected text's size; an empty
   * range inserts up to `capacity`. 'capacity': every range gets `capacity` (placeholder markers,
   * whose text says nothing about the fill's length).
   */
  lengthFrom?: LengthFrom;
  /** Candidates sampled per range in one batch (K); the best is applied, the rest are alternatives. */
  candidates?: number;
  /**
   * A selection of more tokens than the model can fill: 'error' (default) answers
   * SelectionTooLarge with {tokens, maxTokens}; 'split' fills it in consecutive parts; 'cap' fills
   * it with at most maxTokens (a shorter text). Never shrunk silently.
   */
  oversize?: Oversize;
  /** Stop the fill at its first newline (inline mode). */
  singleLine?: boolean;
}

export type LengthFrom = 'selection' | 'capacity';
export const LENGTH_FROM: readonly LengthFrom[] = ['selection', 'capacity'];
export type Oversize = 'error' | 'split' | 'cap';
export const OVERSIZE: readonly Oversize[] = ['error', 'split', 'cap'];

// ---------------------------------------------------------------------------------------------
// pgm/infill
// ---------------------------------------------------------------------------------------------

export interface InfillParams {
  /** The document and the version the ranges refer to. A different current version -> StaleVersion. */
  textDocument: VersionedTextDocumentIdentifier;
  /** Ranges to replace with fills (an empty range = insert at that position). Must not overlap. */
  ranges: Range[];
  options?: SamplingOptions;
  /** Client-chosen id echoed in pgm/progress; the server makes one up when absent. */
  requestId?: string;
  /** Send pgm/progress notifications for this request (default false). */
  progress?: boolean;
}

/** One candidate fill of a range. */
export interface FillAlternative {
  text: string;
  /** Mean log-probability of the committed tokens (natural log, <= 0; higher = more confident). */
  score: number;
  /**
   * Whether the document still parses around the range with this text: true = the fill adds no
   * parse errors there compared with the original document (tree-sitter; Python, JavaScript,
   * TypeScript); null = no grammar for the document's language.
   */
  parses: boolean | null;
}

/**
 * One range's answer. The fields after `newText` are always set by this server (they are
 * optional only so a client can read answers from an older one).
 */
export interface InfillEdit {
  /** The requested range (in the requested document version), to be replaced by newText. */
  range: Range;
  /** The chosen fill (= alternatives[0].text). */
  newText: string;
  /** The chosen fill's score (FillAlternative.score). */
  score?: number;
  /** The chosen fill's syntax check (FillAlternative.parses). */
  parses?: boolean | null;
  /** The score is under the `confidenceThreshold` setting: applied, but shown as low confidence. */
  lowConfidence?: boolean;
  /**
   * Distinct candidates ranked best first (fills that parse first, then by score); [0] is the
   * chosen one. Each is the text for the same range, ready to apply with the same edit rules.
   */
  alternatives?: FillAlternative[];
}

export interface InfillStats {
  /** Wall time from request arrival to result, including queueing. */
  ms: number;
  /** Time spent waiting in the server queue before sampling started. */
  queueMs: number;
  /** Sampler steps actually run (network calls). */
  steps: number;
  /** Execution provider that ran the model, e.g. 'cpu' or 'cuda'. */
  device: string;
  /** Model name from its manifest. */
  model: string;
  /** Tokens generated per range (gap fillers excluded), parallel to `edits`. */
  tokensPerRange: number[];
  /** Capacity (most tokens) each range was given, parallel to `edits` (docs/server.md#capacity). */
  capacityPerRange: number[];
  /** Candidates sampled per range. */
  candidates: number;
  /** Seed actually used (to reproduce the fill). */
  seed: number;
  order: SamplingOrder;
}

export interface InfillResult {
  requestId: string;
  edits: InfillEdit[];
  stats: InfillStats;
}

// ---------------------------------------------------------------------------------------------
// pgm/progress (live "denoising" view)
// ---------------------------------------------------------------------------------------------

/** One hole position of the canvas as seen after a step. */
export interface ProgressToken {
  /** Decoded text of the token at this position ('' while unknown or for a gap filler). */
  text: string;
  /** Step (1-based) at which the position was committed; 0 = still unknown. */
  step: number;
  /** Probability the sampler assigned to the committed token (0 while unknown). */
  confidence: number;
  /** True when the committed token is the gap filler (it will be stripped). */
  gap: boolean;
}

/**
 * A ProgressToken, built in this one place (the engine makes them, server/engine/fill.ts): the
 * confidence is clamped to [0, 1] (0 for NaN), so the view can draw it as is.
 */
export function progressToken(text: string, step: number, confidence: number, gap: boolean): ProgressToken {
  return { text, step, confidence: Number.isFinite(confidence) ? Math.min(1, Math.max(0, confidence)) : 0, gap };
}

/** One hole's fill so far. */
export interface ProgressHole {
  /** The fill so far: committed tokens in position order, gap fillers removed. */
  text: string;
  /** One entry per hole position, left to right. */
  tokens: ProgressToken[];
}

/** The partial fills after one sampler step, hole i for range i (the engine's onProgress). */
export interface ProgressFrame {
  step: number;
  totalSteps: number;
  holes: ProgressHole[];
}

export interface ProgressRange extends ProgressHole {
  range: Range;
}

export interface ProgressParams {
  requestId: string;
  uri: string;
  step: number;
  totalSteps: number;
  ranges: ProgressRange[];
}

/** The pgm/progress notification of a frame: `ranges[i]` is the requested range of hole i. */
export function progressParams(requestId: string, uri: string, ranges: readonly Range[], frame: ProgressFrame): ProgressParams {
  return { requestId, uri, step: frame.step, totalSteps: frame.totalSteps, ranges: frame.holes.map((h, i) => ({ ...h, range: ranges[i] })) };
}

// ---------------------------------------------------------------------------------------------
// pgm/status
// ---------------------------------------------------------------------------------------------

export type ServerState = 'loading' | 'ready' | 'error';

export interface StatusParams {
  state: ServerState;
  /** Model name (manifest) and folder. */
  model?: string;
  modelPath?: string;
  /** Execution provider in use. */
  device?: string;
  /** Why other providers were not used, e.g. {cuda: 'not in this build'}. */
  providerNotes?: Record<string, string>;
  /** Latency of the last completed fill, in ms. */
  lastLatencyMs?: number;
  /** Context cache: 'on (...)' or why it is off; absent when the setting is off. */
  contextCache?: string;
  /** Scheduler queue: jobs waiting now and the most that ever waited at once (since start). */
  queue?: { pending: number; maxPending: number };
  /** Human-readable detail; always set for 'error'. */
  message?: string;
  /** Why the model is unavailable (state 'error'): what the client offers as the fix follows it. */
  errorKind?: ModelErrorKind;
}

// ---------------------------------------------------------------------------------------------
// Errors (ResponseError.code). Application range, outside JSON-RPC's reserved -32768..-32000.
// Cancellation uses LSP's RequestCancelled (-32800).
// ---------------------------------------------------------------------------------------------

export const PgmErrorCodes = {
  /** The document is not open on the server. */
  UnknownDocument: 1001,
  /** The document changed since the version named in the request; nothing was edited. */
  StaleVersion: 1002,
  /** Empty list, inverted, out-of-range or overlapping ranges. */
  InvalidRange: 1003,
  /** The document looks binary (NUL bytes / invalid text); refused. */
  BinaryContent: 1004,
  /** The model is missing, corrupt, refused by validation, or still loading. */
  ModelUnavailable: 1005,
  /** A newer inline request for the same document replaced this one. */
  Superseded: 1006,
  /** The server queue is full; retry later. */
  QueueFull: 1007,
  /** Invalid request parameters (other than ranges). */
  InvalidParams: 1008,
  /** The model failed while running. */
  InferenceFailed: 1009,
  /** The document is larger than the server fills (MAX_DOCUMENT_CHARS in server/lsp/validate.ts). */
  DocumentTooLarge: 1010,
  /**
   * A selection has more tokens than the model can fill (oversize 'error'); nothing was edited.
   * ResponseError.data is SelectionTooLargeData; resend with oversize 'split' or 'cap'.
   */
  SelectionTooLarge: 1011,
} as const;

/**
 * Why a request or the model failed, as a word to switch on: every error this server answers
 * carries `ResponseError.data.kind`, and a status in the 'error' state carries `errorKind`. The
 * message is for people only; never match its text.
 */
export type PgmErrorKind =
  | 'unknownDocument' | 'staleVersion' | 'invalidRange' | 'binaryContent' | 'superseded' | 'queueFull'
  | 'invalidParams' | 'inferenceFailed' | 'documentTooLarge' | 'selectionTooLarge'
  /** ModelUnavailable: the model folder, its manifest.json or a file the manifest names does not exist. */
  | 'modelMissing'
  /**
   * ModelUnavailable: the model is there but refused: its manifest, the graphs' inputs and outputs
   * or their vocabulary disagree with the contract (docs/model-contract.md), or onnxruntime cannot
   * load a graph file.
   */
  | 'modelInvalid'
  /**
   * ModelUnavailable: no execution provider could run the model, not even the CPU (onnxruntime
   * missing or failing, out of memory, a failed warm-up run).
   */
  | 'providerFailed'
  /** ModelUnavailable: no model loaded yet. */
  | 'modelNotLoaded';

/** The model kinds of ModelUnavailable (the user's fix is the model or its settings). */
export type ModelErrorKind = Extract<PgmErrorKind, 'modelMissing' | 'modelInvalid' | 'providerFailed' | 'modelNotLoaded'>;

/** `data` of every error this server answers. */
export interface PgmErrorData {
  kind: PgmErrorKind;
}

/** `data` of a SelectionTooLarge error. */
export interface SelectionTooLargeData extends PgmErrorData {
  kind: 'selectionTooLarge';
  /** Index of the (first) range that is too large. */
  range: number;
  /** Its size in model tokens (estimated at 4 characters per token above 1 Mi characters). */
  tokens: number;
  /** The most tokens one fill can have with the current model and context window. */
  maxTokens: number;
}
export type PgmErrorCode = (typeof PgmErrorCodes)[keyof typeof PgmErrorCodes];

/** LSP's RequestCancelled code, repeated here so the client need not import the runtime. */
export const REQUEST_CANCELLED = -32800;

/** The kind an error of each code carries (ModelUnavailable says which model kind instead). */
export const KIND_OF_CODE: Readonly<Record<Exclude<PgmErrorCode, typeof PgmErrorCodes.ModelUnavailable>, PgmErrorKind>> = {
  [PgmErrorCodes.UnknownDocument]: 'unknownDocument',
  [PgmErrorCodes.StaleVersion]: 'staleVersion',
  [PgmErrorCodes.InvalidRange]: 'invalidRange',
  [PgmErrorCodes.BinaryContent]: 'binaryContent',
  [PgmErrorCodes.Superseded]: 'superseded',
  [PgmErrorCodes.QueueFull]: 'queueFull',
  [PgmErrorCodes.InvalidParams]: 'invalidParams',
  [PgmErrorCodes.InferenceFailed]: 'inferenceFailed',
  [PgmErrorCodes.DocumentTooLarge]: 'documentTooLarge',
  [PgmErrorCodes.SelectionTooLarge]: 'selectionTooLarge',
};

/** The kind of an error answered by this server (`data.kind`), or undefined for any other error. */
export function errorKindOf(err: unknown): PgmErrorKind | undefined {
  const kind = (err as { data?: { kind?: unknown } } | undefined)?.data?.kind;
  return typeof kind === 'string' && (ALL_KINDS as readonly string[]).includes(kind) ? (kind as PgmErrorKind) : undefined;
}

const ALL_KINDS: readonly PgmErrorKind[] = [
  ...Object.values(KIND_OF_CODE), 'modelMissing', 'modelInvalid', 'providerFailed', 'modelNotLoaded',
];
