/**
 * The `pgmInfill.*` settings, declared once: key, type, default, range or enum, VS Code scope,
 * whether a change reloads the model, the CLI flag and the description.
 *
 * HOW TO ADD A SETTING: add one entry to SETTINGS below, then run `npm run gen:contract`. That
 * rewrites package.json (`contributes.configuration`, untrusted-workspace restrictions),
 * contract/settings.json (read by Python: training/) and the settings tables in README.md and
 * docs/server.md. test/unit/contract.test.ts fails until the generated files match this table.
 * Everything else (the typed `Settings`, defaults, the sanitiser, the CLI flags and their help)
 * follows from the entry; nothing else restates a default or a range.
 *
 * Imports nothing, so the client bundle, the server and the scripts can all use it.
 */

/** VS Code configuration scope (where a value may be set). Absent = 'window' (VS Code's default). */
export type SettingScope = 'application' | 'machine' | 'machine-overridable' | 'window' | 'resource';

interface Common {
  description: string;
  /** The description is Markdown (package.json `markdownDescription`). */
  markdown?: boolean;
  scope?: SettingScope;
  /** The server reloads the model when this changes. */
  reloadsModel?: boolean;
  /** An untrusted workspace may not set it (package.json restrictedConfigurations). */
  restricted?: boolean;
  /** The `pgm-infill` command-line flag that sets it, if any, and its one-line `--help` text. */
  cli?: { flag: string; help: string };
}

export interface NumberSpec extends Common {
  type: 'integer' | 'number';
  default: number;
  minimum: number;
  maximum: number;
}
export interface BooleanSpec extends Common {
  type: 'boolean';
  default: boolean;
}
export interface StringSpec extends Common {
  type: 'string';
  default: string;
  /** Allowed values, with one description each. */
  enum?: readonly string[];
  enumDescriptions?: readonly string[];
  /** Free text: at most this many characters (after trimming). */
  maxLength?: number;
  /** Free text: at least this many characters (after trimming). */
  minLength?: number;
  /** Free text must not contain a line break. */
  singleLine?: boolean;
}
export type SettingSpec = NumberSpec | BooleanSpec | StringSpec;

/** A spec tagged with the type of its value (V is only for typing; it carries no data). */
export type Spec<V> = SettingSpec & { readonly __value?: V };

const integer = (s: Omit<NumberSpec, 'type'>): Spec<number> => ({ type: 'integer', ...s });
const number = (s: Omit<NumberSpec, 'type'>): Spec<number> => ({ type: 'number', ...s });
const boolean = (s: Omit<BooleanSpec, 'type'>): Spec<boolean> => ({ type: 'boolean', ...s });
const text = (s: Omit<StringSpec, 'type' | 'enum' | 'enumDescriptions'>): Spec<string> => ({ type: 'string', ...s });
function oneOf<const T extends string>(values: readonly T[], s: Omit<StringSpec, 'type' | 'enum' | 'default'> & { default: NoInfer<T> }): Spec<T> {
  return { type: 'string', ...s, enum: values };
}

export const SAMPLING_ORDERS = ['random', 'confidence', 'left-to-right'] as const;
/** Order in which hole positions are committed. `random` is the paper's fixed random order. */
export type SamplingOrder = (typeof SAMPLING_ORDERS)[number];

export const EXECUTION_PROVIDERS = ['auto', 'cpu', 'cuda', 'dml', 'coreml', 'webgpu'] as const;
export type ExecutionProviderSetting = (typeof EXECUTION_PROVIDERS)[number];

/** Most candidates per range (each is one batch row): the range of both candidate settings. */
export const MAX_CANDIDATES = 16;

/** The settings section (VS Code `pgmInfill.*`, LSP workspace/configuration section). */
export const SETTINGS_SECTION = 'pgmInfill';

