/**
 * Types shared by the pure sampler stages. Nothing here touches onnxruntime: the sampler talks
 * to an abstract `Network`, which server/model implements with ONNX sessions and tests implement
 * with small fakes.
 */
import type { SamplingOrder } from '../../contract/settings';

/** Clean tokens of every batch row, padded to the longest row (row-major [batch, n]). */
export interface CleanBatch {
  batch: number;
  n: number;
  ids: Int32Array;
  pos: Int32Array;
  /** 1 = real token, 0 = padding. */
  mask: Uint8Array;
}

/** Query positions of every batch row, padded to the longest row ([batch, q]). */
export interface QueryBatch {
  batch: number;
  q: number;
  pos: Int32Array;
}

/** Logits at the queried positions, row-major [batch, q, vocab]. */
export interface Logits {
  batch: number;
  q: number;
  vocab: number;
  data: Float32Array;
}

/**
 * The PGM network split as in docs/model-contract.md: the encoder runs over clean tokens only,
 * the decoder answers queries at arbitrary canvas positions from the encoder memory.
 * `M` is whatever the implementation keeps between the two calls (an ONNX tensor, an array).
 */
export interface Network<M = unknown> {
  readonly vocabSize: number;
  encode(clean: CleanBatch): Promise<M>;
  decode(memory: M, clean: CleanBatch, queries: QueryBatch): Promise<Logits>;
  /** Frees what encode returned (ONNX tensors); optional. */
  releaseMemory?(memory: M): void;
  /** Called when a new fill starts (networks that cache state across steps drop it here). */
  startFill?(): void;
}

/** Ids the sampler must know about. */
export interface SpecialIds {
  doc: number;
  /** -1 when the model has no gap filler. */
  gap: number;
  pad: number;
}

/** One hole laid out on a row's canvas. */
export interface HoleLayout {
  /** First canvas position of the hole. */
  start: number;
  /** Number of canvas positions (the capacity, healing included). */
  capacity: number;
  /** Bytes the fill must start with (the prefix token moved into the hole by token healing). */
  headBytes: Uint8Array;
  /** Bytes the fill must end with (the suffix token moved into the hole by token healing). */
  tailBytes: Uint8Array;
}

/** One batch row: a canvas with clean context tokens and one or more holes. */
export interface RowLayout {
  ids: number[];
  pos: number[];
  holes: HoleLayout[];
}

export type LengthRule = 'cdf' | 'free' | 'fixed';

export type LengthReuse = 'exact' | 'always' | 'never';

export interface SamplerOptions {
  steps: number;
  order: SamplingOrder;
  temperature: number;
  topP: number;
  seed: number;
  /** Stop each hole at its first newline (inline mode). */
  singleLine: boolean;
  /**
   * Finish a hole early once its fill is settled: everything up to a committed gap filler (or,
   * in singleLine mode, a newline) is known. The model is trained with fillers left-aligned at
   * the tail, so positions after the first filler are fillers too. Off = always run every step.
   */
  earlyStop: boolean;
  /**
   * How the fill length is chosen (default 'cdf'). 'cdf': before any token is drawn, one round
   * queries every hole position from the context alone; P(gap filler) at hole offset j is the
   * model's CDF of the fill length (training puts fillers after the middle), so the length is
   * the first offset where it reaches 1/2, the positions from there on are committed as fillers
   * and the rest are drawn without fillers (training/sample.py choose_lengths). 'free': every
   * position may draw a filler; under the confidence order fills then shrink step by step.
   * 'fixed': no position draws a filler, so the fill has exactly the hole's capacity (models
   * without a gap filler, manifest `fill_length: "fixed"`).
   */
  length?: LengthRule;
  /**
   * 'cdf' rule only: the CDF level at which each row's fill length is read (default 0.5 for every
   * row, the median length). Candidates of one hole use several levels (engine/fill.ts), so they
   * differ in length as well as in tokens.
   */
  lengthLevels?: readonly number[];
  /**
   * 'cdf' rule only: when step 1 draws from the length round's logits instead of running its
   * own network round (one network call less per fill). 'exact' (default): for rows that
   * committed no fillers, whose step-1 input is the length round's, so the draws are the same
   * bit for bit. 'always': every row, an approximation where fillers were committed (step 1 then
   * does not see where the fill ends); its quality for inline fills is in docs/benchmarks.md.
   * 'never': a separate step-1 round for every row (the reference behaviour, for comparisons).
   */
  reuseLengthRound?: LengthReuse;
  signal?: AbortSignal;
  onStep?: (event: StepEvent) => void;
}

/** State of one hole position after a step. */
export interface PositionState {
  /** Committed token id, or -1 while unknown. */
  id: number;
  /** 1-based step at which it was committed; 0 while unknown. */
  step: number;
  /** Probability of the committed token under the (temperature/top-p adjusted) distribution. */
  prob: number;
  /** Untempered log-probability of the committed token (Draw.logp); 0 while unknown. */
  logp?: number;
}

export interface HoleState {
  positions: PositionState[];
  /** True once the fill is settled (all positions known, or early stop). */
  done: boolean;
}

export interface StepEvent {
  step: number;
  totalSteps: number;
  /** rows[r][h] = state of hole h of row r. */
  rows: HoleState[][];
}

export interface SamplerResult {
  /** rows[r][h]: final state of each hole. */
  rows: HoleState[][];
  /** Network rounds actually run (encoder + decoder pairs), fix-up pass included. */
  steps: number;
}
