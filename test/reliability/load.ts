/**
 * Load test: several documents typed at once like a fast typist (a keystroke every 50-150 ms
 * per document, each followed by an inline completion request, the previous one often
 * cancelled as VS Code does), with explicit `pgm/infill` requests mixed in. Measures latency
 * of answered requests, superseded / cancelled counts, the longest server queue (pgm/status),
 * server RSS over the run, and checks every answer against the invariants.
 *
 *   npm run load                                  # the CI setting (same as the test)
 *   LOAD_REQUESTS=10000 LOAD_DOCS=4 npm run load  # the longer setting of docs/reliability.md
 * Env: LOAD_REQUESTS, LOAD_DOCS, LOAD_SEED, LOAD_MAX_SECONDS, LOAD_REPORT (JSON output path).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CancellationTokenSource, type InlineCompletionList } from 'vscode-languageserver-protocol';
import { PgmErrorCodes, PgmMethods, REQUEST_CANCELLED, type InfillResult } from '../../contract/protocol';
import { startTiny } from '../../harness/lsp';
import { pace, percentile, prng } from './util';
import { TypedDocument, sameRange, sampleSource } from './typist';

export interface LoadConfig {
  requests: number;
  docs: number;
  seed: number;
  maxSeconds: number;
  /** Every answer must arrive within this bound (ms), else it counts as a hang. */
  answerBoundMs: number;
}

export interface LoadReport {
  config: LoadConfig;
  wallSeconds: number;
  sent: { inline: number; explicit: number; total: number };
  answered: { inlineWithItems: number; inlineEmpty: number; explicit: number };
  latencyMs: { inline: { p50: number; p95: number; max: number }; explicit: { p50: number; p95: number; max: number } };
  superseded: number;
  cancelled: number;
  stale: number;
  otherErrors: Record<string, number>;
  longestQueue: number | null;
  rssKiB: { start: number; afterWarmup: number; peak: number; end: number };
  hangs: number;
  violations: string[];
  crashes: number;
}

export function configFromEnv(env = process.env): LoadConfig {
  const n = (k: string, d: number) => (env[k] ? Number(env[k]) : d);
  return {
    requests: n('LOAD_REQUESTS', 1000),
    docs: n('LOAD_DOCS', 3),
    seed: n('LOAD_SEED', 20240501),
    maxSeconds: n('LOAD_MAX_SECONDS', 150),
    answerBoundMs: n('LOAD_ANSWER_BOUND_MS', 30_000),
  };
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const r = (v: number) => Math.round(v * 10) / 10;
  return { p50: r(percentile(s, 50)), p95: r(percentile(s, 95)), max: r(s.at(-1) ?? NaN) };
};