/** The table. Nested objects are dotted keys (`inline.enabled`); order here = order in the Settings UI. */
export const SETTINGS = {
  steps: integer({
    default: 8, minimum: 1, maximum: 1024, cli: { flag: '--steps', help: 'sampler steps (network calls) per fill' }, markdown: true,
    description: 'Sampler steps per fill: how many network calls fill a hole. Fewer is faster, more is usually better. Applies to the next fill.',
  }),
  order: oneOf(SAMPLING_ORDERS, {
    default: 'confidence', cli: { flag: '--order', help: 'commit order' },
    enumDescriptions: [
      'A fixed random order, as in the PGM paper.',
      'Commit the positions the model is most sure of first.',
      'Commit positions from left to right.',
    ],
    description: 'Order in which hole positions are committed.',
  }),
  temperature: number({
    default: 0.5, minimum: 0, maximum: 10, cli: { flag: '--temperature', help: 'sampling temperature, 0 = greedy' },
    description: 'Sampling temperature; 0 picks the most likely token (greedy).',
  }),
  topP: number({
    default: 0.95, minimum: 0.01, maximum: 1, cli: { flag: '--top-p', help: 'nucleus mass (1 disables)' },
    description: 'Nucleus sampling: keep the smallest set of tokens whose probability reaches this mass (1 disables).',
  }),
  seed: integer({
    default: -1, minimum: -1, maximum: 4294967295, cli: { flag: '--seed', help: 'PRNG seed, -1 = fresh seed per fill' },
    description: 'Random seed; the same seed and input give the same fill. -1 uses a fresh seed for every fill.',
  }),
  capacity: integer({
    default: 64, minimum: 1, maximum: 1024, markdown: true, cli: { flag: '--capacity', help: 'longest insertion in tokens: each marker, an empty jsonl hole (a fixed-length model fills exactly N)' },
    description: "Longest insertion in model tokens when the selection is **empty** (fill at the cursor) and for each placeholder hole. A non-empty selection's capacity follows its size (its tokens × 1.5 + 4, at most half the context window); a selection too large for the model asks whether to fill it in parts or cap it.",
  }),
  candidates: integer({
    default: 4, minimum: 1, maximum: MAX_CANDIDATES, markdown: true, cli: { flag: '--candidates', help: 'candidates per hole, best applied (also inline jsonl lines when given)' },
    description: "Candidates sampled per explicit fill, in one batch: the best (keeps the file parsing first, then the model's score) is applied, the others are offered by **PGM: Show Alternatives**. More costs latency (docs/benchmarks.md).",
  }),
  confidenceThreshold: number({
    default: -0.8, minimum: -100, maximum: 0, markdown: true, cli: { flag: '--threshold', help: 'confidence threshold on the score' },
    description: "Score (mean log-probability of the fill's tokens) under which a fill is **low confidence**: no inline suggestion is shown, and explicit fills are applied but marked. Calibrated on held-out code (docs/benchmarks.md, confidence gate).",
  }),
  holeMarker: text({
    default: '<FILL>', minLength: 1, maxLength: 64, singleLine: true, cli: { flag: '--marker', help: 'hole marker in FILE' }, markdown: true,
    description: 'Text that marks a placeholder hole for **PGM: Infill Placeholder Holes** (one line, 1-64 characters).',
  }),
  inline: {
    enabled: boolean({
      default: true,
      description: 'Show inline (ghost text) suggestions at the cursor, filled from the text before and after it.',
    }),
    debounceMs: integer({
      default: 250, minimum: 0, maximum: 10000,
      description: 'Wait this long after the last keystroke before asking for an inline suggestion (ms).',
    }),
    candidates: integer({
      default: 3, minimum: 1, maximum: MAX_CANDIDATES, markdown: true,
      description: 'Inline suggestions per request (ranked candidates, sampled in one batch); `Alt+]` / `Alt+[` cycle them. 1 is fastest.',
    }),
    maxTokens: integer({
      default: 16, minimum: 1, maximum: 256,
      description: 'Hole capacity in model tokens for inline suggestions.',
    }),
    steps: integer({
      default: 6, minimum: 1, maximum: 1024,
      description: 'Denoising steps for inline suggestions (never more than the hole has positions). Fewer is faster; on 400 held-out inline holes 6 steps kept the quality of 8 within sampling noise, 4 lost a little (docs/benchmarks.md).',
    }),
    contextCache: integer({
      default: 0, minimum: -1, maximum: 1024, scope: 'machine-overridable', restricted: true,
      description: 'Context cache for inline suggestions: 0 (default) = approximate context cache: the context is encoded once per suggestion, then only the tokens committed since (about 2x faster; on 200 held-out inline holes its quality was within sampling noise of exact, see docs/benchmarks.md). -1 = exact PGM sampling. N = full re-encode every N steps.',
    }),
  },
  executionProvider: oneOf(EXECUTION_PROVIDERS, {
    default: 'auto', scope: 'machine-overridable', reloadsModel: true, restricted: true, cli: { flag: '--provider', help: 'execution provider' }, markdown: true,
    enumDescriptions: [
      'Try the GPU providers this platform offers, fall back to CPU.',
      'CPU only.',
      'NVIDIA CUDA (needs onnxruntime-node installed with ONNXRUNTIME_NODE_INSTALL=cuda12).',
      'DirectML (Windows).',
      'CoreML (macOS).',
      'WebGPU.',
    ],
    description: 'onnxruntime execution provider. The server reloads the model when this changes; the status bar shows which one runs.',
  }),
  threads: integer({
    default: 0, minimum: 0, maximum: 256, scope: 'machine-overridable', reloadsModel: true, restricted: true, cli: { flag: '--threads', help: "CPU threads, 0 = onnxruntime's choice" },
    description: "CPU threads for the model (0 = onnxruntime's default). The server reloads the model when this changes.",
  }),
  contextCache: integer({
    default: -1, minimum: -1, maximum: 1024, scope: 'machine-overridable', restricted: true,
    cli: { flag: '--context-cache', help: 'approximate context cache, -1 = exact, N = full re-encode every N steps' },
    description: 'Context cache for explicit fills: -1 = exact PGM sampling (default). 0 = approximate context cache: the context is encoded once per fill, then only the tokens committed since (faster; quality cost in docs/benchmarks.md). N = full re-encode every N steps. Models without the cache graph (training/cache_export.py) sample exactly.',
  }),
  contextWindow: integer({
    default: 0, minimum: 0, maximum: 1048576, cli: { flag: '--window', help: 'context window in tokens, 0 = the model canvas' },
    description: "Context window in tokens around a hole, capped by the model's canvas (0 = the whole canvas).",
  }),
  modelPath: text({
    default: '', scope: 'machine', reloadsModel: true, restricted: true, cli: { flag: '--model', help: 'model folder; empty = models/pgm-code if present, else models/tiny' }, markdown: true,
    description: 'Folder of the model to use (`manifest.json`, `tokenizer.json`, ONNX graphs). Empty = the model shipped with the extension. User or machine settings only: a workspace cannot set it.',
  }),
  trace: {
    server: oneOf(['off', 'messages', 'verbose'] as const, {
      default: 'off', scope: 'window',
      description: 'Log the LSP messages between VS Code and the PGM server (to the PGM Infill log).',
    }),
  },
} as const;

