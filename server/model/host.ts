/**
 * Loading a model folder: manifest validation, tokenizer, ONNX sessions on the best execution
 * provider that actually starts, graph input/output check, warm-up. A LoadedModel owns its
 * sessions; `release()` frees them (on restart, reload and shutdown).
 */
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
}

export interface LoadedModel {
  manifest: Manifest;
  tokenizer: ModelTokenizer;
  network: OnnxNetwork;
  /**
   * The network one fill should use: exact for null; with the approximate context cache
   * (model/cachedNetwork.ts, full re-encode every N rounds, 0 = once per fill) for N >= 0 when
   * the model has the cache graph, else exact. A fresh object per fill (sessions are shared).
   */
  networkFor(contextCache: number | null): Network;
  /** Whether the model ships the context-cache graph. */
  hasCache: boolean;
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
      const { encoder, decoder, network } = await openOn(ep, manifest, opts.threads);
      const step = await openCache(ep, manifest, opts.threads).catch(async (e) => {
        await Promise.allSettled([encoder.release(), decoder.release()]);
        throw e;
      });
      if (ep === 'cpu' && opts.executionProvider !== 'cpu' && opts.executionProvider !== 'auto') {
        notes[opts.executionProvider] ??= 'not available';
      }
      const a = manifest.architecture;
      const shape = { nEnc: a.nEnc, nDec: a.nDec, nHeads: a.nHeads, headDim: a.dModel / a.nHeads };
      return {
        manifest, tokenizer, network, device: ep, providerNotes: notes, loadMs: performance.now() - t0,
        networkFor: (n) => (n === null || !step ? network : new CachedNetwork(step, shape, a.vocabSize, n, manifest.specialIds.pad)),
        hasCache: step !== null,
        cacheNote: step ? 'available (cache_step.onnx, approximate)' : 'not in this model (training/cache_export.py adds it)',
        release: async () => { await Promise.allSettled([encoder.release(), decoder.release(), step?.release()]); },
      };
    } catch (e) {
      if (e instanceof ManifestError || ep === 'cpu') throw e;
      notes[ep] = `failed to start: ${shortReason(e)}`;
    }
  }
  throw new Error('unreachable: cpu is always tried last');
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

async function openOn(ep: ProviderName, m: Manifest, threads: number) {
  const options = sessionOptions(ep, threads);
  const encoder = await createSession(m, m.encoderFile, options);
  let decoder: OrtSession | null = null;
  try {
    decoder = await createSession(m, m.decoderFile, options);
    checkNames(m, 'encoder', encoder, ENCODER_INPUTS, ENCODER_OUTPUTS);
    checkNames(m, 'decoder', decoder, DECODER_INPUTS, DECODER_OUTPUTS);
    const network = new OnnxNetwork(encoder, decoder, m.architecture.vocabSize);
    await warmUp(m, network);
    return { encoder, decoder, network };
  } catch (e) {
    await Promise.allSettled([encoder.release(), decoder?.release()]);
    throw e;
  }
}

/** The context-cache step session when the model ships the graph (checked by name). */
async function openCache(ep: ProviderName, m: Manifest, threads: number): Promise<OrtSession | null> {
  if (!m.cacheGraphs) return null;
  const step = await createSession(m, m.cacheGraphs.step, sessionOptions(ep, threads));
  try {
    checkNames(m, 'cache_step', step, CACHE_STEP_INPUTS, CACHE_STEP_OUTPUTS);
  } catch (e) {
    await step.release();
    throw e;
  }
  return step;
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
async function warmUp(m: Manifest, net: OnnxNetwork): Promise<void> {
  const clean = { batch: 1, n: 1, ids: Int32Array.of(m.specialIds.doc), pos: Int32Array.of(0), mask: Uint8Array.of(1) };
  const state = await net.encode(clean);
  const logits = await net.decode(state, clean, { batch: 1, q: 1, pos: Int32Array.of(1) });
  if (logits.vocab !== m.architecture.vocabSize) {
    throw new ManifestError(m.dir, `decoder produces ${logits.vocab} logits per position; manifest vocab_size is ${m.architecture.vocabSize}`);
  }
  net.encoderCalls = 0;
  net.encoderMs = 0;
  net.decoderMs = 0;
}
