/**
 * Fuzzing a live server: seeded random and malformed requests (unknown URIs, bad/overlapping/
 * huge numbers of ranges, absurd options, binary and invalid UTF-8 text, a 10 MB document,
 * very long lines, racing edits and cancellations), several in flight at once. Every response
 * is checked: the server is alive, it answered (result or a clear error) within a bound, edits
 * only cover the requested ranges, and no answer was given for a version the server had
 * already seen replaced.
 *
 *   node --import tsx test/reliability/fuzz.ts                        # the CI setting (seed 1)
 *   FUZZ_CASES=10000 FUZZ_SEED=$RANDOM node --import tsx test/reliability/fuzz.ts
 * Env: FUZZ_CASES, FUZZ_SEED, FUZZ_CONCURRENCY, FUZZ_BIG (number of 10 MB documents), FUZZ_REPORT.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CancellationTokenSource, type InlineCompletionList } from 'vscode-languageserver-protocol';
import { PgmErrorCodes, PgmMethods, REQUEST_CANCELLED, type InfillResult } from '../../contract/protocol';
import { startTiny } from '../../harness/lsp';
import { prng } from './util';
import { TypedDocument, sameRange, sampleSource } from './typist';

export interface FuzzConfig {
  cases: number;
  seed: number;
  concurrency: number;
  big: number;
  answerBoundMs: number;
}

export interface FuzzReport {
  config: FuzzConfig;
  wallSeconds: number;
  /** How each case was answered (result kind or error code name). */
  outcomes: Record<string, number>;
  kinds: Record<string, number>;
  rssKiB: { start: number; peak: number; end: number };
  restarts: number;
  violations: string[];
}

export function fuzzConfigFromEnv(env = process.env): FuzzConfig {
  const n = (k: string, d: number) => (env[k] ? Number(env[k]) : d);
  return {
    cases: n('FUZZ_CASES', 1000), seed: n('FUZZ_SEED', 1),
    concurrency: n('FUZZ_CONCURRENCY', 4), big: n('FUZZ_BIG', 1), answerBoundMs: n('FUZZ_ANSWER_BOUND_MS', 60_000),
  };
}

/** Our codes, cancellation, and JSON-RPC's own InvalidParams (params of the wrong shape, e.g. an array). */
const KNOWN_CODES = new Set<number>([...Object.values(PgmErrorCodes), REQUEST_CANCELLED, -32602]);

type Req = { method: string; params: unknown; cancelAfter?: 'now' | 'soon'; expectRanges?: unknown; doc?: TypedDocument };

