import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CACHE_STEP_INPUTS, CACHE_STEP_OUTPUTS, ManifestError, readManifest, type ModelFault } from '../../server/model/manifest';
import { planProviders, shortReason } from '../../server/model/providers';
import { byteTokenizer, loadBpeTokenizer } from '../../server/model/tokenizer';
import { planRows } from '../../server/sampler/window';

const TINY = join(__dirname, '../../models/tiny');

describe('BPE tokenizer (models/tiny/tokenizer.json)', () => {
  const tok = loadBpeTokenizer(join(TINY, 'tokenizer.json'), 4096, [0, 1, 2]);

  it('matches the Python tokenizers ids', () => {
    // reference ids from `tokenizers` 0.23 (Python) for the same file
    assert.deepEqual(tok.encode('def foo(x):\n    return x + 1\n'), [487, 290, 2157, 10, 90, 311, 268, 343, 901, 492, 453, 201]);
    assert.deepEqual(tok.encode('  \n\n\tconst a = `${b}`;'), [259, 575, 200, 627, 278, 274, 281, 861, 6, 93, 68, 95, 66, 29]);
  });

  it('matches the Python tokenizers ids for the shipped model too (models/pgm-code)', () => {
    const shipped = loadBpeTokenizer(join(TINY, '..', 'pgm-code', 'tokenizer.json'), 4096, [0, 1, 2]);
    // reference ids from `tokenizers` 0.23 (Python) for models/pgm-code/tokenizer.json
    assert.deepEqual(shipped.encode('def foo(x):\n    return x + 1\n'), [331, 3229, 10, 90, 335, 272, 369, 506, 443, 352, 201]);
    assert.deepEqual(shipped.encode('  \n\n\tconst a = `${b}`;'), [259, 438, 200, 535, 278, 274, 3597, 68, 4011]);
    assert.deepEqual(shipped.encode('héllo wörld — 日本語 🎉'),
      [74, 130, 105, 78, 321, 327, 130, 117, 84, 1282, 3656, 223, 165, 248, 101, 165, 253, 108, 167, 106, 255, 223, 175, 256, 239, 234]);
  });

  it('round-trips text through token bytes, including multi-byte characters', () => {
    for (const s of ['héllo wörld — 日本語 🎉', 'x\r\n\ty', '']) assert.equal(tok.decode(tok.encode(s)), s);
    assert.equal(tok.tokenBytes(0).length, 0, 'specials have no bytes');
  });

  it('heals a cursor in the middle of an identifier', () => {
    const text = 'def compute_total(items):\n    return sum(items)\n\nprint(compute_to';
    const [row] = planRows(text, [{ start: text.length, end: text.length, capacity: 8 }], tok, { window: 128, doc: 0 });
    const head = new TextDecoder().decode(row.layout.holes[0].headBytes);
    assert.ok(head.length > 0 && 'compute_to'.endsWith(head), `head ${JSON.stringify(head)}`);
    // context + head bytes reproduce the prefix exactly
    const ctx = tok.decode(row.layout.ids.slice(0, row.layout.holes[0].start));
    assert.equal(ctx + head, text);
  });

  it('raw bytes tokenizer maps ids 0..255 to bytes', () => {
    const b = byteTokenizer(259);
    assert.deepEqual(b.encode('aé'), [97, 195, 169]);
    assert.equal(b.decode([97, 195, 169, 256]), 'aé');
    assert.equal(b.healing, false);
  });
});

/** The fields of a manifest.json that the refusal cases below edit. */
interface RawManifest {
  format: string;
  format_version: number;
  special_ids: Record<string, number>;
  graphs: Record<string, { file: string; inputs: string[]; outputs?: string[] }>;
  cache_graphs?: { step: string };
  tokenizer: { type: string; file?: string };
  fill_length: string;
}

function stepEntry(file: string) {
  return { file, inputs: [...CACHE_STEP_INPUTS], outputs: [...CACHE_STEP_OUTPUTS] };
}

function modelCopy(edit: (m: RawManifest) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'pgm-manifest-'));
  const m = JSON.parse(readFileSync(join(TINY, 'manifest.json'), 'utf8')) as RawManifest;
  edit(m);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
  for (const f of ['tokenizer.json', 'encoder.onnx', 'decoder.onnx']) copyFileSync(join(TINY, f), join(dir, f));
  return dir;
}

