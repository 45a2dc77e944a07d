/**
 * Reading and validating a model folder's manifest.json against docs/model-contract.md.
 * Every refusal names the file, the field and what was expected, so a user who points
 * `pgmInfill.modelPath` at the wrong folder learns why in one line.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const ENCODER_INPUTS = ['clean_ids', 'clean_pos', 'clean_mask'] as const;
export const ENCODER_OUTPUTS = ['memory'] as const;
export const DECODER_INPUTS = ['memory', 'clean_pos', 'clean_mask', 'query_pos'] as const;
export const DECODER_OUTPUTS = ['logits'] as const;
export const CACHE_STEP_INPUTS = ['new_ids', 'new_pos', 'new_mask', 'past_keys', 'past_values', 'past_dec_keys', 'past_dec_values', 'past_mask', 'query_pos'] as const;
export const CACHE_STEP_OUTPUTS = ['logits', 'keys', 'values', 'dec_keys', 'dec_values', 'mask'] as const;

export interface Manifest {
  name: string;
  description: string;
  dir: string;
  architecture: { dModel: number; vocabSize: number; canvas: number; nEnc: number; nDec: number; nHeads: number; dFf: number };
  tokenizer: { type: 'bpe'; file: string } | { type: 'bytes' };
  /** gap is -1 when the model has no gap filler (fillLength 'fixed'). */
  specialIds: { doc: number; gap: number; pad: number };
  /**
   * 'model': holes are filled up to their capacity, the model chooses the length with the gap
   * filler. 'fixed': the model has no gap filler (e.g. the paper's checkpoints,
   * training/import_official.py), so a hole is filled with exactly its capacity.
   */
  fillLength: 'model' | 'fixed';
  /**
   * The step graph (docs/model-contract.md, "Step graph"): with an empty cache over every clean
   * token it is exact sampling, with a cache the approximate context cache. Null when the model
   * ships only the encoder and decoder.
   */
  stepFile: string | null;
  /** The encoder and decoder graphs; null when the model ships only the step graph. */
  encoderDecoder: { encoder: string; decoder: string } | null;
}

/**
 * What is wrong with a model folder: something it needs is not there ('missing'), or what is there
 * breaks the contract ('invalid': a manifest field, a graph's inputs or outputs, a file onnxruntime
 * cannot load). Set where the error is raised, so nobody has to read the message to tell them apart.
 */
export type ModelFault = 'missing' | 'invalid';

export class ManifestError extends Error {
  constructor(dir: string, detail: string, readonly fault: ModelFault = 'invalid', options?: ErrorOptions) {
    super(`model at ${dir} refused: ${detail}`, options);
    this.name = 'ManifestError';
  }
}

/** Raises a ManifestError for one model folder; `fault` defaults to 'invalid'. */
type Fail = (m: string, fault?: ModelFault) => never;

type Obj = Record<string, unknown>;

function obj(v: unknown, what: string, fail: Fail): Obj {
  if (!v || typeof v !== 'object' || Array.isArray(v)) fail(`${what} must be an object`);
  return v as Obj;
}

function int(v: unknown, what: string, fail: Fail, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    fail(`${what} must be an integer in [${min}, ${max}], got ${JSON.stringify(v)}`);
  }
  return v as number;
}

function sameList(v: unknown, expected: readonly string[], what: string, fail: Fail): void {
  if (!Array.isArray(v) || v.length !== expected.length || v.some((x, i) => x !== expected[i])) {
    fail(`${what} must be ${JSON.stringify(expected)}, got ${JSON.stringify(v)}`);
  }
}

function graphFile(dir: string, g: Obj, what: string, ins: readonly string[], outs: readonly string[], fail: Fail): string {
  if (typeof g.file !== 'string' || g.file === '') fail(`${what}.file must name the ONNX file`);
  sameList(g.inputs, ins, `${what}.inputs`, fail);
  sameList(g.outputs, outs, `${what}.outputs`, fail);
  const file = join(dir, g.file as string);
  if (!existsSync(file)) fail(`${what}.file ${g.file} does not exist`, 'missing');
  if (statSync(file).size < 16) fail(`${g.file} is empty or truncated`);
  return file;
}

export function readManifest(dir: string): Manifest {
  const fail: Fail = (m, fault) => { throw new ManifestError(dir, m, fault); };
  const path = join(dir, 'manifest.json');
  if (!existsSync(dir)) fail('the folder does not exist', 'missing');
  if (!existsSync(path)) fail('no manifest.json in the folder', 'missing');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    fail(`manifest.json is not valid JSON (${(e as Error).message})`);
  }
  return validateManifest(dir, raw, fail);
}

