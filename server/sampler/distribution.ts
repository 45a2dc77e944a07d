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
  /**
   * Natural log-probability of `id` under the model's own distribution over the allowed ids
   * (no temperature, no top-p): what a fill's score averages (docs/server.md#candidates).
   */
  logp: number;
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

// Scratch buffers reused across draws: a draw runs for every queried position of every step,
// and allocating vocab-sized arrays each time dominated the sampler's cost.
let weights = new Float64Array(0);
let buckets = new Uint8Array(0);

function scratch(n: number): void {
  if (weights.length < n) {
    weights = new Float64Array(n);
    buckets = new Uint8Array(n);
  }
}

/**
 * Draws one token among `ids` from logits[offset + id]. temperature 0 = greedy.
 * Returns id -1 only when `ids` is empty (an unsatisfiable healing constraint).
 * Probabilities are float64 (as in the paper): float32 loses the tail top-p depends on.
 */
export function drawToken(
  logits: Float32Array, offset: number, ids: readonly number[], opts: DrawOptions, rng: Rng,
): Draw {
  const n = ids.length;
  if (n === 0) return { id: -1, prob: 0, logp: -Infinity };
  scratch(n);
  const inv = 1 / (opts.temperature > 0 ? opts.temperature : 1);
  let max = -Infinity;
  for (let k = 0; k < n; k++) {
    const x = logits[offset + ids[k]] * inv;
    weights[k] = x;
    if (x > max) max = x;
  }
  // t: the tempered scale; raw logit - raw max = (x - max) * t, so the untempered
  // normaliser costs one more exp per id only when a temperature other than 1 is in use.
  const t = opts.temperature > 0 ? opts.temperature : 1;
  let sum = 0;
  let rawSum = 0;
  for (let k = 0; k < n; k++) {
    const x = weights[k];
    buckets[k] = Math.min(63, Math.floor((max - x) * BUCKETS_PER_NAT));
    const e = Math.exp(x - max);
    weights[k] = e;
    sum += e;
    rawSum += t === 1 ? e : Math.exp((x - max) * t);
  }
  const logZ = Math.log(rawSum);
  const withLogp = (d: { id: number; prob: number; k: number }): Draw => ({ id: d.id, prob: d.prob, logp: t * Math.log(weights[d.k]) - logZ });
  if (opts.temperature <= 0) return withLogp(argmax(ids, n, sum));
  const threshold = opts.topP < 1 ? nucleusThreshold(n, sum, opts.topP) : 0;
  return withLogp(drawAbove(ids, n, threshold, rng));
}

function argmax(ids: readonly number[], n: number, sum: number): { id: number; prob: number; k: number } {
  let best = 0;
  for (let k = 1; k < n; k++) if (weights[k] > weights[best]) best = k;
  return { id: ids[best], prob: weights[best] / sum, k: best };
}

/** Weights are bucketed by distance from the max logit, in steps of 1/2 nat (64 buckets). */
const BUCKETS_PER_NAT = 2;

/**
 * The smallest weight w such that the weights >= w hold at least topP of the mass: the nucleus.
 * Buckets hold weights in decreasing order, so only the bucket where the cumulative mass
 * crosses topP needs sorting; exact, without sorting the vocabulary.
 */
function nucleusThreshold(n: number, sum: number, topP: number): number {
  const mass = new Float64Array(64);
  for (let k = 0; k < n; k++) mass[buckets[k]] += weights[k];
  const target = topP * sum;
  let before = 0;
  let b = 0;
  while (b < 63 && before + mass[b] < target) before += mass[b++];
  const inBucket: number[] = [];
  for (let k = 0; k < n; k++) if (buckets[k] === b) inBucket.push(weights[k]);
  const sorted = Float64Array.from(inBucket).sort();
  let acc = before;
  for (let i = sorted.length - 1; i >= 0; i--) {
    acc += sorted[i];
    if (acc >= target) return sorted[i];
  }
  return sorted.length > 0 ? sorted[0] : 0;
}

/** Draws among weights >= threshold, renormalised. */
function drawAbove(ids: readonly number[], n: number, threshold: number, rng: Rng): { id: number; prob: number; k: number } {
  let total = 0;
  for (let k = 0; k < n; k++) if (weights[k] >= threshold) total += weights[k];
  let u = rng() * total;
  let last = -1;
  for (let k = 0; k < n; k++) {
    if (weights[k] < threshold) continue;
    last = k;
    u -= weights[k];
    if (u <= 0) return { id: ids[k], prob: weights[k] / total, k };
  }
  return { id: ids[last], prob: weights[last] / total, k: last };
}

/** Softmax probability of `id` in the logits row at `offset` (raw logits, no temperature). */
export function probabilityOf(logits: Float32Array, offset: number, vocab: number, id: number): number {
  let max = -Infinity;
  for (let v = 0; v < vocab; v++) max = Math.max(max, logits[offset + v]);
  let sum = 0;
  for (let v = 0; v < vocab; v++) sum += Math.exp(logits[offset + v] - max);
  return Math.exp(logits[offset + id] - max) / sum;
}