export async function runLoad(cfg: LoadConfig, log: (m: string) => void = () => undefined): Promise<LoadReport> {
  const rand = prng(cfg.seed);
  // The user's defaults: 8 steps, inline capacity 16, explicit capacity 64; fresh seed per fill.
  // models/tiny has random weights, so every suggestion is under the confidence gate; the gate is
  // opened here so the load exercises the whole inline path (post-processing, items), not just the gate.
  const server = await startTiny({ settings: { steps: 8, capacity: 64, seed: -1, confidenceThreshold: -100 } });
  const ready = await server.settled();
  if (ready.state !== 'ready') throw new Error(`model did not load: ${ready.message}`);
  const docs = Array.from({ length: cfg.docs }, (_, i) =>
    new TypedDocument(`file:///load/doc${i}.py`, sampleSource(i === 0 ? 200_000 : 4_000 * (i + 1), i), prng(cfg.seed + 1 + i)));
  for (const d of docs) await server.open(d.uri, d.doc.getText());

  const inlineLat: number[] = [];
  const explicitLat: number[] = [];
  const violations: string[] = [];
  const otherErrors: Record<string, number> = {};
  const r: Omit<LoadReport, 'config' | 'wallSeconds' | 'latencyMs' | 'rssKiB' | 'longestQueue' | 'violations' | 'otherErrors' | 'crashes'> = {
    sent: { inline: 0, explicit: 0, total: 0 }, answered: { inlineWithItems: 0, inlineEmpty: 0, explicit: 0 },
    superseded: 0, cancelled: 0, stale: 0, hangs: 0,
  };
  const rss = { start: server.rssKiB(), afterWarmup: 0, peak: 0 };
  const outstanding = new Set<Promise<void>>();
  const t0 = performance.now();
  const deadline = t0 + cfg.maxSeconds * 1000;
  const budgetLeft = () => r.sent.total < cfg.requests && performance.now() < deadline && !server.exit;

  const countError = (e: unknown): void => {
    const code = (e as { code?: number }).code;
    if (code === REQUEST_CANCELLED) r.cancelled++;
    else if (code === PgmErrorCodes.Superseded) r.superseded++;
    else if (code === PgmErrorCodes.StaleVersion) r.stale++;
    else otherErrors[`${code}: ${String((e as Error).message).slice(0, 80)}`] = (otherErrors[`${code}: ${String((e as Error).message).slice(0, 80)}`] ?? 0) + 1;
  };

  /** Sends a request, times it, bounds it, and records what the answer proves the server saw. */
  const track = <T>(d: TypedDocument, send: () => Promise<T>, judge: (v: T, versionAtSend: number, ms: number) => void) => {
    const versionAtSend = d.version;
    const sentAt = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<'hang'>((res) => (timer = setTimeout(() => res('hang'), cfg.answerBoundMs)));
    const p = Promise.race([send().then((v) => ({ v }), (e: unknown) => ({ e })), bound]).then((out) => {
      clearTimeout(timer);
      if (out === 'hang') {
        r.hangs++;
        violations.push(`no answer within ${cfg.answerBoundMs} ms (${d.uri} v${versionAtSend})`);
        return;
      }
      if ('e' in out) countError(out.e);
      else judge(out.v, versionAtSend, performance.now() - sentAt);
      d.serverSaw = Math.max(d.serverSaw, versionAtSend);
    });
    outstanding.add(p);
    void p.finally(() => outstanding.delete(p));
    return p;
  };

  const typist = async (d: TypedDocument) => {
    let inflight: { cts: CancellationTokenSource; version: number } | null = null;
    let keystrokes = 0;
    while (budgetLeft()) {
      await pace(50 + rand() * 100);
      if (!budgetLeft()) break;
      const edit = d.keystroke();
      keystrokes++;
      await server.change(d.uri, d.version, [edit]);
      if (inflight && rand() < 0.5) inflight.cts.cancel(); // VS Code cancels the outdated request
      const cts = new CancellationTokenSource();
      const position = d.position();
      const mine = { cts, version: d.version };
      inflight = mine;
      r.sent.inline++;
      r.sent.total++;
      void track(d, () => server.conn.sendRequest<InlineCompletionList>('textDocument/inlineCompletion',
        { textDocument: { uri: d.uri }, position, context: { triggerKind: 2 } }, cts.token), (list, v, ms) => {
        if (list.items.length === 0) {
          // The server answers a superseded inline request with no items; tell them apart by
          // whether a newer request for this document was already out.
          if (inflight !== mine) r.superseded++;
          else r.answered.inlineEmpty++;
          return;
        }
        if (d.serverSaw > v) violations.push(`inline item for ${d.uri} v${v} after the server saw v${d.serverSaw}`);
        for (const it of list.items) {
          if (!it.range || !sameRange(it.range as never, { start: position, end: position })) violations.push(`inline item outside the cursor: ${JSON.stringify(it.range)}`);
        }
        r.answered.inlineWithItems++;
        inlineLat.push(ms);
      });
      if (keystrokes % 12 === 0 && budgetLeft()) {
        // An explicit fill of a selection; most of the time the user waits for it.
        const range = d.selection();
        r.sent.explicit++;
        r.sent.total++;
        const p = track(d, () => server.conn.sendRequest<InfillResult>(PgmMethods.infill,
          { textDocument: { uri: d.uri, version: d.version }, ranges: [range], progress: rand() < 0.3 }), (res, v, ms) => {
          if (d.serverSaw > v) violations.push(`fill for ${d.uri} v${v} answered after the server saw v${d.serverSaw}`);
          if (res.edits.length !== 1 || !sameRange(res.edits[0].range, range)) violations.push(`fill edits ${JSON.stringify(res.edits.map((e) => e.range))} != requested ${JSON.stringify(range)}`);
          r.answered.explicit++;
          explicitLat.push(ms);
        });
        if (rand() < 0.7) await p;
      }
      if (r.sent.total >= cfg.requests / 10 && rss.afterWarmup === 0) rss.afterWarmup = server.rssKiB();
      rss.peak = Math.max(rss.peak, server.rssKiB());
      if (r.sent.total % 200 === 0) log(`  ${r.sent.total} requests, rss ${(server.rssKiB() / 1024).toFixed(0)} MiB`);
    }
  };

  await Promise.all(docs.map(typist));
  while (outstanding.size > 0) await Promise.all([...outstanding]);
  const wallSeconds = (performance.now() - t0) / 1000;
  const end = server.rssKiB();
  rss.peak = Math.max(rss.peak, end);
  const queues = server.statuses.map((s) => s.queue?.maxPending).filter((q): q is number => typeof q === 'number');
  const crashed = server.exit !== null;
  await server.close();
  return {
    config: cfg, wallSeconds: Math.round(wallSeconds * 10) / 10, ...r, otherErrors,
    latencyMs: { inline: stats(inlineLat), explicit: stats(explicitLat) },
    longestQueue: queues.length ? Math.max(...queues) : null,
    rssKiB: { ...rss, end }, violations, crashes: crashed ? 1 : 0,
  };
}

