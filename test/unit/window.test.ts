import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planRows } from '../../server/sampler/window';
import { tokensAfter, tokensBefore } from '../../server/sampler/slice';
import { FakeTokenizer, SPECIALS } from './fakes';

const cfg = (window: number) => ({ window, doc: SPECIALS.doc });

describe('slicing', () => {
  it('takes the tokens closest to the hole and reports reaching the limit', () => {
    const tok = new FakeTokenizer([], false);
    const text = 'abcdefghij';
    assert.deepEqual(tok.text(tokensBefore(tok, text, 0, 6, 3).tokens), 'def');
    assert.equal(tokensBefore(tok, text, 0, 6, 3).reachedLimit, false);
    assert.equal(tokensBefore(tok, text, 0, 6, 10).reachedLimit, true);
    assert.deepEqual(tok.text(tokensAfter(tok, text, 6, 10, 2).tokens), 'gh');
    assert.equal(tokensAfter(tok, text, 6, 10, 4).reachedLimit, true);
  });

  it('never tokenizes a large document whole', () => {
    const tok = new FakeTokenizer([], false);
    const text = 'x'.repeat(1_000_000);
    const before = tokensBefore(tok, text, 0, 500_000, 100);
    assert.equal(before.tokens.length, 100);
    assert.ok(Math.max(...tok.encodedLengths) < 2_000, `sliced (${Math.max(...tok.encodedLengths)} chars)`);
  });
});

describe('windowing', () => {
  it('lays out a small document whole with <|doc|> at both ends', () => {
    const tok = new FakeTokenizer([], false);
    const text = 'abc:xy';
    const [row, ...rest] = planRows(text, [{ start: 3, end: 3, capacity: 4 }], tok, cfg(64));
    assert.equal(rest.length, 0);
    const l = row.layout;
    assert.equal(tok.text(l.ids), '<0>abc:xy<0>');
    assert.deepEqual(l.pos, [0, 1, 2, 3, 8, 9, 10, 11]);
    assert.equal(l.holes[0].start, 4);
    assert.equal(l.holes[0].capacity, 4);
  });

  it('replaces the selected text (it is not context)', () => {
    const tok = new FakeTokenizer([], false);
    const [row] = planRows('ab SECRET cd', [{ start: 3, end: 9, capacity: 2 }], tok, cfg(64));
    assert.equal(tok.text(row.layout.ids), '<0>ab  cd<0>');
  });

  it('balances prefix and suffix and fits the window', () => {
    const tok = new FakeTokenizer([], false);
    const text = 'p'.repeat(1000) + 's'.repeat(1000);
    const [row] = planRows(text, [{ start: 1000, end: 1000, capacity: 16 }], tok, cfg(64));
    const ids = tok.text(row.layout.ids);
    assert.equal(row.layout.ids.length + 16, 64);
    assert.equal(ids, 'p'.repeat(24) + 's'.repeat(24));
    assert.equal(Math.max(...row.layout.pos), 63);
  });

  it('gives the unused budget of a short side to the other side', () => {
    const tok = new FakeTokenizer([], false);
    const text = 'p'.repeat(1000) + 'ss';
    const [row] = planRows(text, [{ start: 1000, end: 1000, capacity: 16 }], tok, cfg(64));
    assert.equal(tok.text(row.layout.ids), 'p'.repeat(45) + 'ss<0>');
  });

  it('handles holes at the very start and end of the document', () => {
    const tok = new FakeTokenizer([], false);
    const [a] = planRows('abc', [{ start: 0, end: 0, capacity: 3 }], tok, cfg(32));
    assert.equal(tok.text(a.layout.ids), '<0>abc<0>');
    assert.equal(a.layout.holes[0].start, 1);
    const [b] = planRows('abc', [{ start: 3, end: 3, capacity: 3 }], tok, cfg(32));
    assert.deepEqual(b.layout.pos, [0, 1, 2, 3, 7]);
    const [c] = planRows('', [{ start: 0, end: 0, capacity: 3 }], tok, cfg(32));
    assert.equal(tok.text(c.layout.ids), '<0><0>');
  });

  it('puts nearby holes in one row and far holes in separate rows without crossing', () => {
    const tok = new FakeTokenizer([], false);
    const near = planRows('aa:bb:cc', [{ start: 5, end: 5, capacity: 2 }, { start: 2, end: 2, capacity: 2 }], tok, cfg(32));
    assert.equal(near.length, 1);
    assert.deepEqual(near[0].holes, [1, 0]);
    assert.equal(tok.text(near[0].layout.ids), '<0>aa:bb:cc<0>');
    const text = 'a'.repeat(200) + 'b'.repeat(200);
    const far = planRows(text, [{ start: 100, end: 100, capacity: 4 }, { start: 300, end: 300, capacity: 4 }], tok, cfg(64));
    assert.equal(far.length, 2);
    for (const r of far) assert.ok(r.layout.ids.length + 4 <= 64);
    // the first row's suffix stops at the second hole; nothing crosses it
    assert.equal(tok.text(far[1].layout.ids).length, 60);
  });

  it('caps a hole capacity so that context remains', () => {
    const tok = new FakeTokenizer([], false);
    const [row] = planRows('abc', [{ start: 1, end: 1, capacity: 500 }], tok, cfg(32));
    assert.equal(row.layout.holes[0].capacity, 16);
  });
});

describe('token healing', () => {
  const tok = new FakeTokenizer();

  it('moves a mid-word prefix token into the hole and constrains it', () => {
    // cursor after "fo" in "def fo|" : prefix tokens end with 'fo'
    const text = 'def fo';
    const [row] = planRows(text, [{ start: 6, end: 6, capacity: 4 }], tok, cfg(32));
    const h = row.layout.holes[0];
    assert.equal(new TextDecoder().decode(h.headBytes), 'fo');
    assert.equal(h.capacity, 5);
    assert.equal(tok.text(row.layout.ids), '<0>def <0>');
    assert.equal(h.start, 3);
  });

  it('moves a word-start suffix token into the hole (selection ending mid-word)', () => {
    const text = 'x = foobar(1)';
    // select "oob" of "foobar": prefix ends in "f", suffix starts with "ar"
    const [row] = planRows(text, [{ start: 5, end: 8, capacity: 4 }], tok, cfg(32));
    const h = row.layout.holes[0];
    assert.equal(new TextDecoder().decode(h.headBytes), 'f');
    assert.equal(new TextDecoder().decode(h.tailBytes), 'ar');
    assert.equal(h.capacity, 6);
    assert.equal(tok.text(row.layout.ids), '<0>x = (1)<0>');
  });

  it('does not heal a suffix that starts with punctuation or a document edge', () => {
    const [row] = planRows('ab(c)', [{ start: 2, end: 2, capacity: 2 }], tok, cfg(32));
    assert.equal(row.layout.holes[0].tailBytes.length, 0);
    const [edge] = planRows('', [{ start: 0, end: 0, capacity: 2 }], tok, cfg(32));
    assert.equal(edge.layout.holes[0].headBytes.length, 0);
  });

  it('keeps byte tokenizers unhealed', () => {
    const bytes = new FakeTokenizer([], false);
    const [row] = planRows('def fo', [{ start: 6, end: 6, capacity: 4 }], bytes, cfg(32));
    assert.equal(row.layout.holes[0].headBytes.length, 0);
  });
});
