/**
 * Packing variable-length rows into the padded [batch, n] arrays the network takes.
 * Padding repeats a real position with mask 0 so no graph ever sees an out-of-canvas position.
 */
import type { CleanBatch, QueryBatch } from './types';

export interface CleanRow {
  ids: number[];
  pos: number[];
}

export function packClean(rows: CleanRow[]): CleanBatch {
  const batch = rows.length;
  const n = Math.max(1, ...rows.map((r) => r.ids.length));
  const ids = new Int32Array(batch * n);
  const pos = new Int32Array(batch * n);
  const mask = new Uint8Array(batch * n);
  rows.forEach((r, b) => {
    for (let i = 0; i < n; i++) {
      const real = i < r.ids.length;
      ids[b * n + i] = real ? r.ids[i] : 0;
      pos[b * n + i] = real ? r.pos[i] : (r.pos[0] ?? 0);
      mask[b * n + i] = real ? 1 : 0;
    }
  });
  return { batch, n, ids, pos, mask };
}

/** Queries are independent, so padding a row by repeating its first query is harmless. */
export function packQueries(rows: number[][]): QueryBatch {
  const batch = rows.length;
  const q = Math.max(1, ...rows.map((r) => r.length));
  const pos = new Int32Array(batch * q);
  rows.forEach((r, b) => {
    for (let i = 0; i < q; i++) pos[b * q + i] = i < r.length ? r[i] : (r[0] ?? 0);
  });
  return { batch, q, pos };
}
