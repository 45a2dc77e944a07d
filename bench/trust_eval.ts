/**
 * Issue 9 measurement through the product path (the CLI's --jsonl, dist/cli.js): held-out holes
 * of four kinds, filled with and without candidates + syntax check, scored against the original
 * text. Kinds: single line and multi-line (2-6 lines; a selection re-filled, so capacity follows
 * it), random span (10-120 characters, selected), rest of line at the cursor (inline path).
 * Metrics: top-1 exact match (trimmed), edit similarity, share of fills that keep a parsing file
 * parsing (whole file, tree-sitter), mean latency; and the confidence curve of the best score.
 *   node --import tsx bench/trust_eval.ts HELDOUT.jsonl PER_KIND MODEL_DIR OUT.json [config ...]
 * (PGM_CLI=path/to/cli.js runs another build.)
 *   node --import tsx bench/trust_eval.ts --report OUT.json    reprints the tables from a saved run
 * configs: base (--candidates 1 --no-syntax), cand (default candidates, --no-syntax), full (defaults:
 * candidates + syntax), k2 / k8 (2 / 8 candidates + syntax)
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng, type Rng } from '../server/sampler/prng';
import { grammarForPath, parserFor } from '../server/syntax/grammars';

type Kind = 'single_line' | 'multi_line' | 'random_span' | 'rest_of_line';
const KINDS: Kind[] = ['single_line', 'multi_line', 'random_span', 'rest_of_line'];
const CONFIGS: Record<string, string[]> = {
  base: ['--candidates', '1', '--no-syntax'], cand: ['--no-syntax'], full: [], k2: ['--candidates', '2'], k8: ['--candidates', '8'],
};

export interface Hole { kind: Kind; file: string; lang: string; prefix: string; middle: string; suffix: string; parsedBefore: boolean }

export function similarity(a: string, b: string): number {
  if (a === b) return 1;
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const t = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = t;
    }
  }
  return 1 - d[b.length] / Math.max(a.length, b.length, 1);
}

function lineStarts(text: string): number[] {
  const s = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) s.push(i + 1);
  return s;
}

function cut(text: string, kind: Kind, rng: Rng): [number, number] | null {
  const lines = text.split('\n');
  const starts = lineStarts(text);
  if (kind === 'random_span') {
    if (text.length < 200) return null;
    const a = 50 + Math.floor(rng() * (text.length - 110));
    return [a, Math.min(text.length, a + 10 + Math.floor(rng() * 111))];
  }
  const n = kind === 'multi_line' ? 2 + Math.floor(rng() * 5) : 1;
  const cands: number[] = [];
  for (let i = 1; i < lines.length - n; i++) if (lines.slice(i, i + n).every((l) => l.trim().length >= 4)) cands.push(i);
  if (cands.length === 0) return null;
  const i = cands[Math.floor(rng() * cands.length)];
  const indent = lines[i].length - lines[i].trimStart().length;
  const end = starts[i + n - 1] + lines[i + n - 1].length;
  if (kind === 'rest_of_line') {
    const body = lines[i].length - indent;
    return [starts[i] + indent + Math.floor(rng() * body * 0.8), starts[i] + lines[i].length];
  }
  return [starts[i] + indent, end];
}

async function parses(lang: string, text: string): Promise<boolean> {
  const tree = (await parserFor(lang)).parse(text);
  const ok = tree ? !tree.rootNode.hasError : false;
  tree?.delete();
  return ok;
}

export async function makeHoles(path: string, perKind: number): Promise<Hole[]> {
  const files = readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { src: string; text: string })
    .map((f) => ({ ...f, lang: grammarForPath(f.src) })).filter((f): f is { src: string; text: string; lang: string } => f.lang !== null && f.text.length < 60_000);
  const holes: Hole[] = [];
  for (const kind of KINDS) {
    const rng = createRng(1234 + KINDS.indexOf(kind));
    let n = 0;
    for (let tries = 0; n < perKind && tries < perKind * 50; tries++) {
      const f = files[Math.floor(rng() * files.length)];
      const c = cut(f.text, kind, rng);
      if (!c || c[1] - c[0] < 2 || c[1] - c[0] > 400) continue;
      holes.push({ kind, file: f.src, lang: f.lang, prefix: f.text.slice(0, c[0]), middle: f.text.slice(c[0], c[1]), suffix: f.text.slice(c[1]), parsedBefore: await parses(f.lang, f.text) });
      n++;
    }
  }
  return holes;
}

function request(h: Hole, i: number): object {
  const base = { id: i, prefix: h.prefix, suffix: h.suffix, language: h.file };
  return h.kind === 'rest_of_line' ? { ...base, mode: 'inline' } : { ...base, selection: h.middle };
}

interface Answer { id: number; fill?: string; score?: number; parses?: boolean | null; items?: string[]; alternatives?: { text: string; score: number; parses: boolean | null }[]; ms?: number; error?: string }

function runCli(model: string, extra: string[], lines: object[]): Answer[] {
  // PGM_CLI: a frozen copy of the build, so rebuilding dist/ during a long run changes nothing
  const cli = process.env.PGM_CLI ?? join(__dirname, '../dist/cli.js');
  const r = spawnSync(process.execPath, [cli, '--jsonl', '--model', model, '--provider', 'cpu', '--seed', '0', ...extra], {
    input: lines.map((l) => JSON.stringify(l)).join('\n') + '\n', maxBuffer: 1 << 28, encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`cli failed: ${r.stderr}`);
  return r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

async function main(): Promise<void> {
  if (process.argv[2] === '--report') {
    const saved = JSON.parse(readFileSync(process.argv[3], 'utf8')) as { raw: Record<string, Row[]> };
    console.log(summary(saved.raw) + '\n\n' + curves(saved.raw));
    return;
  }
  const [data, perKindArg, model, out, ...configs] = process.argv.slice(2);
  // TRUST_KINDS=a,b: only those kinds (the holes are the same as in a full run)
  const only = process.env.TRUST_KINDS?.split(',');
  const holes = (await makeHoles(data, Number(perKindArg))).filter((h) => !only || only.includes(h.kind));
  const report: Record<string, unknown> = { holes: holes.length, perKind: Number(perKindArg), model, rows: [] as unknown[] };
  const raw: Record<string, unknown[]> = {};
  for (const cfg of configs.length ? configs : Object.keys(CONFIGS)) {
    const t0 = Date.now();
    const answers = runCli(model, CONFIGS[cfg], holes.map(request));
    raw[cfg] = await Promise.all(holes.map(async (h, i) => {
      const a = answers[i];
      const fill = a.fill ?? '';
      const kept = h.parsedBefore ? await parses(h.lang, h.prefix + fill + h.suffix) : null;
      return { kind: h.kind, lang: h.lang, truth: h.middle, fill, score: a.score, parses: a.parses, items: a.items, ms: a.ms, error: a.error, alternatives: a.alternatives,
        em: fill.trim() === h.middle.trim() ? 1 : 0, es: similarity(fill.trim(), h.middle.trim()), kept };
    }));
    console.error(`${cfg}: ${holes.length} fills in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  report.raw = raw;
  writeFileSync(out, JSON.stringify(report, null, 1));
  console.log(summary(raw) + '\n\n' + curves(raw as Record<string, Row[]>));
}

interface Row { kind: Kind; em: number; es: number; kept: boolean | null; ms?: number; score?: number }

/**
 * The confidence gate's precision/coverage curve: for each threshold, the share of fills whose
 * best score reaches it (shown) and their exact match and edit similarity, from the 'full'
 * config (the product defaults), for inline (rest of line) and for all kinds.
 */
