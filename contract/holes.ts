/**
 * Placeholder holes (pgmInfill.holeMarker, `<FILL>` by default), found one way for the editor
 * (client/holes.ts: highlights, CodeLens, "Infill Placeholder Holes") and for the CLI
 * (server/cli/fillFile.ts: `pgm-infill fill FILE`). Pure; imports nothing.
 */

/** A hole: character offsets [start, end) of one marker occurrence in the text. */
export interface Hole {
  start: number;
  end: number;
}

/** Every non-overlapping occurrence of `marker` in `text`, left to right; none for an empty marker. */
export function findHoles(text: string, marker: string): Hole[] {
  if (!marker) return [];
  const out: Hole[] = [];
  for (let i = text.indexOf(marker); i >= 0; i = text.indexOf(marker, i + marker.length)) out.push({ start: i, end: i + marker.length });
  return out;
}
