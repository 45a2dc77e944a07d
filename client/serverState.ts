/**
 * The client's view of the language server, as one explicit state union, and the single place
 * that turns it into words for the status bar. Pure: no `vscode` import, unit-tested.
 */
import type { ModelErrorKind } from '../contract/protocol';

/** What a user can do about an error; the status item and the toast offer it. */
export type ErrorFix = 'modelPath' | 'restart' | 'log';

export type ServerView =
  | { kind: 'stopped'; reason?: string }
  | { kind: 'starting' }
  | { kind: 'loading'; model?: string }
  | { kind: 'ready'; model: string; device: string; lastLatencyMs?: number }
  | { kind: 'error'; message: string; fix: ErrorFix };

/**
 * Facts about the last fill, shown next to the state. Step counts mean (docs: README "Steps"):
 * `stepsRan` sampler steps ran out of `stepsScheduled` (the fill's schedule: the steps setting,
 * capped at one step per hole position); a fill ends early once every position is committed.
 * `networkCalls` also counts the rounds that are not steps (choosing the length, repairing tails).
 */
export interface LastFill {
  ms: number;
  stepsRan?: number;
  stepsScheduled?: number;
  networkCalls: number;
  ranges: number;
  /** Set when a fill was under the confidence threshold (still applied), e.g. 'low confidence'. */
  lowConfidence?: string;
}

export interface StatusContext {
  /** Steps the next fill will use (the headline setting). */
  configuredSteps: number;
  /** A fill is running right now. */
  busy: boolean;
  lastFill?: LastFill;
  /** Latency of the last inline suggestion (ms). */
  lastInlineMs?: number;
  /** Which of the two came last: the status text shows that latency. */
  latest?: 'fill' | 'inline';
  /** Inline suggestions are off (setting or untrusted workspace). */
  inlineOff?: string;
  /** The workspace is in Restricted Mode (not trusted). */
  restricted?: boolean;
  /** A short-lived word for the status text, e.g. "cancelled" after a cancelled fill. */
  note?: string;
}

export interface StatusPresentation {
  text: string;
  /** Markdown; may hold command links (the status item trusts only its own commands). */
  tooltip: string;
  /** Read by screen readers (and by the end-to-end tests). */
  ariaLabel: string;
  severity: 'normal' | 'warning' | 'error';
  /** What a click does: the actions menu, or (Restricted Mode, stopped) managing workspace trust. */
  click: 'actions' | 'manageTrust';
}

/** The command VS Code offers to trust (or keep restricting) the open folder. */
export const MANAGE_TRUST_COMMAND = 'workbench.trust.manage';

export const RESTRICTED_HINT = 'Restricted Mode: this folder is not trusted, so inline suggestions are off and the ' +
  'server starts only when you run a PGM command. Trust the folder to turn them on';

function stateWords(v: ServerView): string {
  switch (v.kind) {
    case 'stopped': return v.reason ? `stopped (${v.reason})` : 'stopped';
    case 'starting': return 'starting';
    case 'loading': return v.model ? `loading ${v.model}` : 'loading model';
    case 'ready': return 'ready';
    case 'error': return `error: ${v.message}`;
  }
}

function icon(v: ServerView, ctx: StatusContext): string {
  if (ctx.busy) return '$(loading~spin)';
  if (ctx.restricted && v.kind === 'stopped') return '$(shield)';
  switch (v.kind) {
    case 'ready': return '$(sparkle)';
    case 'error': return '$(error)';
    case 'stopped': return '$(circle-slash)';
    default: return '$(loading~spin)';
  }
}

/** The latency the status text shows: the newer of the last fill and the last inline suggestion. */
function latestLatency(v: ServerView, ctx: StatusContext): number | undefined {
  if (ctx.latest === 'inline' && ctx.lastInlineMs !== undefined) return ctx.lastInlineMs;
  return ctx.lastFill?.ms ?? ctx.lastInlineMs ?? (v.kind === 'ready' ? v.lastLatencyMs : undefined);
}

