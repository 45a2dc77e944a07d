/**
 * The PGM sampling loop (docs/server.md#sampler). Clean set = context tokens at their true
 * canvas positions + every hole position committed so far; each step runs the encoder over the
 * clean set, queries the positions chosen for this step, draws tokens and commits them.
 * Several rows (windows) and several holes per row are sampled in one batch.
 */
import { packClean, packQueries, type CleanRow } from './batch';
import { constrainedIds, endsWith, type TokenBytes } from './constraints';
import { allIdsExcept, drawToken, probabilityOf, type Draw } from './distribution';
import { createRng, type Rng } from './prng';
import { effectiveSteps, fixedOrder } from './schedule';
import { initialStates, isOpen, settleHole, slotsOfRow, type Slot } from './state';
import { fillBytes } from './fill';
import type { HoleState, LengthRule, Logits, Network, RowLayout, SamplerOptions, SamplerResult, SpecialIds } from './types';

export interface SamplerContext {
  specials: SpecialIds;
  tokenBytes: TokenBytes;
}

/**
 * The length round's logits, kept for step 1: row r's slot at canvas position p has its logits at
 * `(rowOf[r] * logits.q + at.get(p)) * logits.vocab`; rowOf[r] is undefined for rows not queried.
 */
interface LengthRound {
  logits: Logits;
  rowOf: (number | undefined)[];
  at: Map<number, number>[];
}

/** Queries of one row in one round: which slots, and with which candidate ids each. */
interface RowQuery {
  row: number;
  slots: Slot[];
  candidates: (readonly number[])[];
  /** Canvas positions left out of the clean set (being re-drawn). */
  exclude?: Set<number>;
}

export class AbortError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'AbortError';
  }
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new AbortError();
}

export async function runSampler<M>(
  net: Network<M>, rows: RowLayout[], ctx: SamplerContext, opts: SamplerOptions,
): Promise<SamplerResult> {
  const run = new SamplerRun(net, rows, ctx, opts);
  return run.run();
}

class SamplerRun<M> {
  private readonly rng: Rng;
  private readonly slots: Slot[][];
  private readonly states: HoleState[][];
  private readonly defaults: number[];
  private readonly headIds = new Map<string, number[]>();
  /**
   * Committed slots per row in commit order. The clean set is packed in this order (as the
   * reference sampler does): positions, not packing, define the model's input, but packing
   * order changes float summation order, and matching it keeps parity tests bit-exact.
   */
  private readonly committed: Slot[][];
  private rounds = 0;

  constructor(
    private readonly net: Network<M>, private readonly rows: RowLayout[],
    private readonly ctx: SamplerContext, private readonly opts: SamplerOptions,
  ) {
    this.rng = createRng(opts.seed);
    this.slots = rows.map(slotsOfRow);
    this.states = initialStates(rows);
    this.committed = rows.map(() => []);
    const { pad, doc, gap } = ctx.specials;
    // with the length chosen up front (or fixed), no position may draw a filler afterwards
    const banned = this.lengthRule === 'free' ? [pad, doc] : [pad, doc, gap];
    this.defaults = allIdsExcept(net.vocabSize, banned.filter((id) => id >= 0));
  }

  async run(): Promise<SamplerResult> {
    this.net.startFill?.();
    const total = effectiveSteps(this.opts.steps, Math.max(0, ...this.slots.map((s) => s.length)));
    const orders = this.slots.map((s) => fixedOrder(s.length, this.opts.order, this.rng));
    let lengthRound: LengthRound | null = null;
    if (this.lengthRule === 'cdf') {
      throwIfAborted(this.opts.signal);
      lengthRound = await this.chooseLengths();
    }
    for (let step = 1; step <= total; step++) {
      throwIfAborted(this.opts.signal);
      const plans = this.rows.map((_, r) => this.plan(r, total - step + 1, orders[r]));
      const queries = plans.filter((p): p is RowQuery & { commit: number } => p !== null);
      if (queries.length === 0) break;
      const draws = await this.round(queries, step === 1 ? lengthRound : null);
      queries.forEach((q, i) => this.commit(q, draws[i], q.commit, step));
      this.settleAll(step);
      this.opts.onStep?.({ step, totalSteps: total, rows: this.states });
      if (this.states.every((row) => row.every((h) => h.done))) break;
    }
    throwIfAborted(this.opts.signal);
    await this.healTails(total + 1);
    return { rows: this.states, steps: this.rounds };
  }

  /**
   * Slots to query in row r this step and how many of them to commit; null = row idle.
   * k = ceil(open / steps left), as in the reference sampler (training/sample.py): the last
   * step commits whatever is open, and positions freed by early stop shrink later steps.
   */
  private plan(r: number, stepsLeft: number, order: number[]): (RowQuery & { commit: number }) | null {
    const open = order.map((i) => this.slots[r][i]).filter((s) => isOpen(this.states, r, s));
    const k = Math.ceil(open.length / stepsLeft);
    if (k === 0) return null;
    // confidence: query every open slot, keep the k most confident; fixed orders: the next k.
    const slots = this.opts.order === 'confidence' ? open : open.slice(0, k);
    return { row: r, slots, candidates: slots.map((s) => this.candidatesFor(r, s)), commit: k };
  }

