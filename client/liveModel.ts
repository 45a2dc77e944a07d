/**
 * Messages from the extension to the denoising view (media/liveView.js), and the pure helpers
 * that build them. The view keeps the latest frame of a fill: every hole position carries the
 * step it was committed at and its confidence, so replaying is filtering by step.
 */
import type { ProgressParams } from '../contract/protocol';

export interface LiveRangeContext {
  /** Up to CONTEXT_CHARS of text before and after the hole, for orientation. */
  before: string;
  after: string;
  /** The text the fill replaces (a selection or a placeholder marker). */
  original: string;
}

export type LiveMessage =
  | { type: 'start'; requestId: string; title: string; steps: number; ranges: LiveRangeContext[] }
  | ({ type: 'frame' } & ProgressParams)
  | { type: 'done'; requestId: string; outcome: string; ms?: number; steps?: number; scheduled?: number; holes?: LiveHoleVerdict[] };

/**
 * What the view says about each hole's applied fill: its text (the frames follow one candidate,
 * which need not be the one ranked best or picked), score, syntax check, and whether it is
 * under the confidence threshold.
 */
export interface LiveHoleVerdict { text: string; score: number; lowConfidence: boolean; parses: boolean | null }

export const CONTEXT_CHARS = 160;

/** Context around the hole [start, end) of `text`, cut at line starts/ends where possible. */
export function rangeContext(text: string, start: number, end: number): LiveRangeContext {
  let from = Math.max(0, start - CONTEXT_CHARS);
  const nl = text.indexOf('\n', from);
  if (from > 0 && nl >= 0 && nl < start) from = nl + 1;
  let to = Math.min(text.length, end + CONTEXT_CHARS);
  const nlAfter = text.lastIndexOf('\n', to);
  if (to < text.length && nlAfter > end) to = nlAfter;
  return { before: text.slice(from, start), after: text.slice(end, to), original: text.slice(start, end) };
}

/**
 * A progress notification as the view's frame, as it came: the server built it once
 * (contract/protocol.ts progressParams, confidences clamped by progressToken).
 */
export function frameMessage(p: ProgressParams): LiveMessage {
  return { type: 'frame', ...p };
}

/** Fraction of hole positions committed in a frame, for the progress bar. */
export function committedFraction(p: ProgressParams): number {
  let total = 0;
  let done = 0;
  for (const r of p.ranges) {
    total += r.tokens.length;
    done += r.tokens.filter((t) => t.step > 0).length;
  }
  return total === 0 ? (p.totalSteps > 0 ? p.step / p.totalSteps : 0) : done / total;
}

const MAX_PREVIEW = 60;

/** The first line of a partial fill, shortened, for the in-editor preview. */
export function previewText(fill: string): string {
  const first = fill.split('\n')[0];
  const more = first.length < fill.length ? ' …' : '';
  return first.length > MAX_PREVIEW ? `${first.slice(0, MAX_PREVIEW)}…` : first + more;
}
