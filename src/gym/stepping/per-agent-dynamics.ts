import type { FiniteGame, KernelRow, MeanFieldQuery, SparseKernel } from '../../core/finite-game';
import type { Rng } from '../../core/rng';
import type { FinitePopulationFlow } from '../../populations/population';
import { staticKernel } from '../epoch-tables';
import { EpochGroups, sampleEntries, type StepBatch } from './step-batch';
import type { StepDynamics } from './step-dynamics';

/**
 * The per-agent path: nothing of size S·A·H. Per epoch present in the step, ONE batched
 * population query gives mu_t at the agents' states; the game's rewardAt then scores each
 * agent, reading that mass (any other mass it asks for, e.g. another population's, goes to the
 * flow), and the next state is drawn from the game's transitionRow (or, for games without it,
 * the row of their static kernel), with the same draw as the table path.
 */
export class PerAgentDynamics implements StepDynamics {
  readonly path = 'per-agent' as const;
  private readonly groups: EpochGroups;
  private states = new Int32Array(0);
  private masses = new Float64Array(0);
  private readonly kernels: (SparseKernel | null)[];
  private readonly kernelRow: { next: Int32Array<ArrayBufferLike>; prob: Float64Array<ArrayBufferLike>; start: number; end: number } = { next: new Int32Array(0), prob: new Float64Array(0), start: 0, end: 0 };
  // The query rewardAt reads: the prefetched mass of the agent's own state, the flow for anything else.
  private flow: FinitePopulationFlow | null = null;
  private t = 0;
  private s = -1;
  private mass = 0;
  private readonly query: MeanFieldQuery;

  constructor(
    private readonly game: FiniteGame,
    private readonly p: number,
  ) {
    this.groups = new EpochGroups(game.horizon);
    this.kernels = new Array<SparseKernel | null>(game.horizon).fill(null);
    this.query = { stateMass: (pp, ss) => (pp === this.p && ss === this.s ? this.mass : this.flow!.stateMass(pp, this.t, ss)) };
  }

  check(_flow: FinitePopulationFlow): void {}

  evaluate(batch: StepBatch, flow: FinitePopulationFlow, _version: number, rngs: readonly Rng[], rewards: Float64Array, next: Int32Array): void {
    const { game, p, groups } = this;
    const H = game.horizon;
    const rewardAt = game.rewardAt!;
    groups.group(batch);
    if (this.states.length < batch.count) {
      this.states = new Int32Array(batch.count);
      this.masses = new Float64Array(batch.count);
    }
    this.flow = flow;
    for (let t = 0; t < H; t++) {
      const from = groups.start[t]!;
      const to = groups.start[t + 1]!;
      if (from === to) continue;
      const states = this.states.subarray(0, to - from);
      for (let j = from; j < to; j++) states[j - from] = batch.s[groups.order[j]!]!;
      const masses = stateMassBatch(flow, p, t, states, this.masses.subarray(0, to - from));
      this.t = t;
      for (let j = from; j < to; j++) {
        const k = groups.order[j]!;
        const i = batch.agent[k]!;
        const s = batch.s[k]!;
        const a = batch.a[k]!;
        this.s = s;
        this.mass = masses[j - from]!;
        rewards[i] = rewardAt(p, t, s, a, this.query);
        if (t + 1 < H) {
          const row = this.row(t, s, a);
          next[i] = sampleEntries(row.next, row.prob, row.start, row.end, rngs[i]!);
        }
      }
    }
    this.flow = null;
  }

  private row(t: number, s: number, a: number): KernelRow {
    const game = this.game;
    if (game.transitionRow) return game.transitionRow(this.p, t, s, a);
    const K = (this.kernels[t] ??= staticKernel(game, this.p, t));
    const r = s * game.populations[this.p]!.numActions + a;
    const out = this.kernelRow;
    out.next = K.next;
    out.prob = K.prob;
    out.start = K.rowStart[r]!;
    out.end = K.rowStart[r + 1]!;
    return out;
  }
}

/**
 * mu_t(s) of population p at many states, in one call: the flow's stateMassBatch when it has
 * one (particles sweep their sorted cells once), else exp of its batched log query (a
 * generator), else stateMass state by state. The generator's answers do not depend on the
 * order of the queries (a row, its cached copy and its summary give the same bits), and its row
 * cache holds every context of two epochs, so the states go as they are: sorting and
 * deduplicating 65,536 of them was a fifth of a 1024² step.
 */
export function stateMassBatch(flow: FinitePopulationFlow, p: number, t: number, states: Int32Array, out: Float64Array): Float64Array {
  const n = states.length;
  if (flow.stateMassBatch) return flow.stateMassBatch(p, t, states, out);
  if (!flow.logStateMassBatch) {
    for (let k = 0; k < n; k++) out[k] = flow.stateMass(p, t, states[k]!);
    return out;
  }
  flow.logStateMassBatch(p, t, states, out);
  for (let k = 0; k < n; k++) out[k] = Math.exp(out[k]!);
  return out;
}