function shortText(v: ServerView, ctx: StatusContext): string {
  if (ctx.busy) return 'PGM filling…';
  if (ctx.note) return `PGM ${ctx.note}`;
  if (v.kind === 'error') return 'PGM error';
  if (v.kind === 'stopped' && ctx.restricted) return 'PGM Restricted Mode';
  if (v.kind !== 'ready') return `PGM ${v.kind}`;
  const ms = latestLatency(v, ctx);
  const low = ctx.lastFill?.lowConfidence && ctx.latest !== 'inline' ? ' · low confidence' : '';
  return `PGM ${ms !== undefined ? `${Math.round(ms)} ms` : v.device}${low}`;
}

/** "last fill 42 ms, 7 of 8 steps, 2 ranges (9 network calls)". */
export function lastFillWords(f: LastFill): string {
  const steps = f.stepsRan !== undefined && f.stepsScheduled !== undefined
    ? `${f.stepsRan} of ${f.stepsScheduled} steps` : `${f.networkCalls} network calls`;
  const calls = f.stepsRan !== undefined ? ` (${f.networkCalls} network calls)` : '';
  const low = f.lowConfidence ? `, ${f.lowConfidence}` : '';
  return `last fill ${Math.round(f.ms)} ms, ${steps}, ${f.ranges} range${f.ranges === 1 ? '' : 's'}${low}${calls}`;
}

function detailLines(v: ServerView, ctx: StatusContext): string[] {
  const lines = [`PGM Infill: ${stateWords(v)}`];
  if (v.kind === 'ready') lines.push(`model ${v.model} on ${v.device}`);
  lines.push(`${ctx.configuredSteps} steps configured`);
  if (ctx.note) lines.push(`last fill ${ctx.note}`);
  if (ctx.lastFill) lines.push(lastFillWords(ctx.lastFill));
  else if (v.kind === 'ready' && v.lastLatencyMs !== undefined) lines.push(`last fill ${Math.round(v.lastLatencyMs)} ms`);
  if (ctx.lastInlineMs !== undefined) lines.push(`last inline suggestion ${Math.round(ctx.lastInlineMs)} ms`);
  if (ctx.inlineOff) lines.push(`inline suggestions off: ${ctx.inlineOff}`);
  if (ctx.busy) lines.push('filling…');
  return lines;
}

/** Turns the server view + context into the status bar text, tooltip and accessible label. */
export function presentStatus(v: ServerView, ctx: StatusContext): StatusPresentation {
  const lines = detailLines(v, ctx);
  const restrictedStop = !!ctx.restricted && v.kind === 'stopped';
  const hint = ctx.restricted ? [`${RESTRICTED_HINT}: [Manage Workspace Trust](command:${MANAGE_TRUST_COMMAND})`] : [];
  const inlineWord = ctx.inlineOff && !restrictedStop ? ' · inline off' : '';
  const clickWord = restrictedStop ? 'Click to manage workspace trust' : 'Click for actions';
  return {
    text: `${icon(v, ctx)} ${shortText(v, ctx)}${inlineWord}`,
    tooltip: [...lines, ...hint, clickWord].map(escapeLine).join('\n\n'),
    ariaLabel: [...lines, ...(ctx.restricted ? [`${RESTRICTED_HINT} (Manage Workspace Trust)`] : [])].join('; '),
    severity: v.kind === 'error' ? 'error' : v.kind === 'stopped' ? 'warning' : 'normal',
    click: restrictedStop ? 'manageTrust' : 'actions',
  };
}

/** Markdown-escapes a tooltip line except for our own command links. */
function escapeLine(line: string): string {
  return line.replace(/([\\`*_{}<>#|])/g, '\\$1');
}

/**
 * Fix offered for a model the server could not load, by the kind it reported (never by the
 * message's words): a missing or refused model is fixed in the model path; a model no provider
 * could start is explained in the log (the provider notes); anything else (an older server that
 * sends no kind) gets a restart.
 */
export function fixForKind(kind: ModelErrorKind | undefined): ErrorFix {
  switch (kind) {
    case 'modelMissing':
    case 'modelInvalid':
      return 'modelPath';
    case 'providerFailed':
      return 'log';
    default:
      return 'restart';
  }
}
