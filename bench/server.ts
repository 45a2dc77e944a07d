/**
 * End to end through the language server (dist/server.js over stdio, as an editor uses it):
 * inline-suggestion latency with ~1,000 characters of context and a 16-token hole at the
 * default settings, exact and with the context cache (two servers, requests alternated so both
 * see the same machine load), and the exact server's RSS over many consecutive fills.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PgmMethods } from '../server/protocol';
import { startClient, type Client } from '../test/server/harness';
import { median, percentile, time } from './ort';

export interface ServerResult {
  inlineP50: number;
  inlineP90: number;
  selection64P50: number;
  rssStartMb: number;
  rssEndMb: number;
  fills: number;
  device: string;
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

const URI = 'file:///bench/loop.ts';

async function open(modelDir: string, contextCache: number): Promise<{ c: Client; line: number; device: string }> {
  const c = await startClient({ modelPath: modelDir, steps: undefined, capacity: undefined, seed: undefined, contextCache });
  const s = await c.settled();
  if (s.state !== 'ready') throw new Error(`server model: ${s.message}`);
  const src = readFileSync(join(__dirname, '../server/sampler/loop.ts'), 'utf8');
  const text = src.slice(0, 600) + '\n' + src.slice(600, 1000);
  c.open(URI, text);
  return { c, line: text.slice(0, 600).split('\n').length - 1, device: s.device ?? '?' };
}

const inline = (c: Client, line: number) => () => c.conn.sendRequest('textDocument/inlineCompletion', { textDocument: { uri: URI }, position: { line, character: 0 }, context: { triggerKind: 1 } });
const select = (c: Client, line: number) => () => c.conn.sendRequest(PgmMethods.infill, { textDocument: { uri: URI, version: 1 }, ranges: [{ start: { line, character: 0 }, end: { line, character: 0 } }], options: { capacity: 64 } });

export async function throughServer(modelDir: string, reps: number, fills: number): Promise<[ServerResult, ServerResult]> {
  const servers = [await open(modelDir, -1), await open(modelDir, 0)];
  try {
    const lat: number[][] = [[], []];
    const sel: number[][] = [[], []];
    for (const s of servers) await inline(s.c, s.line)();
    for (let i = 0; i < reps; i++) for (let k = 0; k < 2; k++) lat[k][i] = (await time(inline(servers[k].c, servers[k].line)))[1];
    for (let i = 0; i < Math.max(3, Math.floor(reps / 3)); i++) for (let k = 0; k < 2; k++) sel[k].push((await time(select(servers[k].c, servers[k].line)))[1]);
    const rssStart = servers.map((s) => rssMb(s.c.proc.pid!));
    for (let i = 0; i < fills; i++) await inline(servers[0].c, servers[0].line)();
    const rssEnd = servers.map((s) => rssMb(s.c.proc.pid!));
    return servers.map((s, k) => ({
      inlineP50: median(lat[k]), inlineP90: percentile(lat[k], 90), selection64P50: median(sel[k]),
      rssStartMb: rssStart[k], rssEndMb: rssEnd[k], fills: k === 0 ? fills : 0, device: s.device,
    })) as [ServerResult, ServerResult];
  } finally {
    await Promise.all(servers.map((s) => s.c.close()));
  }
}
