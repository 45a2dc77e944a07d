/**
 * Loading a model folder: manifest validation, tokenizer, ONNX sessions on the best execution
 * provider that actually starts, graph input/output check, warm-up. A model that ships the step
 * graph runs on that one session (one copy of the weights); one that ships only the encoder and
 * decoder runs on those (exact sampling, no context cache). A LoadedModel owns its sessions;
 * `release()` frees them (on restart, reload and shutdown).
 */
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ExecutionProviderSetting } from '../../contract/settings';
import { CACHE_STEP_INPUTS, CACHE_STEP_OUTPUTS, DECODER_INPUTS, DECODER_OUTPUTS, ENCODER_INPUTS, ENCODER_OUTPUTS, ManifestError, readManifest, type Manifest } from './manifest';
import type { Network } from '../sampler/types';
import { CachedNetwork } from './cachedNetwork';
import { OnnxNetwork } from './network';
import { missingProviderLibrary, ort, supportedBackends, type OrtSession } from './ort';
import { planProviders, shortReason, type ProviderName } from './providers';
import { byteTokenizer, loadBpeTokenizer, type ModelTokenizer } from './tokenizer';

export interface LoadOptions {
  executionProvider: ExecutionProviderSetting;
  /** Intra-op threads; 0 = onnxruntime's default. */
  threads: number;
  /**
   * Tests and benchmarks only. 'encoder-decoder': exact sampling runs on the encoder and decoder
   * even when the model also ships the step graph, which is then loaded for the context cache
   * alone (two weight copies in memory, as before the step graph served exact sampling). The
   * default runs everything on the step graph when the model has it.
   */
  exact?: 'step' | 'encoder-decoder';
}

export interface LoadedModel {
  manifest: Manifest;
  tokenizer: ModelTokenizer;
  /**
   * The network one fill should use: exact for null; with the approximate context cache
   * (model/cachedNetwork.ts, full re-encode every N rounds, 0 = once per fill) for N >= 0 when
   * the model has the step graph, else exact. Exact sampling runs the step graph with an empty
   * cache over every clean token (CachedNetwork, refresh 1) when the model has it, else the
   * encoder and decoder. A fresh object per fill (sessions are shared).
   */
  networkFor(contextCache: number | null): Network;
  /** Whether the model ships the step graph (the context cache). */
  hasCache: boolean;
  /** Which graphs run exact sampling, for the log and status. */
  graphs: 'step' | 'encoder-decoder';
  /** Provider that runs the model. */
  device: ProviderName;
  /** Why the other providers are not running it. */
  providerNotes: Record<string, string>;
  /** Context cache availability, for the log and status. */
  cacheNote: string;
  loadMs: number;
  release(): Promise<void>;
}

export async function loadModel(dir: string, opts: LoadOptions): Promise<LoadedModel> {
  const t0 = performance.now();
  const manifest = readManifest(dir);
  if (opts.exact === 'encoder-decoder' && !manifest.encoderDecoder) throw new ManifestError(dir, 'exact sampling on the encoder and decoder was asked for; the model ships only the step graph');
  const special = Object.values(manifest.specialIds);
  const tokenizer = manifest.tokenizer.type === 'bpe'
    ? loadBpeTokenizer(manifest.tokenizer.file, manifest.architecture.vocabSize, special)
    : byteTokenizer(manifest.architecture.vocabSize);
  const plan = planProviders(opts.executionProvider, process.platform, supportedBackends());
  const notes = { ...plan.notes };
  for (const ep of plan.order) {
    const missing = missingProviderLibrary(ep);
    if (missing) {
      notes[ep] = missing;
      continue;
    }
    try {
      const opened = await openOn(ep, manifest, opts);
      if (ep === 'cpu' && opts.executionProvider !== 'cpu' && opts.executionProvider !== 'auto') {
        notes[opts.executionProvider] ??= 'not available';
      }
      return {
        manifest, tokenizer, device: ep, providerNotes: notes, loadMs: performance.now() - t0, ...opened,
        cacheNote: opened.hasCache ? `available (${basename(manifest.stepFile as string)}, approximate)` : 'not in this model (training/cache_export.py adds the step graph)',
      };
    } catch (e) {
      if (e instanceof ManifestError || ep === 'cpu') throw e;
      notes[ep] = `failed to start: ${shortReason(e)}`;
    }
  }
  throw new Error('unreachable: cpu is always tried last');
}

type Opened = Pick<LoadedModel, 'networkFor' | 'hasCache' | 'graphs' | 'release'>;

/**
 * Opens the sessions on one provider, checks them and warms them up. One weight copy: the step
 * graph alone when the model has it (unless opts.exact asks for the encoder and decoder).
 */
