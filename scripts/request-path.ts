/**
 * The server files one inline request runs code in, measured (docs/architecture.md lists them):
 * the language server runs from source with a coverage probe (request-path-probe.cjs), answers
 * one inline request to warm up, then a second one at another line (no memo hit), and the files
 * that ran a function during the second are printed, one a line.
 *
 *   node --import tsx scripts/request-path.ts [MODEL_DIR]   (default models/pgm-code, else models/tiny)
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server } from '../harness/lsp';

const ROOT = join(__dirname, '..');
const TEXT = 'def add(a, b):\n    return \n\n\ndef mul(a, b):\n    return \n';

export function defaultModel(): string {
  const code = join(ROOT, 'models/pgm-code');
  return existsSync(join(code, 'manifest.json')) ? code : join(ROOT, 'models/tiny');
}

/** Repository-relative files that ran code for one warm inline request, in load order. */
export async function inlineRequestPath(modelPath = defaultModel()): Promise<string[]> {
  const out = mkdtempSync(join(tmpdir(), 'pgm-path-'));
  const server = await Server.start({
    serverJs: join(ROOT, 'server/main.ts'), nodeArgs: ['--require', join(__dirname, 'request-path-probe.cjs'), '--import', 'tsx'],
    env: { ...process.env, PGM_PROBE_OUT: out },
    settings: { modelPath, confidenceThreshold: -100 }, // the gate open: the items are built too
  });
  try {
    const status = await server.settled();
    if (status.state !== 'ready') throw new Error(`the model did not load: ${JSON.stringify(status)}`);
    const uri = 'file:///request-path/probe.py';
    await server.open(uri, TEXT);
    const ask = (line: number) => server.conn.sendRequest('textDocument/inlineCompletion',
      { textDocument: { uri }, position: { line, character: 11 }, context: { triggerKind: 1 } });
    const take = async (n: number): Promise<Record<string, string[]>> => {
      server.proc.kill('SIGUSR2');
      const file = join(out, `${n}.json`);
      for (let i = 0; i < 200 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 50));
      return JSON.parse(readFileSync(file, 'utf8'));
    };
    await ask(1);
    await take(0);
    await ask(5);
    return Object.keys(await take(1));
  } finally {
    await server.close();
    rmSync(out, { recursive: true, force: true });
  }
}

if (require.main === module) {
  inlineRequestPath(process.argv[2]).then((files) => {
    for (const f of files) console.log(f);
    console.log(`${files.length} files`);
  }, (e) => {
    console.error(e);
    process.exit(1);
  });
}
