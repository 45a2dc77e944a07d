/**
 * Generates everything that restates the settings table (contract/settings.ts):
 * - package.json `contributes.configuration` and the untrusted-workspace restrictedConfigurations;
 * - contract/settings.json, the table for Python (training/) and other non-TypeScript readers;
 * - the settings tables in README.md and docs/server.md (between `<!-- settings:... -->` markers).
 *
 *   npm run gen:contract          rewrite the files
 *   npm run gen:contract -- --check   exit 1 when a file differs from what the table gives
 *
 * test/unit/contract.test.ts runs the same comparison, so a stale file fails `npm test`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SETTINGS_SECTION, SETTING_ROWS, type SettingRow, type SettingSpec } from '../contract/settings';

export const ROOT = join(__dirname, '..');

/** One package.json configuration property (JSON schema + VS Code's extra keys). */
function property(spec: SettingSpec, order: number): Record<string, unknown> {
  const p: Record<string, unknown> = { type: spec.type, default: spec.default };
  if (spec.type === 'integer' || spec.type === 'number') Object.assign(p, { minimum: spec.minimum, maximum: spec.maximum });
  if (spec.type === 'string') {
    if (spec.enum) Object.assign(p, { enum: spec.enum, enumDescriptions: spec.enumDescriptions });
    if (spec.minLength !== undefined) p.minLength = spec.minLength;
    if (spec.maxLength !== undefined) p.maxLength = spec.maxLength;
    if (spec.singleLine) p.pattern = '^[^\\r\\n]*$';
  }
  if (spec.scope) p.scope = spec.scope;
  p.order = order;
  p[spec.markdown ? 'markdownDescription' : 'description'] = spec.description;
  return p;
}

/** package.json with its settings parts replaced by what the table gives. */
export function packageJsonText(current: string): string {
  const pkg = JSON.parse(current);
  const properties: Record<string, unknown> = {};
  SETTING_ROWS.forEach((r, i) => { properties[`${SETTINGS_SECTION}.${r.key}`] = property(r.spec, i); });
  pkg.contributes.configuration = { title: 'PGM Infill', properties };
  pkg.capabilities.untrustedWorkspaces.restrictedConfigurations =
    SETTING_ROWS.filter((r) => r.spec.restricted).map((r) => `${SETTINGS_SECTION}.${r.key}`);
  return JSON.stringify(pkg, null, 2) + '\n';
}

/** contract/settings.json: the table as data, plus a flat `defaults` map. */
export function settingsJsonText(): string {
  const settings = SETTING_ROWS.map(({ key, spec }) => ({
    key,
    type: spec.type,
    default: spec.default,
    ...(spec.type === 'integer' || spec.type === 'number' ? { minimum: spec.minimum, maximum: spec.maximum } : {}),
    ...(spec.type === 'string' && spec.enum ? { enum: spec.enum } : {}),
    ...(spec.type === 'string' && !spec.enum ? { minLength: spec.minLength ?? 0, maxLength: spec.maxLength ?? null, singleLine: !!spec.singleLine } : {}),
    scope: spec.scope ?? 'window',
    reloadsModel: !!spec.reloadsModel,
    restricted: !!spec.restricted,
    cli: spec.cli?.flag ?? null,
    description: spec.description,
  }));
  const defaults = Object.fromEntries(SETTING_ROWS.map((r) => [r.key, r.spec.default]));
  const doc = {
    $comment: 'Generated from contract/settings.ts by `npm run gen:contract`; do not edit.',
    section: SETTINGS_SECTION,
    defaults,
    settings,
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

const code = (v: unknown): string => '`' + (typeof v === 'string' ? (v === '' ? '""' : v) : JSON.stringify(v)) + '`';
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function range(spec: SettingSpec): string {
  if (spec.type === 'integer' || spec.type === 'number') return `${spec.minimum} .. ${spec.maximum}`;
  if (spec.type === 'string' && spec.enum) return spec.enum.map(code).join(', ');
  if (spec.type === 'string' && spec.maxLength !== undefined) return `${spec.minLength ?? 0} .. ${spec.maxLength} chars`;
  return '';
}

/** README's table: what a user needs. */
export function readmeTable(rows: readonly SettingRow[] = SETTING_ROWS): string {
  const lines = ['| Setting | Default | Range | Meaning |', '|---|---|---|---|'];
  for (const { key, spec } of rows) {
    lines.push(`| \`${SETTINGS_SECTION}.${key}\` | ${code(spec.default)} | ${cell(range(spec))} | ${cell(spec.description)} |`);
  }
  return lines.join('\n');
}

/** docs/server.md's table: the whole row, for server and CLI users. */
export function serverDocTable(rows: readonly SettingRow[] = SETTING_ROWS): string {
  const lines = ['| Key | Type | Default | Range | Scope | Reloads model | CLI flag |', '|---|---|---|---|---|---|---|'];
  for (const { key, spec } of rows) {
    lines.push(`| \`${key}\` | ${spec.type} | ${code(spec.default)} | ${cell(range(spec))} | ${spec.scope ?? 'window'} | ` +
      `${spec.reloadsModel ? 'yes' : ''} | ${spec.cli ? '`' + spec.cli.flag + '`' : ''} |`);
  }
  return lines.join('\n');
}

/** Replaces the text between `<!-- settings:begin -->` and `<!-- settings:end -->`. */
export function withTable(doc: string, table: string): string {
  const begin = '<!-- settings:begin (generated from contract/settings.ts: npm run gen:contract) -->';
  const end = '<!-- settings:end -->';
  const i = doc.indexOf(begin);
  const j = doc.indexOf(end);
  if (i < 0 || j < i) throw new Error(`settings markers missing: ${begin} ... ${end}`);
  return doc.slice(0, i + begin.length) + '\n' + table + '\n' + doc.slice(j);
}

/** Every generated file: path relative to the root -> [current text, text the table gives]. */
export function generated(): { path: string; current: string; wanted: string }[] {
  const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');
  const json = (() => { try { return read('contract/settings.json'); } catch { return ''; } })();
  return [
    { path: 'package.json', current: read('package.json'), wanted: packageJsonText(read('package.json')) },
    { path: 'contract/settings.json', current: json, wanted: settingsJsonText() },
    { path: 'README.md', current: read('README.md'), wanted: withTable(read('README.md'), readmeTable()) },
    { path: 'docs/server.md', current: read('docs/server.md'), wanted: withTable(read('docs/server.md'), serverDocTable()) },
  ];
}

if (require.main === module) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const f of generated()) {
    if (f.current === f.wanted) continue;
    stale++;
    if (check) console.error(`${f.path} differs from contract/settings.ts (run npm run gen:contract)`);
    else { writeFileSync(join(ROOT, f.path), f.wanted); console.log(`wrote ${f.path}`); }
  }
  if (check && stale > 0) process.exit(1);
}
