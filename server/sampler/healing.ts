/**
 * Token healing at hole edges. A cursor often sits mid-word ("fo|"), and the prefix tokenized
 * on its own ends in a fragment token ("fo") the model never saw before a hole in training,
 * where holes are cut at token boundaries of the whole file. So the edge token moves into the
 * hole: the hole starts one token earlier and its first token is constrained to start with
 * those bytes (the sampler enforces it; the bytes are stripped from the fill because they are
 * still in the document). On the suffix side the same is done when the suffix starts with a
 * word character (where a fill would merge with it): the fill must end with that token's bytes.
 * Each healed side costs one context token and gives the hole one extra position.
 */
import type { TextTokenizer } from './slice';
import type { HoleLayout } from './types';

export interface Segment {
  ids: number[];
}

const EMPTY = new Uint8Array(0);

function isWordByte(b: number | undefined): boolean {
  if (b === undefined) return false;
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f || b >= 0x80;
}

/**
 * segments[i] is the text before hole i, segments[holes] the text after the last hole.
 * Returns new segments and hole layouts (start left 0; `place` assigns positions).
 */
export function healEdges(
  segments: Segment[], capacities: number[], tok: TextTokenizer, doc: number,
): { segments: Segment[]; holes: HoleLayout[] } {
  const segs = segments.map((s) => ({ ids: [...s.ids] }));
  const holes: HoleLayout[] = capacities.map((capacity) => ({ start: 0, capacity, headBytes: EMPTY, tailBytes: EMPTY }));
  if (!tok.healing) return { segments: segs, holes };
  holes.forEach((h, i) => {
    const left = segs[i].ids;
    const lastId = left[left.length - 1];
    if (lastId !== undefined && lastId !== doc && tok.tokenBytes(lastId).length > 0) {
      h.headBytes = tok.tokenBytes(left.pop() as number);
      h.capacity += 1;
    }
    const right = segs[i + 1].ids;
    const isMiddle = i + 1 < holes.length;
    const firstId = right[0];
    if (firstId === undefined || firstId === doc || right.length < (isMiddle ? 2 : 1)) return;
    const bytes = tok.tokenBytes(firstId);
    if (bytes.length > 0 && isWordByte(bytes[0])) {
      h.tailBytes = bytes;
      right.shift();
      h.capacity += 1;
    }
  });
  return { segments: segs, holes };
}