  private candidatesFor(r: number, s: Slot): readonly number[] {
    const head = this.rows[r].holes[s.hole].headBytes;
    if (s.index !== 0 || head.length === 0) return this.defaults;
    const key = `${r}:${s.hole}`;
    let ids = this.headIds.get(key);
    if (!ids) {
      ids = constrainedIds(this.defaults, this.ctx.tokenBytes, head, null);
      this.headIds.set(key, ids);
    }
    return ids;
  }

  private get lengthRule(): LengthRule {
    return this.opts.length ?? 'cdf';
  }

  /**
   * The 'cdf' length rule (SamplerOptions.length): one round over every hole position; in each
   * hole the first offset whose filler probability reaches 1/2 (or the row's lengthLevels entry)
   * starts the fillers, which are
   * committed (step 0) and join the clean set in position order, as in training/sample.py.
   * Returns the round's logits, which step 1 reuses where its input is the same (`reusable`).
   */
  private async chooseLengths(): Promise<LengthRound | null> {
    // Rows that are the same layout object (candidates of one hole) have the same input in this
    // round: it is run once per distinct layout and its lengths go to every copy.
    const first = this.rows.map((layout) => this.rows.indexOf(layout));
    const queries = this.rows
      .map((_, r) => ({ row: r, slots: [...this.slots[r]].sort((a, b) => a.pos - b.pos) }))
      .filter((q) => q.slots.length > 0 && first[q.row] === q.row);
    if (queries.length === 0) return null;
    const logits = await this.logitsFor(queries);
    const gap = this.ctx.specials.gap;
    const rowOf: (number | undefined)[] = this.rows.map(() => undefined);
    const at = this.rows.map(() => new Map<number, number>());
    queries.forEach((q, b) => {
      const pGap = q.slots.map((_, i) => probabilityOf(logits.data, (b * logits.q + i) * logits.vocab, logits.vocab, gap));
      this.rows.forEach((_, r) => {
        if (first[r] !== q.row) return;
        this.commitTailFillers(r, q.slots, pGap);
        rowOf[r] = b;
        q.slots.forEach((s, i) => at[r].set(s.pos, i));
      });
    });
    return { logits, rowOf, at };
  }

  /**
   * Whether step 1 may draw row r from the length round's logits instead of a network round.
   * Exact when the row committed no fillers: its clean set is then the context alone, as in the
   * length round (every query's logits depend only on the clean set and its own position).
   * 'always' reuses for every row, leaving its fillers out of step 1's input
   * (SamplerOptions.reuseLengthRound).
   */
  private reusable(r: number, round: LengthRound): boolean {
    const mode = this.opts.reuseLengthRound ?? 'exact';
    if (round.rowOf[r] === undefined || mode === 'never') return false;
    return mode === 'always' || this.committed[r].length === 0;
  }

  /** Commits fillers from each hole's chosen length on; healed edges keep at least one token. */
  private commitTailFillers(r: number, slots: Slot[], pGap: number[]): void {
    const gap = this.ctx.specials.gap;
    this.rows[r].holes.forEach((h, hole) => {
      const idx = slots.map((s, i) => i).filter((i) => slots[i].hole === hole);
      const minLength = h.headBytes.length > 0 || h.tailBytes.length > 0 ? 1 : 0;
      const level = this.opts.lengthLevels?.[r] ?? 0.5;
      const first = idx.findIndex((i, j) => j >= minLength && pGap[i] >= level);
      if (first === -1) return;
      for (const i of idx.slice(first)) {
        this.states[r][hole].positions[slots[i].index] = { id: gap, step: 1, prob: pGap[i], logp: Math.log(pGap[i]) };
        this.committed[r].push(slots[i]);
      }
    });
  }

  /**
   * One encoder + decoder round over the rows in `queries`; returns one draw per queried slot.
   * Rows that may reuse the length round's logits (step 1, `reusable`) take them from `lengths`
   * instead; with every row reusing, no network call is made. Draws are made in query order
   * either way, so the random stream is the same as without reuse.
   */
  private async round(queries: RowQuery[], lengths: LengthRound | null = null): Promise<Draw[][]> {
    const reuse = queries.map((q) => lengths !== null && this.reusable(q.row, lengths));
    const fresh = queries.filter((_, i) => !reuse[i]);
    const logits = fresh.length > 0 ? await this.logitsFor(fresh) : null;
    const { temperature, topP } = this.opts;
    let b = 0;
    return queries.map((q, j) => {
      let data: Float32Array;
      let offsetOf: (i: number) => number;
      if (reuse[j]) {
        const { logits: l, rowOf, at } = lengths!;
        const row = rowOf[q.row]!;
        data = l.data;
        offsetOf = (i) => (row * l.q + at[q.row].get(q.slots[i].pos)!) * l.vocab;
      } else {
        const row = b++;
        data = logits!.data;
        offsetOf = (i) => (row * logits!.q + i) * logits!.vocab;
      }
      return q.slots.map((_, i) => drawToken(data, offsetOf(i), q.candidates[i], { temperature, topP }, this.rng));
    });
  }

