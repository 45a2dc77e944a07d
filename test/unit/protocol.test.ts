import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_SETTINGS, sanitizeSettings } from '../../server/protocol';

describe('settings sanitiser', () => {
  it('fills defaults for missing or wrongly typed values', () => {
    assert.deepEqual(sanitizeSettings(undefined), DEFAULT_SETTINGS);
    assert.deepEqual(sanitizeSettings({ steps: 'many', order: 'sideways', inline: 3 }), DEFAULT_SETTINGS);
  });

  it('clamps numbers and keeps valid choices', () => {
    const s = sanitizeSettings({ steps: 0, temperature: -1, topP: 7, capacity: 5000, order: 'left-to-right', executionProvider: 'cuda', inline: { maxTokens: 32.4, enabled: false } });
    assert.equal(s.steps, 1);
    assert.equal(s.temperature, 0);
    assert.equal(s.topP, 1);
    assert.equal(s.capacity, 1024);
    assert.equal(s.order, 'left-to-right');
    assert.equal(s.executionProvider, 'cuda');
    assert.deepEqual(s.inline, { enabled: false, debounceMs: DEFAULT_SETTINGS.inline.debounceMs, maxTokens: 32, contextCache: DEFAULT_SETTINGS.inline.contextCache, candidates: DEFAULT_SETTINGS.inline.candidates });
  });

  it('clamps candidates and the confidence threshold', () => {
    const s = sanitizeSettings({ candidates: 99, confidenceThreshold: 3, inline: { candidates: 0 } });
    assert.equal(s.candidates, 16);
    assert.equal(s.confidenceThreshold, 0);
    assert.equal(s.inline.candidates, 1);
    assert.equal(sanitizeSettings({ confidenceThreshold: -1.5 }).confidenceThreshold, -1.5);
  });

  it('treats a negative seed as "fresh seed per request"', () => {
    assert.equal(sanitizeSettings({ seed: -1 }).seed, null);
    assert.equal(sanitizeSettings({ seed: 12 }).seed, 12);
  });
});
