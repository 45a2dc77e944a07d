import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveOptions } from '../../server/lsp/requests';
import { DEFAULT_SETTINGS } from '../../contract/settings';
import { inlineSteps } from '../../server/sampler/schedule';

describe('inline step policy', () => {
  it('uses at most one step per 4 tokens of an inline hole, never more than the setting', () => {
    assert.equal(inlineSteps(8, 16), 4);
    assert.equal(inlineSteps(2, 16), 2);
    assert.equal(inlineSteps(8, 3), 1);
    assert.equal(inlineSteps(8, 64), 8);
  });

  it('applies to inline requests only, and a request that names its steps keeps them', () => {
    assert.equal(resolveOptions(DEFAULT_SETTINGS, undefined, true).sampler.steps, 4);
    assert.equal(resolveOptions(DEFAULT_SETTINGS, { steps: 8 }, true).sampler.steps, 8);
    assert.equal(resolveOptions(DEFAULT_SETTINGS, undefined, false).sampler.steps, DEFAULT_SETTINGS.steps);
  });
});
