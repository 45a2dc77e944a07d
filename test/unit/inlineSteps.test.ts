import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveOptions } from '../../server/lsp/requests';
import { DEFAULT_SETTINGS } from '../../contract/settings';
import { inlineSchedule } from '../../server/sampler/schedule';

describe('inline step policy', () => {
  it('uses the inline.steps setting, capped by the hole, with the length round merged into step 1', () => {
    assert.deepEqual(inlineSchedule(8, 16), { steps: 8, reuseLengthRound: 'always' });
    assert.equal(inlineSchedule(2, 16).steps, 2);
    assert.equal(inlineSchedule(8, 3).steps, 3);
  });

  it('applies to inline requests only, and a request that names its steps keeps them', () => {
    const inline = resolveOptions(DEFAULT_SETTINGS, undefined, true).sampler;
    assert.equal(inline.steps, DEFAULT_SETTINGS.inline.steps);
    assert.equal(inline.reuseLengthRound, 'always');
    const custom = { ...DEFAULT_SETTINGS, inline: { ...DEFAULT_SETTINGS.inline, steps: 5 } };
    assert.equal(resolveOptions(custom, undefined, true).sampler.steps, 5);
    assert.equal(resolveOptions(DEFAULT_SETTINGS, { steps: 3 }, true).sampler.steps, 3);
    const explicit = resolveOptions(DEFAULT_SETTINGS, undefined, false).sampler;
    assert.equal(explicit.steps, DEFAULT_SETTINGS.steps);
    assert.equal(explicit.reuseLengthRound, undefined, "explicit fills keep the default ('exact')");
  });
});
