import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  DEFAULT_SETTINGS, RELOAD_KEYS, SETTINGS_SECTION, SETTING_ROWS, invalidReason, sanitizeSettings, type SettingSpec,
} from '../../contract/settings';
import { FLAGS, parseArgs, USAGE } from '../../server/cli/args';
import { generated } from '../../scripts/contract';

const ROOT = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const props = pkg.contributes.configuration.properties as Record<string, Record<string, unknown>>;

describe('settings table (contract/settings.ts)', () => {
  it('every generated file matches the table (run `npm run gen:contract` after editing it)', () => {
    for (const f of generated()) assert.equal(f.current, f.wanted, `${f.path} is stale: run npm run gen:contract`);
  });

  it('package.json declares exactly the table, with the same type, default, range, enum and scope', () => {
    assert.deepEqual(Object.keys(props), SETTING_ROWS.map((r) => `${SETTINGS_SECTION}.${r.key}`));
    for (const { key, spec } of SETTING_ROWS) {
      const p = props[`${SETTINGS_SECTION}.${key}`];
      assert.equal(p.type, spec.type, key);
      assert.deepEqual(p.default, spec.default, key);
      if (spec.type === 'integer' || spec.type === 'number') assert.deepEqual([p.minimum, p.maximum], [spec.minimum, spec.maximum], key);
      if (spec.type === 'string') assert.deepEqual(p.enum, spec.enum, key);
      assert.equal(p.scope, spec.scope, key);
    }
    assert.deepEqual(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations,
      SETTING_ROWS.filter((r) => r.spec.restricted).map((r) => `${SETTINGS_SECTION}.${r.key}`));
  });

  it('contract/settings.json (for Python) holds the same defaults and ranges', () => {
    const json = JSON.parse(readFileSync(join(ROOT, 'contract', 'settings.json'), 'utf8'));
    for (const { key, spec } of SETTING_ROWS) {
      assert.deepEqual(json.defaults[key], spec.default, key);
      const row = json.settings.find((r: { key: string }) => r.key === key);
      assert.ok(row, key);
      if (spec.type === 'integer' || spec.type === 'number') assert.deepEqual([row.minimum, row.maximum], [spec.minimum, spec.maximum], key);
    }
  });

  it('the model path and the model-reloading settings are machine-level and refused to untrusted workspaces', () => {
    assert.equal(props['pgmInfill.modelPath'].scope, 'machine');
    for (const key of RELOAD_KEYS) assert.ok(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.includes(`pgmInfill.${key}`), key);
  });
});

describe('the CLI agrees with the table', () => {
  const flags = [...FLAGS];
  const field = (argv: string[], f: string) => (parseArgs(['--jsonl', ...argv]) as unknown as Record<string, unknown>)[f];

  it('every row with a CLI flag has one, and no flags = the table defaults (e.g. temperature 0.5, seed -1)', () => {
    assert.deepEqual(flags.map(([, f]) => f.key), SETTING_ROWS.filter((r) => r.spec.cli).map((r) => r.key));
    for (const [flag, f] of flags) assert.deepEqual(field([], f.field), f.spec.default, flag);
    assert.equal(parseArgs(['--jsonl']).temperature, 0.5);
    assert.equal(parseArgs(['--jsonl']).seed, -1);
  });

  it('--help states each flag with the table default', () => {
    for (const [flag, f] of flags) {
      const line = USAGE.split('\n').find((l) => l.trimStart().startsWith(`${flag} `));
      assert.ok(line, flag);
      assert.ok(line.includes(`(default ${JSON.stringify(f.spec.default)})`), line);
    }
  });

  it('each numeric flag accepts exactly the table range', () => {
    const numeric = flags.filter(([, f]) => f.spec.type === 'integer' || f.spec.type === 'number');
    assert.ok(numeric.length >= 8);
    for (const [flag, f] of numeric) {
      const spec = f.spec as SettingSpec & { minimum: number; maximum: number };
      assert.equal(field([flag, String(spec.minimum)], f.field), spec.minimum, flag);
      assert.equal(field([flag, String(spec.maximum)], f.field), spec.maximum, flag);
      const step = spec.type === 'integer' ? 1 : 0.001;
      assert.throws(() => field([flag, String(spec.minimum - step)], f.field), new RegExp(`${flag} must be`), flag);
      assert.throws(() => field([flag, String(spec.maximum + step)], f.field), new RegExp(`${flag} must be`), flag);
    }
  });

  it('each choice flag accepts exactly the table enum', () => {
    for (const [flag, f] of flags) {
      if (f.spec.type !== 'string' || !f.spec.enum) continue;
      for (const v of f.spec.enum) assert.equal(field([flag, v], f.field), v);
      assert.throws(() => field([flag, 'nope'], f.field), /must be one of/);
    }
  });
});

