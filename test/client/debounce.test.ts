import assert from 'node:assert/strict';
import { test } from 'node:test';
import { debounce } from '../../client/debounce';

test('debounce resolves true after the wait and false when cancelled first', async () => {
  assert.equal(await debounce(5, () => undefined), true);
  assert.equal(await debounce(0, () => undefined), true);
  let cancel: () => void = () => undefined;
  const p = debounce(10_000, (cb) => { cancel = cb; });
  cancel();
  assert.equal(await p, false);
});
