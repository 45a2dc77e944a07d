import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Scheduler, SchedulerError, type RunContext } from '../../server/lsp/scheduler';

/** A job that waits until released (or aborted) and records when it ran. */
function gate(log: string[], name: string) {
  let release!: () => void;
  const done = new Promise<void>((r) => (release = r));
  const run = async (ctx: RunContext) => {
    log.push(`start ${name}`);
    await Promise.race([done, new Promise((r) => ctx.signal.addEventListener('abort', r))]);
    if (ctx.signal.aborted) throw new Error('aborted');
    log.push(`end ${name}`);
    return name;
  };
  return { run, release: () => release() };
}

const reason = (e: unknown) => (e instanceof SchedulerError ? e.reason : String(e));
const tick = () => new Promise((r) => setImmediate(r));

describe('scheduler', () => {
  it('runs one job at a time in order', async () => {
    const s = new Scheduler();
    const log: string[] = [];
    const a = gate(log, 'a');
    const b = gate(log, 'b');
    const pa = s.submit({ kind: 'explicit', run: a.run });
    const pb = s.submit({ kind: 'explicit', run: b.run });
    await tick();
    assert.deepEqual(log, ['start a']);
    a.release();
    b.release();
    assert.deepEqual(await Promise.all([pa, pb]), ['a', 'b']);
    assert.deepEqual(log, ['start a', 'end a', 'start b', 'end b']);
  });

  it('a newer inline request supersedes the queued and the running one for the same document', async () => {
    const s = new Scheduler();
    const log: string[] = [];
    const jobs = ['i1', 'i2', 'i3'].map((n) => gate(log, n));
    const p1 = s.submit({ kind: 'inline', key: 'doc', run: jobs[0].run }).catch(reason);
    await tick();
    const p2 = s.submit({ kind: 'inline', key: 'doc', run: jobs[1].run }).catch(reason);
    const p3 = s.submit({ kind: 'inline', key: 'doc', run: jobs[2].run }).catch(reason);
    jobs[2].release();
    assert.equal(await p1, 'superseded');
    assert.equal(await p2, 'superseded');
    assert.equal(await p3, 'i3');
  });

  it('inline requests for other documents are kept', async () => {
    const s = new Scheduler();
    const log: string[] = [];
    const a = gate(log, 'a');
    const b = gate(log, 'b');
    a.release();
    b.release();
    assert.deepEqual(await Promise.all([
      s.submit({ kind: 'inline', key: 'x', run: a.run }),
      s.submit({ kind: 'inline', key: 'y', run: b.run }),
    ]), ['a', 'b']);
  });

  it('explicit jobs go before queued inline jobs (not starved by typing)', async () => {
    const s = new Scheduler();
    const log: string[] = [];
    const first = gate(log, 'first');
    const p0 = s.submit({ kind: 'inline', key: 'd0', run: first.run });
    const inl = [1, 2, 3].map((i) => gate(log, `inline${i}`));
    const ps = inl.map((g, i) => s.submit({ kind: 'inline', key: `d${i + 1}`, run: g.run }));
    const ex = gate(log, 'explicit');
    const pe = s.submit({ kind: 'explicit', run: ex.run });
    [first, ...inl, ex].forEach((g) => g.release());
    await Promise.all([p0, ...ps, pe]);
    assert.deepEqual(log.filter((l) => l.startsWith('start')), ['start first', 'start explicit', 'start inline1', 'start inline2', 'start inline3']);
  });

  it('cancels a queued job and aborts a running one', async () => {
    const s = new Scheduler();
    const log: string[] = [];
    const a = gate(log, 'a');
    const b = gate(log, 'b');
    const ca = new AbortController();
    const cb = new AbortController();
    const pa = s.submit({ kind: 'explicit', run: a.run, signal: ca.signal }).catch(reason);
    const pb = s.submit({ kind: 'explicit', run: b.run, signal: cb.signal }).catch(reason);
    await tick();
    cb.abort();
    ca.abort();
    assert.equal(await pa, 'cancelled');
    assert.equal(await pb, 'cancelled');
    assert.deepEqual(log, ['start a']);
    assert.equal(s.busy, false);
  });

  it('is bounded: a full queue refuses inline work but makes room for explicit work', async () => {
    const s = new Scheduler(2);
    const log: string[] = [];
    const run = gate(log, 'r');
    const pr = s.submit({ kind: 'explicit', run: run.run });
    await tick();
    const q1 = s.submit({ kind: 'inline', key: 'a', run: async () => 'q1' }).catch(reason);
    const q2 = s.submit({ kind: 'inline', key: 'b', run: async () => 'q2' }).catch(reason);
    const q3 = s.submit({ kind: 'inline', key: 'c', run: async () => 'q3' }).catch(reason);
    const e = s.submit({ kind: 'explicit', run: async () => 'e' }).catch(reason);
    run.release();
    await pr;
    assert.equal(await q3, 'queue-full');
    assert.equal(await q1, 'superseded');
    assert.deepEqual([await e, await q2], ['e', 'q2']);
  });

  it('reports the time a job waited in the queue and survives a failing job', async () => {
    const s = new Scheduler();
    const failing = s.submit({ kind: 'explicit', run: async () => { throw new Error('boom'); } });
    await assert.rejects(failing, /boom/);
    let release = () => {};
    const blocker = s.submit({ kind: 'explicit', run: () => new Promise<void>((r) => { release = r; }) });
    const queued = s.submit({ kind: 'explicit', run: async (ctx) => ctx.queuedMs });
    await new Promise((r) => setTimeout(r, 40));
    release();
    await blocker;
    // It waited behind the blocker for at least the 40 ms the blocker ran (a lower bound only).
    assert.ok((await queued) >= 35, `queuedMs ${await queued}`);
  });

  it('remembers the longest queue it has seen (reported in pgm/status)', async () => {
    const s = new Scheduler();
    const log: string[] = [];
    const run = gate(log, 'r');
    const pr = s.submit({ kind: 'explicit', run: run.run });
    await tick();
    const queued = ['a', 'b', 'c'].map((k) => s.submit({ kind: 'inline', key: k, run: async () => k }));
    assert.deepEqual([s.pending, s.maxPending], [3, 3]);
    run.release();
    await Promise.all([pr, ...queued]);
    assert.deepEqual([s.pending, s.maxPending], [0, 3]);
  });
});