describe('the sanitiser', () => {
  it('fills defaults silently for absent values and drops unknown keys', () => {
    assert.deepEqual(sanitizeSettings(undefined), { settings: DEFAULT_SETTINGS, problems: [] });
    assert.deepEqual(sanitizeSettings({ steps: null, inline: {}, bogus: 1 }), { settings: DEFAULT_SETTINGS, problems: [] });
  });

  it('gives an invalid value its default and says which, why and what is used', () => {
    const { settings: s, problems } = sanitizeSettings({ steps: 0, temperature: -1, topP: 7, capacity: 5000, seed: -9, order: 'sideways', executionProvider: 'cuda', inline: { maxTokens: 32.4, enabled: false } });
    assert.equal(s.steps, DEFAULT_SETTINGS.steps);
    assert.equal(s.temperature, DEFAULT_SETTINGS.temperature);
    assert.equal(s.topP, DEFAULT_SETTINGS.topP);
    assert.equal(s.capacity, DEFAULT_SETTINGS.capacity);
    assert.equal(s.seed, -1);
    assert.equal(s.order, DEFAULT_SETTINGS.order);
    assert.equal(s.executionProvider, 'cuda');
    assert.deepEqual(s.inline, { ...DEFAULT_SETTINGS.inline, enabled: false });
    assert.deepEqual(problems, [
      'pgmInfill.steps: 0 is not valid (must be an integer in [1, 1024]); using the default 8',
      'pgmInfill.order: "sideways" is not valid (must be one of random, confidence, left-to-right); using the default "confidence"',
      'pgmInfill.temperature: -1 is not valid (must be a number in [0, 10]); using the default 0.5',
      'pgmInfill.topP: 7 is not valid (must be a number in [0.01, 1]); using the default 0.95',
      'pgmInfill.seed: -9 is not valid (must be an integer in [-1, 4294967295]); using the default -1',
      'pgmInfill.capacity: 5000 is not valid (must be an integer in [1, 1024]); using the default 64',
      'pgmInfill.inline.maxTokens: 32.4 is not valid (must be an integer in [1, 256]); using the default 16',
    ]);
  });

  it('a wrongly typed group or value never throws', () => {
    const { settings, problems } = sanitizeSettings({ steps: 'many', inline: 3, trace: [] });
    assert.deepEqual(settings, DEFAULT_SETTINGS);
    assert.equal(problems.length, 3);
    assert.match(problems[1], /^pgmInfill\.inline: 3 is not valid \(must be an object of settings\); using the defaults$/);
    assert.deepEqual(sanitizeSettings('nonsense').settings, DEFAULT_SETTINGS);
  });

  it('free text is trimmed, and the default when it breaks its rules', () => {
    const marker = (v: unknown) => sanitizeSettings({ holeMarker: v });
    assert.deepEqual(marker('  ??  '), { settings: { ...DEFAULT_SETTINGS, holeMarker: '??' }, problems: [] });
    for (const bad of ['a\nb', '   ', 'x'.repeat(65)]) {
      const r = marker(bad);
      assert.equal(r.settings.holeMarker, DEFAULT_SETTINGS.holeMarker);
      assert.match(r.problems[0], /^pgmInfill\.holeMarker: .* is not valid \(must be text/);
    }
    assert.equal(sanitizeSettings({ modelPath: ' /m ' }).settings.modelPath, '/m');
  });

  it('refuses (for strict inputs) what it would repair', () => {
    const steps = SETTING_ROWS.find((r) => r.key === 'steps')?.spec as SettingSpec;
    assert.equal(invalidReason(steps, 8), undefined);
    assert.match(invalidReason(steps, 8.5) ?? '', /integer in \[1, 1024\]/);
    assert.match(invalidReason(steps, '8') ?? '', /integer/);
  });
});