type ValueTree<T> = { readonly [K in keyof T]: T[K] extends Spec<infer V> ? V : ValueTree<T[K]> };

/** All settings, typed from the table (nested like the table: `s.inline.maxTokens`). */
export type Settings = ValueTree<typeof SETTINGS>;
/** Kept as the server's name for the same type. */
export type PgmSettings = Settings;

/** One row of the table, flattened: `{ key: 'inline.enabled', spec }`, in table order. */
export interface SettingRow {
  key: string;
  spec: SettingSpec;
}

function isSpec(x: unknown): x is SettingSpec {
  return !!x && typeof x === 'object' && typeof (x as { type?: unknown }).type === 'string';
}

function flatten(tree: object, prefix: string): SettingRow[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    isSpec(v) ? [{ key: prefix + k, spec: v }] : flatten(v as object, `${prefix}${k}.`));
}

export const SETTING_ROWS: readonly SettingRow[] = flatten(SETTINGS, '');

/** The rows whose change reloads the model. */
export const RELOAD_KEYS: readonly string[] = SETTING_ROWS.filter((r) => r.spec.reloadsModel).map((r) => r.key);

/** Free text is trimmed before it is checked; every other value is checked as it is. */
function normalize(spec: SettingSpec, v: unknown): unknown {
  return spec.type === 'string' && !spec.enum && typeof v === 'string' ? v.trim() : v;
}

