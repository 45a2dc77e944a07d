/**
 * The one owner of the loaded model: an explicit state (stopped | loading | ready | error),
 * status notifications on every change, reload when model settings change, release on
 * shutdown. A failed load leaves the server running in the error state, answering requests
 * with ModelUnavailable and the reason.
 */
import { performance } from 'node:perf_hooks';
import { PgmErrorCodes, type ModelErrorKind, type StatusParams } from '../../contract/protocol';
import type { PgmSettings } from '../../contract/settings';
import { loadModel, type LoadedModel } from '../model/host';
import { ManifestError } from '../model/manifest';
import { resolveModelDir } from '../model/locate';
import { PgmError } from './errors';

export type ModelState =
  | { kind: 'stopped' }
  | { kind: 'loading'; dir: string; done: Promise<void> }
  | { kind: 'ready'; dir: string; model: LoadedModel }
  | { kind: 'error'; dir: string; message: string; errorKind: ModelErrorKind };

type ModelSettings = Pick<PgmSettings, 'modelPath' | 'executionProvider' | 'threads'>;

export class ModelOwner {
  private state: ModelState = { kind: 'stopped' };
  private key = '';
  private lastLatencyMs: number | undefined;
  /** The last fill failure, until a fill succeeds or the model reloads. */
  private lastFailure: string | undefined;

  constructor(
    private readonly notify: (s: StatusParams) => void,
    private readonly log: (m: string) => void,
    /** Failures go to the client's log at [error] (lifecycle lines at [info]). */
    private readonly logError: (m: string) => void = log,
  ) {}

  get current(): ModelState {
    return this.state;
  }

  /** Loads (or reloads) when the model settings differ from the loaded ones. */
  async apply(settings: ModelSettings): Promise<void> {
    const dir = resolveModelDir(settings.modelPath);
    const key = JSON.stringify([dir, settings.executionProvider, settings.threads]);
    if (key === this.key && this.state.kind !== 'stopped') return this.state.kind === 'loading' ? this.state.done : undefined;
    this.key = key;
    await this.release();
    this.lastFailure = undefined;
    const done = this.load(dir, settings);
    this.state = { kind: 'loading', dir, done };
    this.publish();
    return done;
  }

  private async load(dir: string, settings: ModelSettings): Promise<void> {
    const t0 = performance.now();
    try {
      const model = await loadModel(dir, { executionProvider: settings.executionProvider, threads: settings.threads });
      this.state = { kind: 'ready', dir, model };
      this.log(`model ${model.manifest.name} loaded from ${dir} on ${model.device} in ${(performance.now() - t0).toFixed(0)} ms`);
      for (const [ep, why] of Object.entries(model.providerNotes)) this.log(`  provider ${ep}: ${why}`);
      this.log(`  context cache: ${model.cacheNote}`);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.state = { kind: 'error', dir, message, errorKind: loadErrorKind(e) };
      this.logError(`model load failed: ${message}`);
    }
    this.publish();
  }

  /** The ready model; waits for a load in progress; throws ModelUnavailable otherwise. */
  async ready(): Promise<LoadedModel> {
    if (this.state.kind === 'loading') await this.state.done;
    const s = this.state;
    if (s.kind === 'ready') return s.model;
    if (s.kind === 'error') throw new PgmError(PgmErrorCodes.ModelUnavailable, s.message, s.errorKind);
    throw new PgmError(PgmErrorCodes.ModelUnavailable, 'no model loaded yet', 'modelNotLoaded');
  }

  recordLatency(ms: number): void {
    this.lastLatencyMs = Math.round(ms);
    this.lastFailure = undefined;
    this.publish();
  }

  /** A fill failed inside the model: logged and shown in the status once per distinct cause. */
  recordFailure(message: string): void {
    if (message === this.lastFailure) return;
    this.lastFailure = message;
    this.logError(message);
    this.publish();
  }

  async release(): Promise<void> {
    const s = this.state;
    if (s.kind === 'loading') await s.done.catch(() => undefined);
    const now = this.state;
    if (now.kind === 'ready') await now.model.release();
    this.state = { kind: 'stopped' };
  }

  status(): StatusParams {
    const s = this.state;
    switch (s.kind) {
      case 'ready':
        return {
          state: 'ready', model: s.model.manifest.name, modelPath: s.dir, device: s.model.device, providerNotes: s.model.providerNotes,
          contextCache: s.model.cacheNote,
          lastLatencyMs: this.lastLatencyMs, ...(this.lastFailure ? { message: this.lastFailure } : {}),
        };
      case 'error':
        return { state: 'error', modelPath: s.dir, message: s.message, errorKind: s.errorKind };
      case 'loading':
        return { state: 'loading', modelPath: s.dir, message: 'loading model' };
      default:
        return { state: 'loading', message: 'waiting for settings' };
    }
  }

  private publish(): void {
    this.notify(this.status());
  }
}

/**
 * The kind of a failed load, from the error's type (set where it was raised): the model folder's
 * faults (model/manifest.ts ManifestError), else the model could not start on any provider.
 */
export function loadErrorKind(e: unknown): ModelErrorKind {
  if (e instanceof ManifestError) return e.fault === 'missing' ? 'modelMissing' : 'modelInvalid';
  return 'providerFailed';
}
