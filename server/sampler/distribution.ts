/**
 * Turning the logits of one position into a committed token: allowed-set masking, temperature,
 * nucleus (top-p), and a draw. Probabilities are computed in float64 (as the paper does) because
 * float32 softmax over thousands of ids loses the tail that top-p and the draw depend on.
 */
import type { Rng } from './prng';

export interface Draw {
  id: number;
  /** Probability of `id` under the adjusted distribution (confidence). */
  prob: number;
}

export interface DrawOptions {
  temperature: number;
  topP: number;
}

/** Every id of the vocabulary except the banned ones (pad, doc can never be in a fill). */
export function allIdsExcept(vocab: number, banned: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < vocab; i++) if (!banned.includes(i)) out.push(i);
  return out;
}

/**
 * Draws one token among `ids` from logits[offset + id]. temperature 0 = greedy.
 * Returns id -1 only when `ids` is empty (an unsatisfiable healing constraint).
 */
export function drawToken(
  logits: Float32Array, offset: number, ids: readonly number[], opts: DrawOptions, rng: Rng,
): Draw {
  if (ids.length === 0) return { id: -1, prob: 0 };
  const t = opts.temperature > 0 ? opts.temperature : 1;
  let max = -Infinity;
  for (const id of ids) max = Math.max(max, logits[offset + id] / t);
  const p = new Float64Array(ids.length);
  let sum = 0;
  for (let k = 0; k < ids.length; k++) {
    const e = Math.exp(logits[offset + ids[k]] / t - max);
    p[k] = e;
    sum += e;
  }
  for (let k = 0; k < ids.length; k++) p[k] /= sum;
  if (opts.temperature <= 0) return argmax(ids, p);
  return sampleNucleus(ids, p, opts.topP, rng);
}

function argmax(ids: readonly number[], p: Float64Array): Draw {
  let best = 0;
  for (let k = 1; k < ids.length; k++) if (p[k] > p[best]) best = k;
  return { id: ids[best], prob: p[best] };
}

/**
 * Keeps the smallest most-probable set with mass >= topP, renormalises, draws.
 * Only ids with p >= (1 - topP) / n can be in that set (all smaller ones together weigh less
 * than the tail the nucleus drops), so only those are sorted: exact, and cheap for big vocabs.
 */
function sampleNucleus(ids: readonly number[], p: Float64Array, topP: number, rng: Rng): Draw {
  let order: number[];
  let kept: number;
  if (topP >= 1) {
    order = Array.from(p.keys());
    kept = order.length;
  } else {
    const floor = (1 - topP) / p.length;
    order = [];
    for (let k = 0; k < p.length; k++) if (p[k] >= floor) order.push(k);
    order.sort((a, b) => p[b] - p[a] || a - b);
    kept = order.length;
    let mass = 0;
    for (let k = 0; k < order.length; k++) {
      mass += p[order[k]];
      if (mass >= topP) {
        kept = k + 1;
        break;
      }
    }
  }
  let total = 0;
  for (let k = 0; k < kept; k++) total += p[order[k]];
  let u = rng() * total;
  for (let k = 0; k < kept; k++) {
    const idx = order[k];
    u -= p[idx];
    if (u <= 0 || k === kept - 1) return { id: ids[idx], prob: p[idx] / total };
  }
  return { id: ids[order[0]], prob: p[order[0]] / total };
}
