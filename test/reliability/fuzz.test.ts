/**
 * The fuzzer at its CI setting (1,000 cases, seed 1; FUZZ_SEED / FUZZ_CASES for other runs):
 * every response checked, zero violations, the server never restarted.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { fuzzConfigFromEnv, runFuzz, summarizeFuzz } from './fuzz';
import { ROOT } from '../../harness/lsp';

it('random and malformed requests: an answer or a clear error, in bounds, never stale, no crash', { timeout: 600_000 }, async (t) => {
  const cfg = fuzzConfigFromEnv();
  t.diagnostic(`fuzz seed ${cfg.seed} (FUZZ_SEED=${cfg.seed} reproduces)`);
  const rep = await runFuzz(cfg);
  for (const line of summarizeFuzz(rep).split('\n')) t.diagnostic(line);
  const dir = join(ROOT, 'test-artifacts/reliability');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'fuzz.json'), JSON.stringify(rep, null, 2));
  assert.deepEqual(rep.violations, []);
  assert.equal(rep.restarts, 0);
  assert.ok((rep.kinds['big-doc'] ?? 0) >= Math.min(cfg.big, 1), 'the 10 MB document case ran');
});
