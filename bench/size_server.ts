/**
 * Inline and 64-token selection latency through the language server at the default settings
 * (context cache on for inline), for model folders of candidate sizes, requests alternated
 * between the servers so all see the same machine load:
 *   flock /tmp/heavy.lock node --import tsx bench/size_server.ts [reps=15] DIR...
 * For sizing a model before training it (random weights from bench/random_model.py).
 */
import { throughServer } from './server';

async function main(): Promise<void> {
  const [repsArg, ...dirs] = process.argv.slice(2);
  if (!dirs.length) throw new Error('usage: size_server.ts REPS MODEL_DIR...');
  const results = await throughServer(dirs.map((d) => ({ label: d, modelDir: d, settings: {} })), Number(repsArg), 0);
  const r = (x: number) => Math.round(x * 10) / 10;
  for (const x of results) {
    console.log(JSON.stringify({ model: x.label, device: x.device, inlineP50: r(x.inlineP50), inlineP95: r(x.inlineP95), selection64P50: r(x.selection64P50) }));
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
