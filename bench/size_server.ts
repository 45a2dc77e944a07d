/**
 * Inline and selection latency through the language server for one model folder, exact and with
 * the context cache (requests alternated), as bench/server.ts measures them for `npm run bench`:
 *   flock /tmp/heavy.lock node --import tsx bench/size_server.ts MODEL_DIR [reps=15]
 * For sizing a model before training it (random weights from bench/random_model.py).
 */
import { throughServer } from './server';

async function main(): Promise<void> {
  const [dir, repsArg] = process.argv.slice(2);
  if (!dir) throw new Error('usage: size_server.ts MODEL_DIR [reps=15]');
  const [exact, cached] = await throughServer(dir, Number(repsArg ?? 15), 0);
  const r = (x: number) => Math.round(x * 10) / 10;
  console.log(JSON.stringify({
    model: dir, device: exact.device,
    exact: { inlineP50: r(exact.inlineP50), inlineP90: r(exact.inlineP90), selection64P50: r(exact.selection64P50) },
    cached: { inlineP50: r(cached.inlineP50), inlineP90: r(cached.inlineP90), selection64P50: r(cached.selection64P50) },
  }));
}

main().catch((e) => { console.error(e); process.exit(1); });