async function openOn(ep: ProviderName, m: Manifest, opts: LoadOptions): Promise<Opened> {
  const options = sessionOptions(ep, opts.threads);
  const a = m.architecture;
  const shape = { nEnc: a.nEnc, nDec: a.nDec, nHeads: a.nHeads, headDim: a.dModel / a.nHeads };
  const sessions: OrtSession[] = [];
  const release = async () => { await Promise.allSettled(sessions.map((s) => s.release())); };
  try {
    let step: OrtSession | null = null;
    if (m.stepFile) {
      step = await createSession(m, m.stepFile, options);
      sessions.push(step);
      checkNames(m, 'step', step, CACHE_STEP_INPUTS, CACHE_STEP_OUTPUTS);
    }
    const cached = (refresh: number) => new CachedNetwork(step as OrtSession, shape, a.vocabSize, refresh, m.specialIds.pad);
    let exact: () => Network;
    if (m.encoderDecoder && (!step || opts.exact === 'encoder-decoder')) {
      const encoder = await createSession(m, m.encoderDecoder.encoder, options);
      sessions.push(encoder);
      const decoder = await createSession(m, m.encoderDecoder.decoder, options);
      sessions.push(decoder);
      checkNames(m, 'encoder', encoder, ENCODER_INPUTS, ENCODER_OUTPUTS);
      checkNames(m, 'decoder', decoder, DECODER_INPUTS, DECODER_OUTPUTS);
      const network = new OnnxNetwork(encoder, decoder, a.vocabSize);
      exact = () => network;
    } else {
      exact = () => cached(1);
    }
    await warmUp(m, exact());
    if (step && opts.exact === 'encoder-decoder') await warmUp(m, cached(1));
    return {
      networkFor: (n) => (n === null || !step ? exact() : cached(n)),
      hasCache: step !== null,
      graphs: step && opts.exact !== 'encoder-decoder' ? 'step' : 'encoder-decoder',
      release,
    };
  } catch (e) {
    await release();
    throw e;
  }
}

/**
 * Session options shared by every graph. Intra-op threads do not spin between runs: the server
 * shares the CPU with the editor, and on a busy 2-core machine spinning threads measurably slowed
 * runs down (encoder pass p50 48 -> 41 ms in a side-by-side test).
 */
function sessionOptions(ep: ProviderName, threads: number) {
  return {
    executionProviders: [ep],
    graphOptimizationLevel: 'all' as const,
    executionMode: 'sequential' as const,
    interOpNumThreads: 1,
    ...(threads > 0 ? { intraOpNumThreads: threads } : {}),
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
}

/**
 * One graph's session. Classified by where it fails, never by the error text: the CPU provider is
 * always there, so a graph that CPU cannot load is the model's fault (ManifestError 'invalid');
 * on any other provider the failure is the provider's, and loadModel tries the next one.
 */
async function createSession(m: Manifest, file: string, options: ReturnType<typeof sessionOptions>): Promise<OrtSession> {
  try {
    return await ort().InferenceSession.create(file, options);
  } catch (e) {
    if (options.executionProviders[0] === 'cpu') throw new ManifestError(m.dir, `${file} is not a valid ONNX model for onnxruntime (${shortReason(e)})`, 'invalid', { cause: e });
    throw e;
  }
}

function checkNames(m: Manifest, which: string, s: OrtSession, ins: readonly string[], outs: readonly string[]): void {
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));
  if (!same(s.inputNames, ins) || !same(s.outputNames, outs)) {
    throw new ManifestError(m.dir, `${which} graph has inputs ${JSON.stringify(s.inputNames)} and outputs ${JSON.stringify(s.outputNames)}; the contract needs ${JSON.stringify(ins)} -> ${JSON.stringify(outs)}`);
  }
}

/** One tiny pass: pages weights in, and checks the logits width against the manifest. */
async function warmUp(m: Manifest, net: Network): Promise<void> {
  const clean = { batch: 1, n: 1, ids: Int32Array.of(m.specialIds.doc), pos: Int32Array.of(0), mask: Uint8Array.of(1) };
  net.startFill?.();
  const state = await net.encode(clean);
  try {
    const logits = await net.decode(state, clean, { batch: 1, q: 1, pos: Int32Array.of(1) });
    if (logits.vocab !== m.architecture.vocabSize) {
      throw new ManifestError(m.dir, `the model produces ${logits.vocab} logits per position; manifest vocab_size is ${m.architecture.vocabSize}`);
    }
  } finally {
    net.releaseMemory?.(state);
  }
}