export async function runFuzz(cfg: FuzzConfig, log: (m: string) => void = () => undefined): Promise<FuzzReport> {
  const rand = prng(cfg.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const settings = { steps: 2, capacity: 6, seed: 1, inline: { enabled: true, maxTokens: 4 } };
  let server = await startTiny({ settings });
  await server.settled();
  const rss = { start: server.rssKiB(), peak: 0, end: 0 };
  const violations: string[] = [];
  const outcomes: Record<string, number> = {};
  const kinds: Record<string, number> = {};
  let restarts = 0;
  let nextDoc = 0;

  const docs: TypedDocument[] = [];
  /** Opens a document; only `pool` documents are picked for later cases (not the binary ones). */
  const openDoc = async (text: string, pool = true): Promise<TypedDocument> => {
    const d = new TypedDocument(`file:///fuzz/${nextDoc++}.py`, text, prng(cfg.seed ^ nextDoc));
    await server.open(d.uri, text);
    if (!pool) return d;
    docs.push(d);
    if (docs.length > 12) {
      const old = docs.shift()!;
      await server.conn.sendNotification('textDocument/didClose', { textDocument: { uri: old.uri } });
    }
    return d;
  };
  for (let i = 0; i < 3; i++) await openDoc(sampleSource(int(100, 5000), i));

  const anyDoc = () => pick(docs);
  const pos = (d: TypedDocument) => {
    const line = int(0, d.doc.lineCount - 1);
    return { line, character: int(0, d.lineLength(line)) };
  };
  const range = (d: TypedDocument) => {
    const a = pos(d);
    return rand() < 0.3 ? { start: a, end: a } : { start: a, end: { line: a.line, character: int(a.character, d.lineLength(a.line)) } };
  };
  const badNumber = () => pick([-1, 0, 1, 1e9, -1e9, 2 ** 53, 0.5, null, 'NaN', '7', true, {}, [], undefined, Number.MAX_VALUE]);
  const badOptions = () => {
    const o: Record<string, unknown> = {};
    for (const k of ['steps', 'capacity', 'temperature', 'topP', 'seed', 'order', 'singleLine']) {
      if (rand() < 0.4) o[k] = k === 'order' ? pick(['random', 'confidence', 'left-to-right', 'zigzag', 3, null]) : badNumber();
    }
    return rand() < 0.1 ? pick([null, 'options', 42, []]) : o;
  };
  const disjointRanges = (d: TypedDocument, n: number) => {
    const lines = Array.from(new Set(Array.from({ length: n }, () => int(0, d.doc.lineCount - 1)))).sort((a, b) => a - b);
    return lines.map((line) => ({ start: { line, character: 0 }, end: { line, character: Math.min(3, d.lineLength(line)) } }));
  };
  const infill = (d: TypedDocument, ranges: unknown, extra: object = {}): Req =>
    ({ method: PgmMethods.infill, params: { textDocument: { uri: d.uri, version: d.version }, ranges, ...extra }, expectRanges: ranges, doc: d });

  /** One random case: a request (maybe with a racing edit or cancellation). */
  const bigAt = new Set(Array.from({ length: cfg.big }, (_, i) => Math.floor(((i + 0.5) * cfg.cases) / Math.max(1, cfg.big))));
  const makeCase = async (n: number): Promise<{ kind: string; req: Req; race?: () => Promise<void> }> => {
    const d = anyDoc();
    const kind = bigAt.has(n) ? 'big-doc' : pick([
      'valid', 'valid', 'valid-options', 'unknown-uri', 'out-of-bounds', 'inverted', 'overlapping', 'no-ranges',
      'many-ranges', 'too-many-ranges', 'junk-range', 'stale-version', 'future-version', 'bad-version', 'bad-params',
      'binary', 'invalid-utf8', 'long-line', 'race-edit', 'cancel', 'inline', 'inline-bad', 'inline-race', 'closed-doc',
    ]);
    kinds[kind] = (kinds[kind] ?? 0) + 1;
    switch (kind) {
      case 'valid': return { kind, req: infill(d, [range(d)]) };
      case 'valid-options': return { kind, req: infill(d, [range(d)], { options: badOptions(), progress: rand() < 0.5, requestId: pick([undefined, '', 'x', 42]) }) };
      case 'unknown-uri': return { kind, req: { method: pick([PgmMethods.infill, 'textDocument/inlineCompletion']), params: { textDocument: { uri: pick(['file:///nope.py', '', 'http://x/y', 42, null]), version: 1 }, ranges: [range(d)], position: pos(d) } } };
      case 'out-of-bounds': {
        const p = pick([{ line: d.doc.lineCount + int(0, 5), character: 0 }, { line: 0, character: d.lineLength(0) + int(1, 100) }, { line: -1, character: 0 }, { line: 0, character: -5 }, { line: 1e12, character: 1e12 }]);
        return { kind, req: infill(d, [rand() < 0.5 ? { start: p, end: p } : { start: { line: 0, character: 0 }, end: p }]) };
      }
      case 'inverted': {
        const g = range(d);
        const a = pos(d);
        return { kind, req: infill(d, [g.start.line === a.line && g.start.character === a.character ? { start: { line: a.line + 1, character: 0 }, end: a } : { start: { line: Math.max(a.line, g.end.line) + 1, character: 0 }, end: g.end }]) };
      }
      case 'overlapping': { const g = range(d); return { kind, req: infill(d, [g, rand() < 0.5 ? g : { start: g.start, end: g.start }]) }; }
      case 'no-ranges': return { kind, req: infill(d, pick([[], null, undefined, 'all', {}])) };
      case 'many-ranges': return { kind, req: infill(d, disjointRanges(d, int(2, 64))) };
      case 'too-many-ranges': return { kind, req: infill(d, Array.from({ length: int(65, 5000) }, () => ({ start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }))) };
      case 'junk-range': return { kind, req: infill(d, [pick([null, 1, 'x', { start: 1, end: 2 }, { start: { line: 'a', character: 0 }, end: { line: 0, character: 0 } }, { start: { line: 0.5, character: 0 }, end: { line: 0, character: 0 } }])]) };
      case 'stale-version': return { kind, req: { ...infill(d, [range(d)]), params: { textDocument: { uri: d.uri, version: d.version - int(1, 3) }, ranges: [range(d)] } } };
      case 'future-version': return { kind, req: { ...infill(d, [range(d)]), params: { textDocument: { uri: d.uri, version: d.version + int(1, 1000) }, ranges: [range(d)] } } };
      case 'bad-version': return { kind, req: { method: PgmMethods.infill, params: { textDocument: { uri: d.uri, version: badNumber() }, ranges: [range(d)] } } };
      case 'bad-params': return { kind, req: { method: pick([PgmMethods.infill, 'textDocument/inlineCompletion', PgmMethods.reload]), params: pick([null, [], 'x', 7, { textDocument: null }, { textDocument: { uri: d.uri } }]) } };
      case 'binary': {
        const b = await openDoc(`x = 1\n${'\u0000'.repeat(int(1, 100))}\ny = 2\n`, false);
        return { kind, req: infill(b, [{ start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }]) };
      }
      case 'invalid-utf8': {
        // What a file with invalid UTF-8 or random bytes reaches the server as (decoded lossily),
        // plus lone surrogates, which JSON carries escaped.
        const junk = Buffer.from(Array.from({ length: int(50, 4000) }, () => int(0, 255))).toString('utf8').replaceAll('\u0000', '');
        const b = await openDoc(`a = 1\n${rand() < 0.5 ? junk : '\ud800\udfff\ud800x'.repeat(int(1, 200))}\n`, false);
        return { kind, req: infill(b, [{ start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }]) };
      }
      case 'long-line': {
        const line = 'x = [' + '1, '.repeat(int(10_000, 400_000)) + ']';
        const b = await openDoc(`import os\n${line}\nprint(x)\n`, false);
        const c = int(0, line.length);
        return { kind, req: infill(b, [{ start: { line: 1, character: c }, end: { line: 1, character: c } }]) };
      }
      case 'big-doc': {
        const b = await openDoc(sampleSource(10 * 1024 * 1024, 99), false);
        return { kind, req: infill(b, [range(b), range(b)].sort((x, y) => x.start.line - y.start.line).filter((x, i, a) => i === 0 || x.start.line > a[i - 1].end.line)) };
      }
      case 'race-edit': {
        const req = infill(d, [range(d)], { progress: rand() < 0.5 });
        return { kind, req, race: async () => { const e = d.keystroke(); await server.change(d.uri, d.version, [e]); } };
      }
      case 'cancel': return { kind, req: { ...infill(d, [range(d)]), cancelAfter: pick(['now', 'soon'] as const) } };
      case 'inline': return { kind, req: { method: 'textDocument/inlineCompletion', params: { textDocument: { uri: d.uri }, position: pos(d), context: { triggerKind: 1 } }, doc: d } };
      case 'inline-bad': return { kind, req: { method: 'textDocument/inlineCompletion', params: { textDocument: { uri: d.uri }, position: pick([{ line: -1, character: 0 }, { line: 1e9, character: 2 }, null, { line: 0, character: 1e9 }]), context: { triggerKind: 1 } } } };
      case 'inline-race': return {
        kind, req: { method: 'textDocument/inlineCompletion', params: { textDocument: { uri: d.uri }, position: d.position(), context: { triggerKind: 2 } }, doc: d, cancelAfter: rand() < 0.3 ? 'soon' : undefined },
        race: async () => { const e = d.keystroke(); await server.change(d.uri, d.version, [e]); },
      };
      default: { // closed-doc
        const b = await openDoc('z = 0\n', false);
        await server.conn.sendNotification('textDocument/didClose', { textDocument: { uri: b.uri } });
        return { kind, req: infill(b, [{ start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }]) };
      }
    }
  };

  const judge = (kind: string, req: Req, out: { v?: unknown; e?: unknown }, versionAtSend: number) => {
    const where = `${kind} ${req.method} ${JSON.stringify(req.params)?.slice(0, 160)}`;
    if (out.e !== undefined) {
      const code = (out.e as { code?: number }).code;
      const msg = (out.e as Error).message;
      if (typeof code !== 'number' || !KNOWN_CODES.has(code)) violations.push(`unclear error ${code} "${msg?.slice(0, 120)}" for ${where}`);
      else if (!msg) violations.push(`error ${code} without a message for ${where}`);
      const name = Object.entries(PgmErrorCodes).find(([, c]) => c === code)?.[0] ?? (code === REQUEST_CANCELLED ? 'Cancelled' : `code ${code}`);
      outcomes[`error ${name}`] = (outcomes[`error ${name}`] ?? 0) + 1;
      return;
    }
    const d = req.doc;
    if (req.method === PgmMethods.infill) {
      const res = out.v as InfillResult;
      const asked = req.expectRanges as never[];
      if (!Array.isArray(res?.edits) || res.edits.length !== asked.length) violations.push(`edits do not match ranges for ${where}`);
      else res.edits.forEach((e, i) => { if (!sameRange(e.range, asked[i])) violations.push(`edit outside the requested range ${JSON.stringify(e.range)} for ${where}`); });
      if (d && d.serverSaw > versionAtSend) violations.push(`fill for v${versionAtSend} answered after the server saw v${d.serverSaw}: ${where}`);
      outcomes['answered fill'] = (outcomes['answered fill'] ?? 0) + 1;
    } else if (req.method === 'textDocument/inlineCompletion') {
      const list = out.v as InlineCompletionList;
      const at = (req.params as { position: never }).position;
      for (const it of list?.items ?? []) if (!it.range || !sameRange(it.range as never, { start: at, end: at })) violations.push(`inline item away from the cursor for ${where}`);
      if (d && (list?.items.length ?? 0) > 0 && d.serverSaw > versionAtSend) violations.push(`inline item for v${versionAtSend} after the server saw v${d.serverSaw}`);
      outcomes[list?.items.length ? 'answered inline' : 'answered inline (empty)'] = (outcomes[list?.items.length ? 'answered inline' : 'answered inline (empty)'] ?? 0) + 1;
    } else {
      outcomes[`answered ${req.method}`] = (outcomes[`answered ${req.method}`] ?? 0) + 1;
    }
  };

  const runCase = async (n: number) => {
    const { kind, req, race } = await makeCase(n);
    const cts = new CancellationTokenSource();
    const versionAtSend = req.doc?.version ?? 0;
    const params = req.params === undefined ? null : req.params;
    const sent = server.conn.sendRequest(req.method, params, cts.token).then((v) => ({ v }), (e: unknown) => ({ e }));
    if (req.cancelAfter === 'now') cts.cancel();
    if (race) await race();
    if (req.cancelAfter === 'soon') setImmediate(() => cts.cancel());
    let timer: NodeJS.Timeout | undefined;
    const t0 = performance.now();
    const out = await Promise.race([sent, new Promise<'hang'>((r) => (timer = setTimeout(() => r('hang'), cfg.answerBoundMs)))]);
    clearTimeout(timer);
    if (out === 'hang') violations.push(`no answer within ${cfg.answerBoundMs} ms: case ${n} ${kind}`);
    else {
      judge(kind, req, out, versionAtSend);
      if (req.doc) req.doc.serverSaw = Math.max(req.doc.serverSaw, versionAtSend);
    }
    // One-case documents (binary, huge, long lines) are closed after their case, as an editor would.
    if (req.doc && !docs.includes(req.doc)) await server.conn.sendNotification('textDocument/didClose', { textDocument: { uri: req.doc.uri } });
    if (performance.now() - t0 > 10_000) log(`  case ${n} (${kind}) took ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    rss.peak = Math.max(rss.peak, server.rssKiB());
    if (server.exit) {
      violations.push(`server exited ${JSON.stringify(server.exit)} after case ${n} ${kind}: ${server.stderr.join('').slice(-500)}`);
      restarts++;
      server = await startTiny({ settings });
      await server.settled();
      docs.length = 0;
      for (let i = 0; i < 3; i++) await openDoc(sampleSource(int(100, 5000), i));
    }
  };

  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < cfg.cases) {
      const n = next++;
      await runCase(n);
      if ((n + 1) % 250 === 0) log(`  ${n + 1} cases, rss ${(server.rssKiB() / 1024).toFixed(0)} MiB, violations ${violations.length}`);
    }
  };
  await Promise.all(Array.from({ length: cfg.concurrency }, worker));
  rss.end = server.rssKiB();
  const stillUp = server.exit === null;
  await server.close();
  if (!stillUp) violations.push('server not running at the end');
  return { config: cfg, wallSeconds: Math.round((performance.now() - t0) / 100) / 10, outcomes, kinds, rssKiB: rss, restarts, violations };
}

export function summarizeFuzz(r: FuzzReport): string {
  const mb = (k: number) => `${(k / 1024).toFixed(1)} MiB`;
  return [
    `fuzz: ${r.config.cases} cases, seed ${r.config.seed} (FUZZ_SEED=${r.config.seed} reproduces), ${r.config.concurrency} in flight, ${r.wallSeconds} s`,
    `  outcomes ${JSON.stringify(r.outcomes)}`,
    `  rss start ${mb(r.rssKiB.start)}, peak ${mb(r.rssKiB.peak)}, end ${mb(r.rssKiB.end)}; restarts ${r.restarts}; violations ${r.violations.length}`,
    ...r.violations.slice(0, 20).map((v) => `  VIOLATION ${v}`),
  ].join('\n');
}

if (require.main === module) {
  const cfg = fuzzConfigFromEnv();
  console.log(`fuzz seed ${cfg.seed}`);
  runFuzz(cfg, console.log).then((rep) => {
    console.log(summarizeFuzz(rep));
    const out = process.env.FUZZ_REPORT ?? 'test-artifacts/reliability/fuzz.json';
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify(rep, null, 2));
    process.exitCode = rep.violations.length ? 1 : 0;
  }, (e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
