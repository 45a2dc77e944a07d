/**
 * One model, one job at a time, a bounded queue (docs/server.md#scheduling).
 * - explicit jobs (pgm/infill, reloads) run before queued inline jobs, FIFO among themselves,
 *   so typing can never starve a command the user asked for;
 * - an inline job for a document supersedes the older inline job for the same document,
 *   queued (dropped) or running (aborted between sampler steps);
 * - every job can be cancelled from outside (the LSP cancellation token) while queued or running.
 * Pure: no LSP or model imports, so the policy is unit-tested on its own.
 */
export type JobKind = 'inline' | 'explicit';

export type SchedulerErrorReason = 'superseded' | 'queue-full' | 'cancelled';

/** Most jobs waiting at once (the queue bound; docs/server.md#scheduling). */
export const MAX_QUEUED = 16;

export class SchedulerError extends Error {
  constructor(readonly reason: SchedulerErrorReason, message: string) {
    super(message);
    this.name = 'SchedulerError';
  }
}

export interface JobSpec<T> {
  kind: JobKind;
  /** Inline jobs with the same key supersede each other (the document URI). */
  key?: string;
  run(ctx: RunContext): Promise<T>;
  /** Aborting it cancels the job (queued: dropped; running: aborted). */
  signal?: AbortSignal;
}

interface Entry {
  spec: JobSpec<unknown>;
  controller: AbortController;
  resolve(v: unknown): void;
  reject(e: unknown): void;
  /** Why the job was aborted, so the rejection says superseded rather than cancelled. */
  abortReason?: SchedulerErrorReason;
  enqueuedAt: number;
}

export interface RunContext {
  /** Aborted when the job is cancelled or superseded; check it between steps. */
  signal: AbortSignal;
  /** ms the job waited in the queue. */
  queuedMs: number;
}

export class Scheduler {
  private readonly queue: Entry[] = [];
  private running: Entry | null = null;
  private highWater = 0;

  constructor(private readonly maxQueued = MAX_QUEUED) {}

  get pending(): number {
    return this.queue.length;
  }

  /** The longest the queue has been (jobs waiting, not counting the running one). */
  get maxPending(): number {
    return this.highWater;
  }

  get busy(): boolean {
    return this.running !== null;
  }

  submit<T>(spec: JobSpec<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (spec.signal?.aborted) return reject(new SchedulerError('cancelled', 'cancelled before it started'));
      const entry: Entry = { spec: spec as JobSpec<unknown>, controller: new AbortController(), resolve: resolve as (v: unknown) => void, reject, enqueuedAt: Date.now() };
      if (spec.kind === 'inline' && spec.key !== undefined) this.supersede(spec.key);
      if (this.queue.length >= this.maxQueued && !this.evictInline(spec.kind)) {
        return reject(new SchedulerError('queue-full', `server busy: ${this.queue.length} requests queued`));
      }
      spec.signal?.addEventListener('abort', () => this.cancel(entry), { once: true });
      this.enqueue(entry);
      this.pump();
    });
  }

  /** Rejects everything queued and aborts the running job (shutdown). */
  cancelAll(): void {
    for (const e of this.queue.splice(0)) e.reject(new SchedulerError('cancelled', 'server shutting down'));
    if (this.running) this.abort(this.running, 'cancelled');
  }

  private enqueue(entry: Entry): void {
    if (entry.spec.kind === 'explicit') {
      const firstInline = this.queue.findIndex((e) => e.spec.kind === 'inline');
      this.queue.splice(firstInline < 0 ? this.queue.length : firstInline, 0, entry);
    } else {
      this.queue.push(entry);
    }
    this.highWater = Math.max(this.highWater, this.queue.length);
  }

  private supersede(key: string): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const e = this.queue[i];
      if (e.spec.kind === 'inline' && e.spec.key === key) {
        this.queue.splice(i, 1);
        e.reject(new SchedulerError('superseded', 'superseded by a newer inline request'));
      }
    }
    const r = this.running;
    if (r && r.spec.kind === 'inline' && r.spec.key === key) this.abort(r, 'superseded');
  }

  /** Makes room for an explicit job by dropping the oldest queued inline job. */
  private evictInline(kind: JobKind): boolean {
    if (kind !== 'explicit') return false;
    const i = this.queue.findIndex((e) => e.spec.kind === 'inline');
    if (i < 0) return false;
    const [e] = this.queue.splice(i, 1);
    e.reject(new SchedulerError('superseded', 'dropped to make room for an explicit request'));
    return true;
  }

  private cancel(entry: Entry): void {
    const i = this.queue.indexOf(entry);
    if (i >= 0) {
      this.queue.splice(i, 1);
      entry.reject(new SchedulerError('cancelled', 'cancelled while queued'));
    } else if (this.running === entry) {
      this.abort(entry, 'cancelled');
    }
  }

  private abort(entry: Entry, reason: SchedulerErrorReason): void {
    entry.abortReason ??= reason;
    entry.controller.abort();
  }

  private pump(): void {
    if (this.running || this.queue.length === 0) return;
    const entry = this.queue.shift() as Entry;
    this.running = entry;
    const ctx: RunContext = { signal: entry.controller.signal, queuedMs: Date.now() - entry.enqueuedAt };
    Promise.resolve()
      .then(() => entry.spec.run(ctx))
      .then(
        (v) => (entry.abortReason ? entry.reject(new SchedulerError(entry.abortReason, entry.abortReason)) : entry.resolve(v)),
        (e) => entry.reject(entry.abortReason ? new SchedulerError(entry.abortReason, `${entry.abortReason} while running`) : e),
      )
      .finally(() => {
        this.running = null;
        this.pump();
      });
  }
}
