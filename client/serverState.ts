/**
 * The client's view of the language server, as one explicit state union, and the single place
 * that turns it into words for the status bar. Pure: no `vscode` import, unit-tested.
 */

/** What a user can do about an error; the status item and the toast offer it. */
export type ErrorFix = 'modelPath' | 'restart' | 'log';

export type ServerView =
  | { kind: 'stopped'; reason?: string }
  | { kind: 'starting' }
  | { kind: 'loading'; model?: string }
  | { kind: 'ready'; model: string; device: string; lastLatencyMs?: number }
  | { kind: 'error'; message: string; fix: ErrorFix };

/** Facts about the last fill, shown next to the state. */
export interface LastFill {
  ms: number;
  /** Sampler rounds actually run (early stop can end a fill before its schedule). */
  steps: number;
  /** Steps the server scheduled for the fill (from its progress notifications), when known. */
  scheduled?: number;
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
  /** Inline suggestions are off (setting or untrusted workspace). */
  inlineOff?: string;
}

export interface StatusPresentation {
  text: string;
  tooltip: string;
  /** Read by screen readers (and by the end-to-end tests). */
  ariaLabel: string;
  severity: 'normal' | 'warning' | 'error';
}

function stateWords(v: ServerView): string {
  switch (v.kind) {
    case 'stopped': return v.reason ? `stopped (${v.reason})` : 'stopped';
    case 'starting': return 'starting';
    case 'loading': return v.model ? `loading ${v.model}` : 'loading model';
    case 'ready': return 'ready';
    case 'error': return `error: ${v.message}`;
  }
}

function icon(v: ServerView, busy: boolean): string {
  if (busy) return '$(loading~spin)';
  switch (v.kind) {
    case 'ready': return '$(sparkle)';
    case 'error': return '$(error)';
    case 'stopped': return '$(circle-slash)';
    default: return '$(loading~spin)';
  }
}

/** Turns the server view + context into the status bar text, tooltip and accessible label. */
export function presentStatus(v: ServerView, ctx: StatusContext): StatusPresentation {
  const latency = ctx.lastFill?.ms ?? (v.kind === 'ready' ? v.lastLatencyMs : undefined);
  const lowMark = v.kind === 'ready' && ctx.lastFill?.lowConfidence ? ' · low confidence' : '';
  const short = v.kind === 'ready'
    ? `PGM ${latency !== undefined ? `${Math.round(latency)} ms` : v.device}${lowMark}`
    : v.kind === 'error' ? 'PGM error' : `PGM ${v.kind}`;
  const lines = [`PGM Infill: ${stateWords(v)}`];
  if (v.kind === 'ready') lines.push(`model ${v.model} on ${v.device}`);
  lines.push(`${ctx.configuredSteps} steps configured`);
  if (ctx.lastFill) {
    const f = ctx.lastFill;
    const sched = f.scheduled !== undefined ? ` (${f.scheduled} scheduled)` : '';
    const low = f.lowConfidence ? `, ${f.lowConfidence}` : '';
    lines.push(`last fill ${Math.round(f.ms)} ms, ${f.steps} steps${sched}, ${f.ranges} range${f.ranges === 1 ? '' : 's'}${low}`);
  } else if (latency !== undefined) {
    lines.push(`last fill ${Math.round(latency)} ms`);
  }
  if (ctx.inlineOff) lines.push(`inline suggestions off: ${ctx.inlineOff}`);
  if (ctx.busy) lines.push('filling…');
  return {
    text: `${icon(v, ctx.busy)} ${short}`,
    tooltip: lines.join('\n') + '\n\nClick for actions',
    ariaLabel: lines.join('; '),
    severity: v.kind === 'error' ? 'error' : v.kind === 'stopped' ? 'warning' : 'normal',
  };
}

/** Fix offered for a server-reported error, by what its message names. */
export function fixForMessage(message: string): ErrorFix {
  return /model|manifest|onnx|tokenizer|provider/i.test(message) ? 'modelPath' : 'restart';
}