export function curves(raw: Record<string, Row[]>): string {
  const rows = raw.full ?? Object.values(raw)[Object.keys(raw).length - 1];
  const out: string[] = [];
  for (const [name, sel] of [['rest of line (inline)', rows.filter((r) => r.kind === 'rest_of_line')], ['all kinds', rows]] as const) {
    out.push(`${name}, ${sel.length} fills`, '| threshold | shown | EM of shown | edit sim. of shown |', '|---:|---:|---:|---:|');
    for (const t of [-100, -1.5, -1.2, -1, -0.8, -0.7, -0.6, -0.5, -0.4, -0.3, -0.2, -0.1]) {
      const shown = sel.filter((r) => (r.score ?? -Infinity) >= t);
      const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
      out.push(`| ${t === -100 ? 'none' : t} | ${(100 * shown.length / Math.max(1, sel.length)).toFixed(0)}% | ` +
        `${(100 * mean(shown.map((r) => r.em))).toFixed(1)}% | ${mean(shown.map((r) => r.es)).toFixed(3)} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

export function summary(raw: Record<string, unknown[]>): string {
  const out = ['| kind | config | n | top-1 EM | edit sim. | keeps parsing | mean ms |', '|---|---|---:|---:|---:|---:|---:|'];
  for (const kind of KINDS) {
    for (const [cfg, rows] of Object.entries(raw)) {
      const r = (rows as { kind: Kind; em: number; es: number; kept: boolean | null; ms?: number }[]).filter((x) => x.kind === kind);
      const p = r.filter((x) => x.kept !== null);
      const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
      out.push(`| ${kind} | ${cfg} | ${r.length} | ${(100 * mean(r.map((x) => x.em))).toFixed(1)}% | ${mean(r.map((x) => x.es)).toFixed(3)} | ` +
        `${(100 * mean(p.map((x) => (x.kept ? 1 : 0)))).toFixed(1)}% (${p.length}) | ${mean(r.map((x) => x.ms ?? 0)).toFixed(0)} |`);
    }
  }
  return out.join('\n');
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
