/**
 * Per-hole sampler state: which positions are committed (id, step, confidence) and when a hole
 * is settled. Pure bookkeeping, no network.
 */
import { hasNewline, type TokenBytes } from './constraints';
import type { HoleLayout, HoleState, RowLayout } from './types';

/** One hole position of a row, addressed by hole index and offset within the hole. */
export interface Slot {
  hole: number;
  index: number;
  /** Absolute canvas position. */
  pos: number;
}

export function slotsOfRow(row: RowLayout): Slot[] {
  const out: Slot[] = [];
  row.holes.forEach((h, hole) => {
    for (let index = 0; index < h.capacity; index++) out.push({ hole, index, pos: h.start + index });
  });
  return out;
}

export function initialStates(rows: RowLayout[]): HoleState[][] {
  return rows.map((r) =>
    r.holes.map((h) => ({
      positions: Array.from({ length: h.capacity }, () => ({ id: -1, step: 0, prob: 0 })),
      done: h.capacity === 0,
    })),
  );
}

export function isOpen(states: HoleState[][], row: number, slot: Slot): boolean {
  const h = states[row][slot.hole];
  return !h.done && h.positions[slot.index].id === -1;
}

/**
 * Marks a hole done when its fill can no longer change:
 * - every position is committed; or (earlyStop)
 * - a gap filler is committed at p, all positions before p are committed and nothing after p
 *   is a real token: fillers are trained left-aligned at the tail, so the rest are fillers too
 *   (they are committed as fillers here, so the state stays complete); or
 * - singleLine and a newline is committed at p with everything before p known: text after the
 *   newline is cut anyway.
 */
export function settleHole(
  state: HoleState, layout: HoleLayout, gap: number, tokenBytes: TokenBytes,
  singleLine: boolean, earlyStop: boolean, step: number,
): void {
  if (state.done) return;
  const ps = state.positions;
  if (ps.every((p) => p.id !== -1)) {
    state.done = true;
    return;
  }
  if (!earlyStop) return;
  for (let i = 0; i < ps.length; i++) {
    const p = ps[i];
    if (p.id === -1) return; // an unknown position before any stop marker
    if (p.id === gap && ps.slice(i + 1).every((q) => q.id === -1 || q.id === gap)) {
      for (let j = i + 1; j < ps.length; j++) if (ps[j].id === -1) ps[j] = { id: gap, step, prob: 0 };
      state.done = true;
      return;
    }
    const skip = i === 0 ? layout.headBytes.length : 0;
    if (singleLine && p.id !== gap && hasNewline(tokenBytes(p.id), skip)) {
      state.done = true;
      return;
    }
  }
}