describe('manifest validation', () => {
  it('accepts the tiny model', () => {
    const m = readManifest(TINY);
    assert.equal(m.architecture.canvas, 256);
    assert.deepEqual(m.specialIds, { doc: 0, gap: 1, pad: 2 });
  });

  const refusals: [string, (m: RawManifest) => void, RegExp, ModelFault][] = [
    ['wrong format', (m) => { m.format = 'gguf'; }, /manifest.format must be "pgm-infill-model"/, 'invalid'],
    ['newer version', (m) => { m.format_version = 2; }, /format_version 2 is not supported/, 'invalid'],
    ['bad special id', (m) => { m.special_ids.gap = 99999; }, /special_ids.gap must be an integer/, 'invalid'],
    ['clashing specials', (m) => { m.special_ids.gap = 0; }, /must be distinct/, 'invalid'],
    ['wrong graph inputs', (m) => { m.graphs.decoder.inputs = ['memory', 'query_pos']; }, /graphs.decoder.inputs must be/, 'invalid'],
    ['missing graph file', (m) => { m.graphs.encoder.file = 'nope.onnx'; }, /nope.onnx does not exist/, 'missing'],
    ['missing tokenizer file', (m) => { m.tokenizer.file = 'nope.json'; }, /tokenizer file nope.json does not exist/, 'missing'],
    ['an encoder without its decoder', (m) => { delete m.graphs.decoder; }, /graphs.decoder is missing/, 'invalid'],
    ['no graph at all', (m) => { m.graphs = {}; }, /graphs must hold the step graph \(graphs.step\) or the encoder and decoder/, 'invalid'],
    ['a step graph with the wrong inputs', (m) => { m.graphs = { step: { file: 'encoder.onnx', inputs: ['new_ids'], outputs: ['logits'] } }; }, /graphs.step.inputs must be/, 'invalid'],
    ['the step graph named twice', (m) => { m.graphs.step = stepEntry('encoder.onnx'); m.cache_graphs = { step: 'encoder.onnx' }; }, /graphs.step and cache_graphs both name the step graph/, 'invalid'],
    ['a missing step graph file', (m) => { m.graphs = { step: stepEntry('nope.onnx') }; }, /graphs.step.file nope.onnx does not exist/, 'missing'],
    ['unknown tokenizer', (m) => { m.tokenizer.type = 'sentencepiece'; }, /tokenizer.type must be/, 'invalid'],
    ['unknown fill length', (m) => { m.fill_length = 'variable'; }, /fill_length must be "model" or "fixed"/, 'invalid'],
    ['no gap filler without fixed fills', (m) => { delete m.special_ids.gap; }, /special_ids.gap must be an integer/, 'invalid'],
  ];
  for (const [name, edit, re, fault] of refusals) {
    it(`refuses ${name} with a clear message and the fault '${fault}'`, () => {
      assert.throws(() => readManifest(modelCopy(edit)), (e) => e instanceof ManifestError && re.test(e.message) && e.fault === fault);
    });
  }

  it('reads fixed-length models: no gap id (-1), the other specials still distinct', () => {
    assert.equal(readManifest(TINY).fillLength, 'model');
    const m = readManifest(modelCopy((x) => { x.fill_length = 'fixed'; delete x.special_ids.gap; }));
    assert.equal(m.fillLength, 'fixed');
    assert.deepEqual(m.specialIds, { doc: 0, gap: -1, pad: 2 });
    assert.throws(() => readManifest(modelCopy((x) => { x.fill_length = 'fixed'; delete x.special_ids.gap; x.special_ids.pad = 0; })), /doc and pad must be distinct/);
  });

  it('reads a step-only folder, an encoder-decoder folder, and the older cache_graphs spelling', () => {
    // the file contents are not read here (host.ts checks the graphs' names when it opens them)
    const step = readManifest(modelCopy((x) => { x.graphs = { step: stepEntry('encoder.onnx') }; }));
    assert.equal(step.encoderDecoder, null);
    assert.match(step.stepFile ?? '', /encoder\.onnx$/);
    const old = readManifest(TINY);
    assert.equal(old.stepFile, null);
    assert.match(old.encoderDecoder?.decoder ?? '', /decoder\.onnx$/);
    const legacy = readManifest(modelCopy((x) => { x.cache_graphs = { step: 'decoder.onnx' }; }));
    assert.match(legacy.stepFile ?? '', /decoder\.onnx$/);
    assert.ok(legacy.encoderDecoder);
  });

  it('refuses a missing folder and invalid JSON', () => {
    assert.throws(() => readManifest('/nonexistent/model'), (e) => e instanceof ManifestError && /folder does not exist/.test(e.message) && e.fault === 'missing');
    const dir = mkdtempSync(join(tmpdir(), 'pgm-manifest-'));
    assert.throws(() => readManifest(dir), (e) => e instanceof ManifestError && /no manifest.json/.test(e.message) && e.fault === 'missing');
    writeFileSync(join(dir, 'manifest.json'), '{ not json');
    assert.throws(() => readManifest(dir), (e) => e instanceof ManifestError && /not valid JSON/.test(e.message) && e.fault === 'invalid');
  });
});

describe('execution provider plan', () => {
  it('auto tries the platform GPU providers the build offers, then cpu', () => {
    const p = planProviders('auto', 'linux', ['cpu', 'webgpu', 'cuda']);
    assert.deepEqual(p.order, ['cuda', 'webgpu', 'cpu']);
    assert.match(p.notes.dml, /not used on linux/);
    const w = planProviders('auto', 'win32', ['cpu', 'dml']);
    assert.deepEqual(w.order, ['dml', 'cpu']);
    assert.match(w.notes.cuda, /not offered/);
    assert.deepEqual(planProviders('auto', 'darwin', ['cpu', 'coreml']).order, ['coreml', 'cpu']);
  });

  it('an explicit provider falls back to cpu; cpu is cpu only', () => {
    assert.deepEqual(planProviders('cuda', 'linux', ['cpu', 'cuda']).order, ['cuda', 'cpu']);
    assert.deepEqual(planProviders('coreml', 'linux', ['cpu']).order, ['cpu']);
    assert.deepEqual(planProviders('cpu', 'linux', ['cpu', 'cuda']).order, ['cpu']);
  });

  it('shortens onnxruntime errors to one line', () => {
    assert.equal(shortReason(new Error('first line\nsecond')), 'first line');
  });
});
