/**
 * Command-line parsing for `pgm-infill` (pure, unit-tested). The setting flags, their defaults,
 * ranges and help come from the settings table (contract/settings.ts, rows with `cli`). Unknown
 * flags and out-of-range values are errors, not silently ignored or clamped, so a typo never runs
 * with values the user did not ask for.
 */
import {
  DEFAULT_SETTINGS as D, SETTING_ROWS, invalidReason, type ExecutionProviderSetting, type SamplingOrder, type SettingSpec,
} from '../../contract/settings';

export type Mode = 'fill' | 'jsonl' | 'lsp' | 'help' | 'version';

export interface CliArgs {
  mode: Mode;
  file?: string;
  marker: string;
  /** Model folder; '' = the shipped default (models/pgm-code if present, else models/tiny). */
  model: string;
  steps: number;
  order: SamplingOrder;
  temperature: number;
  topP: number;
  /** -1 = fresh seed per fill. */
  seed: number;
  capacity: number;
  /** Candidates per hole (explicit fills and jsonl); inline jsonl lines use inlineCandidates. */
  candidates: number;
  inlineCandidates: number;
  /** Longest inline fill (jsonl lines with "inline": true). */
  inlineMaxTokens: number;
  confidenceThreshold: number;
  /** Rank candidates with the tree-sitter syntax check (off: by score alone). */
  syntax: boolean;
  provider: ExecutionProviderSetting;
  threads: number;
  window: number;
  /** -1 = exact sampling; N >= 0 = approximate context cache, full re-encode every N steps (0 = once). */
  contextCache: number;
  json: boolean;
  /** Extra argv for the LSP transport (--stdio / --node-ipc / --socket=N). */
  lspArgs: string[];
}

/** CliArgs field set by each table row that has a CLI flag (the row's key when absent here). */
const FIELD_OF: Record<string, keyof CliArgs> = {
  holeMarker: 'marker', modelPath: 'model', executionProvider: 'provider', contextWindow: 'window',
};

export interface Flag { key: string; field: keyof CliArgs; spec: SettingSpec }
/** Flag -> the table row it sets and the CliArgs field it lands in. */
export const FLAGS: ReadonlyMap<string, Flag> = new Map(SETTING_ROWS.filter((r) => r.spec.cli).map((r) =>
  [(r.spec.cli as { flag: string }).flag, { key: r.key, field: FIELD_OF[r.key] ?? (r.key as keyof CliArgs), spec: r.spec }]));

function metavar(spec: SettingSpec): string {
  if (spec.type === 'string') return spec.enum ? 'V' : 'TEXT';
  return spec.type === 'integer' ? 'N' : 'X';
}

function allowed(spec: SettingSpec): string {
  if (spec.type === 'string' && spec.enum) return spec.enum.join(' | ');
  if (spec.type === 'integer' || spec.type === 'number') return `${spec.minimum}..${spec.maximum}`;
  return '';
}

function optionLines(): string {
  return [...FLAGS].map(([flag, { spec }]) => {
    const range = allowed(spec);
    return `${`  ${flag} ${metavar(spec)}`.padEnd(21)}${spec.cli?.help}${range ? `; ${range}` : ''} (default ${JSON.stringify(spec.default)})`;
  }).join('\n');
}

export const USAGE = `pgm-infill: any-order infilling with a PGM (ONNX, offline)

usage:
  pgm-infill fill FILE [options]     fill every marker in FILE, print the result (timing on stderr)
  pgm-infill --jsonl [options]       batch: one JSON per stdin line {prefix, suffix, selection?, language?,
                                     mode?, capacity?, candidates?, steps?, order?, temperature?, top_p?,
                                     seed?, single_line?, context_cache?, id?} -> one JSON line {fill, score,
                                     parses, low_confidence, alternatives, ms, ...}; "mode": "inline" uses the
                                     editor's inline path and defaults (docs/server.md#cli)
  pgm-infill --stdio                 run the language server on stdin/stdout (also --node-ipc, --socket=N)

options (the extension's pgmInfill.* settings: same defaults and ranges):
${optionLines()}
  --no-syntax        rank candidates by score alone (no tree-sitter check)
  --json             fill: print a JSON object (text, fills, timing) instead of the text
  --help, --version`;

export function parseArgs(argv: string[]): CliArgs {
  const a: CliArgs = {
    mode: 'help', marker: D.holeMarker, model: D.modelPath, steps: D.steps, order: D.order, temperature: D.temperature, topP: D.topP,
    seed: D.seed, capacity: D.capacity, candidates: D.candidates, inlineCandidates: D.inline.candidates,
    inlineMaxTokens: D.inline.maxTokens, confidenceThreshold: D.confidenceThreshold, syntax: true,
    provider: D.executionProvider, threads: D.threads, window: D.contextWindow, contextCache: D.contextCache, json: false, lspArgs: [],
  };
  const rest = [...argv];
  while (rest.length > 0) {
    const arg = rest.shift() as string;
    const flag = FLAGS.get(arg);
    if (flag) setFlag(a, arg, flag, rest.shift());
    else if (arg === 'fill') a.mode = 'fill';
    else if (arg === '--jsonl') a.mode = 'jsonl';
    else if (arg === '--stdio' || arg === '--node-ipc' || arg.startsWith('--socket=') || arg.startsWith('--clientProcessId')) {
      a.mode = 'lsp';
      a.lspArgs.push(arg);
    } else if (arg === '--help' || arg === '-h') return { ...a, mode: 'help' };
    else if (arg === '--version') return { ...a, mode: 'version' };
    else if (arg === '--json') a.json = true;
    else if (arg === '--no-syntax') a.syntax = false;
    else if (!arg.startsWith('-') && a.mode === 'fill' && a.file === undefined) a.file = arg;
    else throw new Error(`unknown argument ${JSON.stringify(arg)} (see --help)`);
  }
  if (argv.includes('--candidates')) a.inlineCandidates = a.candidates;
  if (a.mode === 'fill' && !a.file) throw new Error('fill needs a FILE');
  return a;
}

/** Sets a flag's field from its text, or throws saying what the table allows. */
function setFlag(a: CliArgs, name: string, flag: Flag, raw: string | undefined): void {
  if (raw === undefined) throw new Error(`${name} needs a value`);
  const numeric = flag.spec.type === 'integer' || flag.spec.type === 'number';
  const v = numeric ? (raw.trim() === '' ? Number.NaN : Number(raw)) : raw;
  const why = invalidReason(flag.spec, v);
  if (why) throw new Error(`${name} ${why}, got ${JSON.stringify(raw)}`);
  (a as unknown as Record<string, unknown>)[flag.field] = v;
}