  /** Encoder over each row's clean set, decoder over its queried slots; one network round. */
  private async logitsFor(queries: { row: number; slots: Slot[]; exclude?: Set<number> }[]): Promise<Logits> {
    const clean = packClean(queries.map((q) => this.cleanRow(q.row, q.exclude)));
    const memory = await this.net.encode(clean);
    try {
      const logits = await this.net.decode(memory, clean, packQueries(queries.map((q) => q.slots.map((s) => s.pos))));
      this.rounds++;
      return logits;
    } finally {
      this.net.releaseMemory?.(memory);
    }
  }

  /** Context tokens of the row plus every committed hole position (fillers included). */
  private cleanRow(r: number, exclude?: Set<number>): CleanRow {
    const ids = [...this.rows[r].ids];
    const pos = [...this.rows[r].pos];
    for (const s of this.committed[r]) {
      if (exclude?.has(s.pos)) continue;
      ids.push(this.states[r][s.hole].positions[s.index].id);
      pos.push(s.pos);
    }
    return { ids, pos };
  }

  /** Commits the k most confident draws (all of them for the fixed orders). */
  private commit(q: RowQuery, draws: Draw[], k: number, step: number): void {
    const idx = draws.map((_, i) => i).filter((i) => draws[i].id !== -1);
    if (this.opts.order === 'confidence') idx.sort((a, b) => draws[b].prob - draws[a].prob || q.slots[a].pos - q.slots[b].pos);
    for (const i of idx.slice(0, k)) {
      const s = q.slots[i];
      const known = this.states[q.row][s.hole].positions[s.index].id !== -1;
      this.states[q.row][s.hole].positions[s.index] = { id: draws[i].id, step, prob: draws[i].prob, logp: draws[i].logp };
      if (!known) this.committed[q.row].push(s);
    }
  }

  private settleAll(step: number): void {
    const { gap } = this.ctx.specials;
    this.rows.forEach((row, r) =>
      row.holes.forEach((h, i) =>
        settleHole(this.states[r][i], h, gap, this.ctx.tokenBytes, this.opts.singleLine, this.opts.earlyStop, step),
      ),
    );
    // early stop commits trailing fillers directly; list them so the clean set includes them
    this.rows.forEach((_, r) => {
      const listed = new Set(this.committed[r].map((s) => s.pos));
      for (const s of this.slots[r]) {
        if (!listed.has(s.pos) && this.states[r][s.hole].positions[s.index].id !== -1) this.committed[r].push(s);
      }
    });
  }

  /**
   * Suffix-side token healing: the fill must end with the suffix token moved into the hole.
   * Where the last real token does not, re-draw just that position under the constraint
   * (one extra round for all such holes). Unsatisfiable cases keep the fill: the suffix text
   * stays in the document either way, so the join is still exact.
   */
  private async healTails(step: number): Promise<void> {
    const queries: RowQuery[] = [];
    this.rows.forEach((row, r) =>
      row.holes.forEach((h, hi) => {
        const slot = this.tailSlot(r, hi);
        if (!slot) return;
        const ids = constrainedIds(this.defaults, this.ctx.tokenBytes, slot.index === 0 && h.headBytes.length ? h.headBytes : null, h.tailBytes);
        if (ids.length > 0) queries.push({ row: r, slots: [slot], candidates: [ids], exclude: new Set([slot.pos]) });
      }),
    );
    if (queries.length === 0) return;
    const draws = await this.round(queries);
    queries.forEach((q, i) => this.commit(q, draws[i], 1, step));
  }

  /** The slot to re-draw for tail healing, or null when none is needed / possible. */
  private tailSlot(r: number, hi: number): Slot | null {
    const layout = this.rows[r].holes[hi];
    if (layout.tailBytes.length === 0 || layout.capacity === 0) return null;
    const ps = this.states[r][hi].positions;
    const { gap } = this.ctx.specials;
    const bytes = fillBytes(ps, gap, this.ctx.tokenBytes);
    if (this.opts.singleLine && bytes.subarray(layout.headBytes.length).includes(0x0a)) return null;
    let k = ps.length - 1;
    while (k > 0 && (ps[k].id === -1 || ps[k].id === gap)) k--;
    if (ps[k].id !== -1 && ps[k].id !== gap && endsWith(this.ctx.tokenBytes(ps[k].id), layout.tailBytes)) return null;
    return { hole: hi, index: k, pos: layout.start + k };
  }
}