export function summarize(rep: LoadReport): string {
  const mb = (k: number) => `${(k / 1024).toFixed(1)} MiB`;
  return [
    `load: ${rep.sent.total} requests (${rep.sent.inline} inline, ${rep.sent.explicit} explicit) on ${rep.config.docs} documents in ${rep.wallSeconds} s, seed ${rep.config.seed}`,
    `  answered: ${rep.answered.inlineWithItems} inline with a suggestion, ${rep.answered.inlineEmpty} inline empty, ${rep.answered.explicit} explicit`,
    `  latency inline p50 ${rep.latencyMs.inline.p50} ms p95 ${rep.latencyMs.inline.p95} ms; explicit p50 ${rep.latencyMs.explicit.p50} ms p95 ${rep.latencyMs.explicit.p95} ms`,
    `  superseded ${rep.superseded}, cancelled ${rep.cancelled}, stale ${rep.stale}, other errors ${JSON.stringify(rep.otherErrors)}`,
    `  longest queue ${rep.longestQueue}; rss start ${mb(rep.rssKiB.start)}, after warm-up ${mb(rep.rssKiB.afterWarmup)}, peak ${mb(rep.rssKiB.peak)}, end ${mb(rep.rssKiB.end)}`,
    `  hangs ${rep.hangs}, crashes ${rep.crashes}, violations ${rep.violations.length}`,
  ].join('\n');
}

if (require.main === module) {
  const cfg = configFromEnv();
  runLoad(cfg, console.log).then((rep) => {
    console.log(summarize(rep));
    const out = process.env.LOAD_REPORT ?? 'test-artifacts/reliability/load.json';
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify(rep, null, 2));
    console.log(`  report: ${out}`);
    process.exitCode = rep.violations.length || rep.crashes || rep.hangs ? 1 : 0;
  }, (e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
