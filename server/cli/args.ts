/**
 * Command-line parsing for `pgm-infill` (pure, unit-tested). Unknown flags are errors, not
 * silently ignored, so a typo never runs with defaults the user did not ask for.
 */
import { DEFAULT_SETTINGS as D, EXECUTION_PROVIDERS, MAX_CANDIDATES, SAMPLING_ORDERS, type ExecutionProviderSetting, type SamplingOrder } from '../protocol';

export type Mode = 'fill' | 'jsonl' | 'lsp' | 'help' | 'version';

export interface CliArgs {
  mode: Mode;
  file?: string;
  marker: string;
  model?: string;
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

export const DEFAULT_MARKER = '<FILL>';

export const USAGE = `pgm-infill: any-order infilling with a PGM (ONNX, offline)

usage:
  pgm-infill fill FILE [options]     fill every marker in FILE, print the result (timing on stderr)
  pgm-infill --jsonl [options]       batch: one JSON per stdin line {prefix, suffix, selection?, language?,
                                     mode?, capacity?, candidates?, steps?, order?, temperature?, top_p?,
                                     seed?, single_line?, context_cache?, id?} -> one JSON line {fill, score,
                                     parses, low_confidence, alternatives, ms, ...}; "mode": "inline" uses the
                                     editor's inline path and defaults (docs/server.md#cli)
  pgm-infill --stdio                 run the language server on stdin/stdout (also --node-ipc, --socket=N)

options:
  --marker TEXT      hole marker in FILE (default ${DEFAULT_MARKER})
  --model DIR        model folder (default: models/pgm-code if present, else models/tiny)
  defaults are the extension's settings (pgmInfill.*), except --seed (0: reproducible)
  --steps N          sampler steps (default ${D.steps})
  --order O          random | confidence | left-to-right (default ${D.order})
  --temperature T    0 = greedy (default ${D.temperature})
  --top-p P          nucleus mass (default ${D.topP})
  --seed S           PRNG seed, -1 = random (default 0: same input, same fill)
  --capacity N       longest insertion in tokens: each marker, an empty jsonl hole (default ${D.capacity};
                     a fixed-length model fills exactly N)
  --candidates K     candidates per hole, best applied (default ${D.candidates}; inline jsonl: ${D.inline.candidates})
  --threshold S      confidence threshold on the score (default ${D.confidenceThreshold})
  --no-syntax        rank candidates by score alone (no tree-sitter check)
  --window N         context window in tokens (default: the model canvas)
  --provider EP      auto | cpu | cuda | dml | coreml | webgpu (default auto)
  --threads N        CPU threads (default: onnxruntime's choice)
  --context-cache N  approximate context cache: encode the context once, re-encode fully every
                     N steps (0 = once per fill); models without the cache graph sample exactly
                     (default -1: exact)
  --json             fill: print a JSON object (text, fills, timing) instead of the text
  --help, --version`;

type NumFlag = 'steps' | 'temperature' | 'topP' | 'seed' | 'capacity' | 'candidates' | 'confidenceThreshold' | 'threads' | 'window' | 'contextCache';
const NUMERIC: Record<string, [NumFlag, number, number, boolean]> = {
  '--steps': ['steps', 1, 1024, true],
  '--temperature': ['temperature', 0, 10, false],
  '--top-p': ['topP', 0.01, 1, false],
  '--seed': ['seed', -1, 2 ** 32 - 1, true],
  '--capacity': ['capacity', 1, 1024, true],
  '--candidates': ['candidates', 1, MAX_CANDIDATES, true],
  '--threshold': ['confidenceThreshold', -100, 0, false],
  '--threads': ['threads', 0, 256, true],
  '--window': ['window', 0, 1 << 20, true],
  '--context-cache': ['contextCache', -1, 1024, true],
};

export function parseArgs(argv: string[]): CliArgs {
  const a: CliArgs = {
    mode: 'help', marker: DEFAULT_MARKER, steps: D.steps, order: D.order, temperature: D.temperature, topP: D.topP,
    seed: 0, capacity: D.capacity, candidates: D.candidates, inlineCandidates: D.inline.candidates,
    inlineMaxTokens: D.inline.maxTokens, confidenceThreshold: D.confidenceThreshold, syntax: true,
    provider: D.executionProvider, threads: D.threads, window: D.contextWindow, contextCache: D.contextCache, json: false, lspArgs: [],
  };
  const rest = [...argv];
  const value = (flag: string): string => {
    const v = rest.shift();
    if (v === undefined) throw new Error(`${flag} needs a value`);
    return v;
  };
  while (rest.length > 0) {
    const arg = rest.shift() as string;
    if (arg === 'fill') a.mode = 'fill';
    else if (arg === '--jsonl') a.mode = 'jsonl';
    else if (arg === '--stdio' || arg === '--node-ipc' || arg.startsWith('--socket=') || arg.startsWith('--clientProcessId')) {
      a.mode = 'lsp';
      a.lspArgs.push(arg);
    } else if (arg === '--help' || arg === '-h') return { ...a, mode: 'help' };
    else if (arg === '--version') return { ...a, mode: 'version' };
    else if (arg === '--json') a.json = true;
    else if (arg === '--no-syntax') a.syntax = false;
    else if (arg === '--marker') a.marker = value(arg);
    else if (arg === '--model') a.model = value(arg);
    else if (arg === '--order') a.order = choice(value(arg), SAMPLING_ORDERS, arg);
    else if (arg === '--provider') a.provider = choice(value(arg), EXECUTION_PROVIDERS, arg);
    else if (arg in NUMERIC) setNumber(a, arg, value(arg));
    else if (!arg.startsWith('-') && a.mode === 'fill' && a.file === undefined) a.file = arg;
    else throw new Error(`unknown argument ${JSON.stringify(arg)} (see --help)`);
  }
  if (argv.includes('--candidates')) a.inlineCandidates = a.candidates;
  if (a.mode === 'fill' && !a.file) throw new Error('fill needs a FILE');
  if (a.marker === '') throw new Error('--marker must not be empty');
  return a;
}

function choice<T extends string>(v: string, allowed: readonly T[], flag: string): T {
  if (!(allowed as readonly string[]).includes(v)) throw new Error(`${flag} must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
  return v as T;
}

function setNumber(a: CliArgs, flag: string, raw: string): void {
  const [key, min, max, integer] = NUMERIC[flag];
  const v = Number(raw);
  if (!Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
    throw new Error(`${flag} must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got ${JSON.stringify(raw)}`);
  }
  a[key] = v;
}