export function validateManifest(dir: string, raw: unknown, fail: Fail): Manifest {
  const m = obj(raw, 'manifest.json', fail);
  if (m.format !== 'pgm-infill-model') fail(`manifest.format must be "pgm-infill-model", got ${JSON.stringify(m.format)}`);
  if (m.format_version !== 1) fail(`manifest.format_version ${JSON.stringify(m.format_version)} is not supported (this server reads 1)`);
  const a = obj(m.architecture, 'architecture', fail);
  if (a.type !== 'partition-transformer') fail(`architecture.type must be "partition-transformer", got ${JSON.stringify(a.type)}`);
  const vocabSize = int(a.vocab_size, 'architecture.vocab_size', fail, 4);
  const architecture = {
    dModel: int(a.d_model, 'architecture.d_model', fail), vocabSize,
    canvas: int(a.canvas, 'architecture.canvas', fail, 8),
    nEnc: int(a.n_enc ?? 1, 'architecture.n_enc', fail), nDec: int(a.n_dec ?? 1, 'architecture.n_dec', fail),
    nHeads: int(a.n_heads ?? 1, 'architecture.n_heads', fail), dFf: int(a.d_ff ?? 1, 'architecture.d_ff', fail),
  };
  const fillLength = m.fill_length ?? 'model';
  if (fillLength !== 'model' && fillLength !== 'fixed') fail(`fill_length must be "model" or "fixed", got ${JSON.stringify(fillLength)}`);
  const s = obj(m.special_ids, 'special_ids', fail);
  const noGap = fillLength === 'fixed' && s.gap === undefined;
  const specialIds = {
    doc: int(s.doc, 'special_ids.doc', fail, 0, vocabSize - 1),
    gap: noGap ? -1 : int(s.gap, 'special_ids.gap', fail, 0, vocabSize - 1),
    pad: int(s.pad, 'special_ids.pad', fail, 0, vocabSize - 1),
  };
  const present = Object.values(specialIds).filter((id) => id >= 0);
  if (new Set(present).size !== present.length) fail(`special_ids ${noGap ? 'doc and pad' : 'doc, gap and pad'} must be distinct`);
  const g = obj(m.graphs, 'graphs', fail);
  return {
    name: typeof m.name === 'string' && m.name ? m.name : 'unnamed',
    description: typeof m.description === 'string' ? m.description : '',
    dir, architecture, specialIds, fillLength,
    tokenizer: readTokenizerEntry(dir, m.tokenizer, specialIds, vocabSize, fail),
    ...readGraphs(dir, g, m.cache_graphs, fail),
  };
}

/**
 * graphs.step, graphs.encoder + graphs.decoder, or all three. `cache_graphs.step` (a file name)
 * is the older spelling of graphs.step, still read for folders exported before it.
 */
function readGraphs(dir: string, g: Obj, legacy: unknown, fail: Fail): Pick<Manifest, 'stepFile' | 'encoderDecoder'> {
  if ((g.encoder === undefined) !== (g.decoder === undefined)) fail(`graphs.${g.encoder === undefined ? 'encoder' : 'decoder'} is missing (the encoder and decoder ship together)`);
  const encoderDecoder = g.encoder === undefined ? null : {
    encoder: graphFile(dir, obj(g.encoder, 'graphs.encoder', fail), 'graphs.encoder', ENCODER_INPUTS, ENCODER_OUTPUTS, fail),
    decoder: graphFile(dir, obj(g.decoder, 'graphs.decoder', fail), 'graphs.decoder', DECODER_INPUTS, DECODER_OUTPUTS, fail),
  };
  if (g.step !== undefined && legacy !== undefined && legacy !== null) fail('graphs.step and cache_graphs both name the step graph; keep graphs.step');
  let stepFile: string | null = null;
  if (g.step !== undefined) {
    stepFile = graphFile(dir, obj(g.step, 'graphs.step', fail), 'graphs.step', CACHE_STEP_INPUTS, CACHE_STEP_OUTPUTS, fail);
  } else if (legacy !== undefined && legacy !== null) {
    const c = obj(legacy, 'cache_graphs', fail);
    if (typeof c.step !== 'string' || c.step === '') fail('cache_graphs.step must name the ONNX file (cache_step.onnx)');
    stepFile = join(dir, c.step as string);
    if (!existsSync(stepFile)) fail(`cache_graphs.step ${c.step} does not exist`, 'missing');
  }
  if (!stepFile && !encoderDecoder) fail('graphs must hold the step graph (graphs.step) or the encoder and decoder (graphs.encoder, graphs.decoder)');
  return { stepFile, encoderDecoder };
}

function readTokenizerEntry(dir: string, v: unknown, sp: Manifest['specialIds'], vocab: number, fail: Fail): Manifest['tokenizer'] {
  const t = obj(v, 'tokenizer', fail);
  if (t.type === 'bytes') {
    if (vocab < 256 + 3 || Math.min(...[sp.doc, sp.gap, sp.pad].filter((id) => id >= 0)) < 256) fail('a bytes tokenizer needs ids 0..255 for bytes and the special ids above them');
    return { type: 'bytes' };
  }
  if (t.type !== 'bpe') fail(`tokenizer.type must be "bpe" or "bytes", got ${JSON.stringify(t.type)}`);
  if (typeof t.file !== 'string' || !t.file) fail('tokenizer.file must name the tokenizer.json');
  const file = join(dir, t.file as string);
  if (!existsSync(file)) fail(`tokenizer file ${t.file} does not exist`, 'missing');
  return { type: 'bpe', file };
}
