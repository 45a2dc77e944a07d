/**
 * End to end through the language server (dist/server.js over stdio, as an editor uses it):
 * inline-suggestion latency with ~1,000 characters of context and a 16-token hole at the
 * default settings, and the server's RSS over many consecutive fills.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PgmMethods } from '../server/protocol';
import { startClient } from '../test/server/harness';
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

export async function throughServer(modelDir: string, reps: number, fills: number, contextCache: number): Promise<ServerResult> {
  const c = await startClient({ modelPath: modelDir, steps: undefined, capacity: undefined, seed: undefined, contextCache });
  try {
    const s = await c.settled();
    if (s.state !== 'ready') throw new Error(`server model: ${s.message}`);
    const src = readFileSync(join(__dirname, '../server/sampler/loop.ts'), 'utf8');
    const text = src.slice(0, 600) + '\n' + src.slice(600, 1000);
    const uri = 'file:///bench/loop.ts';
    c.open(uri, text);
    const line = text.slice(0, 600).split('\n').length - 1;
    const inline = () => c.conn.sendRequest('textDocument/inlineCompletion', { textDocument: { uri }, position: { line, character: 0 }, context: { triggerKind: 1 } });
    const select = () => c.conn.sendRequest(PgmMethods.infill, { textDocument: { uri, version: 1 }, ranges: [{ start: { line, character: 0 }, end: { line, character: 0 } }], options: { capacity: 64 } });
    await inline();
    const lat: number[] = [];
    for (let i = 0; i < reps; i++) lat.push((await time(inline))[1]);
    const sel: number[] = [];
    for (let i = 0; i < Math.max(3, Math.floor(reps / 3)); i++) sel.push((await time(select))[1]);
    const rssStartMb = rssMb(c.proc.pid!);
    for (let i = 0; i < fills; i++) await inline();
    return {
      inlineP50: median(lat), inlineP90: percentile(lat, 90), selection64P50: median(sel),
      rssStartMb, rssEndMb: rssMb(c.proc.pid!), fills, device: s.device ?? '?',
    };
  } finally {
    await c.close();
  }
}
