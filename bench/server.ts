/**
 * End to end through the language server (dist/server.js over stdio, as an editor uses it):
 * inline-suggestion latency with ~1,000 characters of context at the cursor, several servers
 * (models / settings) with requests alternated so all see the same machine load; answers from
 * the server's memo (the same context again, and typed-ahead characters); a 64-token selection
 * fill; the RSS of the first server (or of those marked rssFills) over many consecutive inline
 * fills. Before every timed inline request one character is typed at the end of the document, so
 * the context differs and the memo cannot answer (as when the user types).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PgmMethods } from '../contract/protocol';
import { Server } from '../harness/lsp';
import { median, percentile, time } from './ort';

export interface ServerVariant {
  label: string;
  modelDir: string;
  /** pgmInfill settings on top of the defaults. */
  settings: Record<string, unknown>;
  /** Another build of the server (harness/lsp.ts serverJs); default dist/server.js. */
  serverJs?: string;
  /** Measure this server's RSS over the `fills` run (default: the first server only). */
  rssFills?: boolean;
}

export interface ServerResult {
  label: string;
  inlineP50: number;
  inlineP95: number;
  selection64P50: number;
  /** The same context asked again (memo hit). */
  repeatP50: number;
  /** One character of the shown suggestion typed, then asked (memo typed-ahead). */
  typedAheadP50: number;
  rssStartMb: number;
  rssEndMb: number;
  fills: number;
  device: string;
}

const URI = 'file:///bench/loop.ts';

interface Open { s: Server; line: number; lastLine: number; version: number; device: string }

async function open(v: ServerVariant): Promise<Open> {
  const s = await Server.start({ settings: { modelPath: v.modelDir, ...v.settings }, serverJs: v.serverJs });
  const st = await s.settled();
  if (st.state !== 'ready') throw new Error(`server model: ${st.message}`);
  const src = readFileSync(join(__dirname, '../server/sampler/loop.ts'), 'utf8');
  const text = src.slice(0, 600) + '\n' + src.slice(600, 1000) + '\n';
  await s.open(URI, text, 1, 'typescript');
  return { s, line: text.slice(0, 600).split('\n').length - 1, lastLine: text.split('\n').length - 1, version: 1, device: st.device ?? '?' };
}

type Items = { items: { insertText: string }[] };
const ask = (o: Open, line = o.line, character = 0) => o.s.conn.sendRequest('textDocument/inlineCompletion', {
  textDocument: { uri: URI }, position: { line, character }, context: { triggerKind: 1 },
}) as Promise<Items>;
/** Types one character far from the cursor: a new context, so the memo cannot answer. */
const typeElsewhere = (o: Open) => void o.s.insert(URI, ++o.version, o.lastLine, 0, 'x');
const select = (o: Open) => () => o.s.conn.sendRequest(PgmMethods.infill, {
  textDocument: { uri: URI, version: o.version }, ranges: [{ start: { line: o.line, character: 0 }, end: { line: o.line, character: 0 } }], options: { capacity: 64 },
});

/** A fresh suggestion, then the same context again, then its first character typed. */
async function memoRound(o: Open): Promise<[number, number] | null> {
  typeElsewhere(o);
  const first = await ask(o);
  const s = first.items[0]?.insertText ?? '';
  if (s.length < 2) return null;
  const [, repeat] = await time(() => ask(o));
  void o.s.insert(URI, ++o.version, o.line, 0, s[0]);
  const [r, typed] = await time(() => ask(o, o.line, 1));
  if (r.items[0]?.insertText !== s.slice(1)) throw new Error(`typed ahead answered ${JSON.stringify(r.items)} for ${JSON.stringify(s)}`);
  // undo: delete the typed character
  o.s.conn.sendNotification('textDocument/didChange', { textDocument: { uri: URI, version: ++o.version }, contentChanges: [{ range: { start: { line: o.line, character: 0 }, end: { line: o.line, character: 1 } }, text: '' }] });
  return [repeat, typed];
}

export async function throughServer(variants: ServerVariant[], reps: number, fills: number): Promise<ServerResult[]> {
  const servers: Open[] = [];
  try {
    for (const v of variants) servers.push(await open(v));
    const lat: number[][] = servers.map(() => []);
    const sel: number[][] = servers.map(() => []);
    const repeat: number[][] = servers.map(() => []);
    const typed: number[][] = servers.map(() => []);
    for (const o of servers) { typeElsewhere(o); await ask(o); }
    for (let i = 0; i < reps; i++) {
      for (const [k, o] of servers.entries()) {
        typeElsewhere(o);
        lat[k].push((await time(() => ask(o)))[1]);
      }
    }
    for (let i = 0; i < Math.max(3, Math.floor(reps / 3)); i++) for (const [k, o] of servers.entries()) sel[k].push((await time(select(o)))[1]);
    for (let i = 0; i < Math.max(3, Math.floor(reps / 3)); i++) {
      for (const [k, o] of servers.entries()) {
        const m = await memoRound(o);
        if (m) { repeat[k].push(m[0]); typed[k].push(m[1]); }
      }
    }
    const rssStart = servers.map((o) => o.s.rssKiB() / 1024);
    const filled = variants.some((v) => v.rssFills) ? servers.filter((_, k) => variants[k].rssFills) : [servers[0]];
    // alternated, so every measured server sees the same load
    for (let i = 0; i < fills; i++) for (const o of filled) { typeElsewhere(o); await ask(o); }
    const rssEnd = servers.map((o) => o.s.rssKiB() / 1024);
    return servers.map((o, k) => ({
      label: variants[k].label, inlineP50: median(lat[k]), inlineP95: percentile(lat[k], 95), selection64P50: median(sel[k]),
      repeatP50: repeat[k].length ? median(repeat[k]) : NaN, typedAheadP50: typed[k].length ? median(typed[k]) : NaN,
      rssStartMb: rssStart[k], rssEndMb: rssEnd[k], fills: filled.includes(o) ? fills : 0, device: o.device,
    }));
  } finally {
    await Promise.all(servers.map((o) => o.s.close()));
  }
}
