import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveOptions } from '../../server/lsp/requests';
import { DEFAULT_SETTINGS } from '../../contract/settings';
import { inlineSteps } from '../../server/sampler/schedule';

describe('inline step policy', () => {
  it('uses the steps setting (fewer steps cost quality when measured), capped by the hole', () => {
    assert.equal(inlineSteps(8, 16), 8);
    assert.equal(inlineSteps(2, 16), 2);
    assert.equal(inlineSteps(8, 3), 3);
  });

  it('applies to inline requests only, and a request that names its steps keeps them', () => {
    assert.equal(resolveOptions(DEFAULT_SETTINGS, undefined, true).sampler.steps, DEFAULT_SETTINGS.steps);
    assert.equal(resolveOptions(DEFAULT_SETTINGS, { steps: 3 }, true).sampler.steps, 3);
    assert.equal(resolveOptions(DEFAULT_SETTINGS, undefined, false).sampler.steps, DEFAULT_SETTINGS.steps);
  });
});
