/**
 * Context windows: lays the holes of one document out on model canvases.
 *
 * Holes close to each other share one row (one canvas), so each fill sees the others as holes
 * rather than as the text being replaced. Each row holds at most `window` tokens:
 *   [<|doc|>] prefix | hole | middle | hole ... | suffix [<|doc|>]
 * with the free budget split evenly between prefix and suffix (a side that runs short gives
 * the rest to the other). `<|doc|>` marks a window that reaches the document start / end, as in
 * training. A row's context never extends into another row's hole.
 */
import { healEdges, type Segment } from './healing';
import { tokensAfter, tokensBefore, type TextTokenizer } from './slice';
import type { RowLayout } from './types';

export interface HoleRequest {
  /** Character offsets (UTF-16 code units) of the text to replace; start === end inserts. */
  start: number;
  end: number;
  /** Maximum fill length in tokens. */
  capacity: number;
}

export interface WindowConfig {
  /** Tokens per row, <= the model canvas. */
  window: number;
  /** Id of <|doc|>. */
  doc: number;
}

export interface PlannedRow {
  layout: RowLayout;
  /** Index into the request's holes of each hole of the row, in layout order. */
  holes: number[];
}

/** Holes of one row may take at most this share of the window, so context always remains. */
const MAX_CORE_SHARE = 0.75;

/** Largest hole capacity a window of `window` tokens holds: half of it, so context remains. */
export function maxHoleCapacity(window: number): number {
  return Math.max(1, Math.floor(window / 2));
}

export function planRows(text: string, holes: HoleRequest[], tok: TextTokenizer, cfg: WindowConfig): PlannedRow[] {
  const order = holes.map((_, i) => i).sort((a, b) => holes[a].start - holes[b].start);
  const maxCap = maxHoleCapacity(cfg.window);
  const capped = holes.map((h) => ({ ...h, capacity: Math.min(Math.max(1, h.capacity), maxCap) }));
  const groups = groupHoles(text, order, capped, tok, cfg.window);
  return groups.map((g, gi) => {
    const left = gi > 0 ? capped[groups[gi - 1].holes[groups[gi - 1].holes.length - 1]].end : 0;
    const right = gi + 1 < groups.length ? capped[groups[gi + 1].holes[0]].start : text.length;
    return { layout: layoutRow(text, g, capped, tok, cfg, left, right), holes: g.holes };
  });
}

interface Group {
  holes: number[];
  /** Token ids of the text between consecutive holes. */
  middles: number[][];
  /** Canvas positions used by the holes and middles. */
  core: number;
}

/** Greedily puts consecutive holes in one row while holes + text between them stay small. */
function groupHoles(text: string, order: number[], holes: HoleRequest[], tok: TextTokenizer, window: number): Group[] {
  const limit = Math.floor(window * MAX_CORE_SHARE);
  const groups: Group[] = [];
  for (const i of order) {
    const g = groups[groups.length - 1];
    if (g) {
      const prev = holes[g.holes[g.holes.length - 1]];
      const room = limit - g.core - holes[i].capacity;
      const mid = room > 0 ? tokensAfter(tok, text, prev.end, holes[i].start, room + 1) : null;
      if (mid && mid.reachedLimit && mid.tokens.length <= room) {
        g.holes.push(i);
        g.middles.push(mid.tokens);
        g.core += mid.tokens.length + holes[i].capacity;
        continue;
      }
    }
    groups.push({ holes: [i], middles: [], core: holes[i].capacity });
  }
  return groups;
}

function layoutRow(
  text: string, g: Group, holes: HoleRequest[], tok: TextTokenizer, cfg: WindowConfig, left: number, right: number,
): RowLayout {
  const first = holes[g.holes[0]];
  const last = holes[g.holes[g.holes.length - 1]];
  const budget = Math.max(0, cfg.window - g.core);
  const pre = withDoc(tokensBefore(tok, text, left, first.start, budget), left === 0, cfg.doc, 'start', budget);
  const suf = withDoc(tokensAfter(tok, text, last.end, right, budget), right === text.length, cfg.doc, 'end', budget);
  const nPre = Math.min(pre.length, Math.max(Math.ceil(budget / 2), budget - suf.length));
  const nSuf = Math.min(suf.length, budget - nPre);
  const segments: Segment[] = [pre.slice(pre.length - nPre), ...g.middles, suf.slice(0, nSuf)].map((ids) => ({ ids }));
  const capacities = g.holes.map((i) => holes[i].capacity);
  const healed = healEdges(segments, capacities, tok, cfg.doc);
  return place(healed.segments, healed.holes);
}

/** Adds <|doc|> at the document edge when the slice reached it and the budget allows. */
function withDoc(slice: { tokens: number[]; reachedLimit: boolean }, atDocEdge: boolean, doc: number, side: 'start' | 'end', budget: number): number[] {
  if (!slice.reachedLimit || !atDocEdge || slice.tokens.length >= budget) return slice.tokens;
  return side === 'start' ? [doc, ...slice.tokens] : [...slice.tokens, doc];
}

/** Assigns consecutive canvas positions: segment, hole, segment, hole, ..., segment. */
function place(segments: Segment[], holes: RowLayout['holes']): RowLayout {
  const ids: number[] = [];
  const pos: number[] = [];
  let p = 0;
  const placed = holes.map((h, i) => {
    for (const id of segments[i].ids) {
      ids.push(id);
      pos.push(p++);
    }
    const start = p;
    p += h.capacity;
    return { ...h, start };
  });
  for (const id of segments[segments.length - 1].ids) {
    ids.push(id);
    pos.push(p++);
  }
  return { ids, pos, holes: placed };
}
