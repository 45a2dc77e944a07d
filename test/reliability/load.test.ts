/**
 * The load test at its CI setting (env LOAD_* for the longer one, see docs/reliability.md):
 * no crash, no hang, no invariant violated, RSS flat, the queue bounded.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { configFromEnv, runLoad, summarize } from './load';
import { ROOT } from '../../harness/lsp';

it('a fast typist on several documents: answers bounded, no crash, no violation, flat memory', { timeout: 600_000 }, async (t) => {
  const cfg = configFromEnv();
  const rep = await runLoad(cfg);
  for (const line of summarize(rep).split('\n')) t.diagnostic(line);
  const dir = join(ROOT, 'test-artifacts/reliability');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'load.json'), JSON.stringify(rep, null, 2));
  assert.equal(rep.crashes, 0);
  assert.equal(rep.hangs, 0);
  assert.deepEqual(rep.violations, []);
  assert.ok(rep.sent.total >= Math.min(cfg.requests, 1000) || rep.wallSeconds >= cfg.maxSeconds, `sent ${rep.sent.total}`);
  assert.ok(rep.answered.explicit > 0 && rep.answered.inlineWithItems > 0, 'both kinds of request were answered');
  assert.ok(rep.longestQueue !== null && rep.longestQueue <= 16, `queue bounded (${rep.longestQueue})`);
  // Flat: after warm-up, memory may wobble with the GC but not grow with the number of requests.
  const growth = (rep.rssKiB.end - rep.rssKiB.afterWarmup) / 1024;
  assert.ok(growth < 128, `RSS grew ${growth.toFixed(0)} MiB after warm-up`);
});
