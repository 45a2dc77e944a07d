/**
 * docs/architecture.md lists the files one inline request crosses; this measures them
 * (scripts/request-path.ts: the server from source with a coverage probe) and fails when the
 * server and contract files named there are not exactly the ones that ran code, or when a named
 * file does not exist.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { inlineRequestPath } from '../../scripts/request-path';

const ROOT = join(__dirname, '../..');

function documented(): string[] {
  const doc = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
  const start = doc.indexOf('## One inline request');
  assert.ok(start >= 0, 'docs/architecture.md has no "One inline request" section');
  const end = doc.indexOf('\n## ', start + 1);
  const section = doc.slice(start, end < 0 ? doc.length : end);
  return [...new Set([...section.matchAll(/`((?:client|server|contract)\/[\w/.-]+\.ts)`/g)].map((m) => m[1]))];
}

describe('docs/architecture.md request path', () => {
  it('names files that exist', () => {
    const missing = documented().filter((f) => !existsSync(join(ROOT, f)));
    assert.deepEqual(missing, [], 'named in docs/architecture.md but not in the repository');
  });

  it('names exactly the server and contract files that run code for one inline request', { timeout: 120_000 }, async () => {
    const ran = await inlineRequestPath();
    // network.ts is named as the exact (no context cache) alternative of cachedNetwork.ts
    const alternatives = new Set(['server/model/network.ts', 'server/model/cachedNetwork.ts']);
    const named = documented().filter((f) => !f.startsWith('client/'));
    const notNamed = ran.filter((f) => !named.includes(f));
    const notRun = named.filter((f) => !ran.includes(f) && !(alternatives.has(f) && ran.some((r) => alternatives.has(r))));
    assert.deepEqual({ notNamed, notRun }, { notNamed: [], notRun: [] }, `ran: ${ran.join(', ')}`);
  });
});
