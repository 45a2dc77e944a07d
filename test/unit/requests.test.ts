import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PgmErrorCodes } from '../../contract/protocol';
import { DEFAULT_SETTINGS, type Settings } from '../../contract/settings';
import { PgmError } from '../../server/lsp/errors';
import { resolveOptions } from '../../server/lsp/requests';

const invalid = (re: RegExp) => (e: unknown) => e instanceof PgmError && e.code === PgmErrorCodes.InvalidParams && e.data.kind === 'invalidParams' && re.test(e.message);

describe('request options over settings', () => {
  const settings: Settings = { ...DEFAULT_SETTINGS, steps: 5, order: 'random', capacity: 40, candidates: 2, seed: 9, inline: { ...DEFAULT_SETTINGS.inline, maxTokens: 12, candidates: 3 } };

  it('absent options (or null) take the settings: explicit and inline', () => {
    const e = resolveOptions(settings, { steps: null }, false);
    assert.deepEqual([e.sampler.steps, e.sampler.order, e.capacity, e.candidates, e.sampler.seed, e.lengthFrom, e.oversize, e.sampler.singleLine],
      [5, 'random', 40, 2, 9, 'selection', 'error', false]);
    const i = resolveOptions(settings, undefined, true);
    assert.deepEqual([i.capacity, i.candidates, i.sampler.singleLine], [12, 3, true]);
  });

  it('valid options override', () => {
    const o = resolveOptions(settings, { steps: 3, order: 'left-to-right', temperature: 0, topP: 1, seed: 4, capacity: 8, candidates: 1, lengthFrom: 'capacity', oversize: 'split', singleLine: true }, false);
    assert.deepEqual([o.sampler.steps, o.sampler.order, o.sampler.temperature, o.sampler.topP, o.sampler.seed, o.capacity, o.candidates, o.lengthFrom, o.oversize, o.sampler.singleLine],
      [3, 'left-to-right', 0, 1, 4, 8, 1, 'capacity', 'split', true]);
  });

  it('a null or negative seed is a fresh seed each request', () => {
    const seeds = [null, -1, -7].map((seed) => resolveOptions(settings, { seed }, false).sampler.seed);
    for (const s of seeds) assert.ok(Number.isInteger(s) && s >= 0);
  });

  it('an invalid option is refused with InvalidParams naming the field and its rule, never repaired', () => {
    assert.throws(() => resolveOptions(settings, { steps: 1e9 }, false), invalid(/^options\.steps must be an integer in \[1, 1024\]$/));
    assert.throws(() => resolveOptions(settings, { topP: 0 }, false), invalid(/^options\.topP must be a number in \[0\.01, 1\]$/));
    assert.throws(() => resolveOptions(settings, { order: 'zigzag' }, false), invalid(/^options\.order must be one of/));
    assert.throws(() => resolveOptions(settings, { capacity: '8' }, false), invalid(/^options\.capacity must be an integer/));
    assert.throws(() => resolveOptions(settings, { oversize: 'shrink' }, false), invalid(/^options\.oversize must be one of error, split, cap$/));
    assert.throws(() => resolveOptions(settings, { lengthFrom: 3 }, false), invalid(/^options\.lengthFrom must be one of/));
    assert.throws(() => resolveOptions(settings, { singleLine: 'yes' }, false), invalid(/^options\.singleLine must be true or false$/));
    assert.throws(() => resolveOptions(settings, [], false), invalid(/^options must be an object$/));
    assert.throws(() => resolveOptions(settings, 42, false), invalid(/^options must be an object$/));
  });
});