/**
 * Why a value is invalid for its spec, or undefined when it is valid as it is. Used as it is for
 * inputs that are refused rather than repaired (command-line flags, JSONL fields, request
 * options), and by sanitizeSettings (after trimming free text) for settings.
 */
export function invalidReason(spec: SettingSpec, v: unknown): string | undefined {
  switch (spec.type) {
    case 'boolean':
      return typeof v === 'boolean' ? undefined : 'must be true or false';
    case 'integer':
    case 'number': {
      const ok = typeof v === 'number' && Number.isFinite(v) && v >= spec.minimum && v <= spec.maximum &&
        (spec.type === 'number' || Number.isInteger(v));
      return ok ? undefined : `must be ${spec.type === 'integer' ? 'an integer' : 'a number'} in [${spec.minimum}, ${spec.maximum}]`;
    }
    case 'string': {
      if (typeof v !== 'string') return 'must be a string';
      if (spec.enum) return spec.enum.includes(v) ? undefined : `must be one of ${spec.enum.join(', ')}`;
      const ok = v === v.trim() && v.length >= (spec.minLength ?? 0) && v.length <= (spec.maxLength ?? Infinity) &&
        !(spec.singleLine && /[\r\n]/.test(v));
      return ok ? undefined : describeText(spec);
    }
  }
}

function describeText(spec: StringSpec): string {
  const parts = [`${spec.minLength ?? 0}-${spec.maxLength ?? '∞'} characters`, 'no surrounding spaces'];
  if (spec.singleLine) parts.push('one line');
  return `must be text (${parts.join(', ')})`;
}

/** The row for a dotted key; throws for a key that is not in the table (a programming error). */
export function settingSpec(key: string): SettingSpec {
  const row = SETTING_ROWS.find((r) => r.key === key);
  if (!row) throw new Error(`no setting ${key}`);
  return row.spec;
}

/** A value as a user would write it in settings.json, shortened for a message. */
function shown(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

function build(tree: object, raw: unknown, prefix: string, problems: string[]): Record<string, unknown> {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, node] of Object.entries(tree)) {
    const key = `${SETTINGS_SECTION}.${prefix}${k}`;
    const v = r[k];
    if (!isSpec(node)) {
      if (v !== undefined && v !== null && (typeof v !== 'object' || Array.isArray(v))) {
        problems.push(`${key}: ${shown(v)} is not valid (must be an object of settings); using the defaults`);
      }
      out[k] = build(node as object, v, `${prefix}${k}.`, problems);
      continue;
    }
    const value = normalize(node, v);
    const why = v === undefined || v === null ? 'absent' : invalidReason(node, value);
    if (why && why !== 'absent') problems.push(`${key}: ${shown(v)} is not valid (${why}); using the default ${shown(node.default)}`);
    out[k] = why ? node.default : value;
  }
  return out;
}

export interface SanitizedSettings {
  settings: Settings;
  /** One line per invalid value ("pgmInfill.steps: 0 is not valid (...); using the default 8"), for the user. */
  problems: string[];
}

/**
 * THE sanitiser, called once by each side where settings enter it (the client: VS Code's
 * configuration, client/config.ts; the server: the workspace/configuration answer,
 * server/lsp/settings.ts). Absent values (undefined, null) get their default silently; an invalid
 * value (wrong type, out of range, not an allowed choice, free text breaking its rules) gets its
 * default and a problem line saying which, why and what is used instead. Free text is trimmed.
 * Unknown keys are dropped. Never throws.
 */
export function sanitizeSettings(raw: unknown): SanitizedSettings {
  const problems: string[] = [];
  const settings = build(SETTINGS, raw, '', problems) as unknown as Settings;
  return { settings, problems };
}

/** The defaults, from the table. */
export const DEFAULT_SETTINGS: Settings = deepFreeze(sanitizeSettings(undefined).settings);

function deepFreeze<T extends object>(o: T): T {
  for (const v of Object.values(o)) if (v && typeof v === 'object') deepFreeze(v);
  return Object.freeze(o);
}
