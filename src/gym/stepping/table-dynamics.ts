import type { FiniteGame, SparseKernel } from '../../core/finite-game';
import type { Rng } from '../../core/rng';
import type { FinitePopulationFlow } from '../../populations/population';
import { checkReadableWithoutTable, epochRewardsAndKernel, staticKernel } from '../epoch-tables';
import { sampleEntries, type StepBatch } from './step-batch';
import type { StepDynamics } from './step-dynamics';

/** The reward table before the first lookup of an evaluate (never read). */
const NO_TABLE = new Float64Array(0);

/**
 * The table path: r_t(s, a; L_t) for all S·A of an epoch, built the first time an agent steps
 * at that epoch under the current flow version and kept while the flow stays (so stepping
 * 65536 agents is a lookup each). Kernels of dynamics that ignore L are built once.
 */
export class TableDynamics implements StepDynamics {
  readonly path = 'table' as const;
  private readonly rewards: (Float64Array | null)[];
  private readonly rewardVersion: Int32Array;
  private readonly kernels: (SparseKernel | null)[];
  private readonly kernelVersion: Int32Array;
  private readonly H: number;
  private readonly A: number;

  constructor(
    private readonly game: FiniteGame,
    private readonly p: number,
  ) {
    const H = game.horizon;
    this.H = H;
    this.A = game.populations[p]!.numActions;
    this.rewards = new Array<Float64Array | null>(H).fill(null);
    this.kernels = new Array<SparseKernel | null>(H).fill(null);
    this.rewardVersion = new Int32Array(H).fill(-1);
    this.kernelVersion = new Int32Array(H).fill(-1);
  }

  check(flow: FinitePopulationFlow): void {
    if (flow.meanFieldAt(0) === null) checkReadableWithoutTable(this.game, flow);
  }

  evaluate(batch: StepBatch, flow: FinitePopulationFlow, version: number, rngs: readonly Rng[], rewards: Float64Array, next: Int32Array): void {
    const { H, A } = this;
    const { agent, t: epochs, s: states, a: actions, count } = batch;
    // Agents reset together share an epoch, so the tables are looked up again only when the
    // epoch changes from one batch entry to the next (the lookup builds them on first use).
    let t = -1;
    let r: Float64Array = NO_TABLE;
    let K: SparseKernel | null = null;
    for (let k = 0; k < count; k++) {
      const i = agent[k]!;
      if (epochs[k] !== t) {
        t = epochs[k]!;
        r = this.rewardTable(flow, version, t);
        K = t + 1 < H ? this.kernels[t]! : null;
      }
      const row = states[k]! * A + actions[k]!;
      rewards[i] = r[row]!;
      if (K !== null) next[i] = sampleEntries(K.next, K.prob, K.rowStart[row]!, K.rowStart[row + 1]!, rngs[i]!);
    }
  }

  private rewardTable(flow: FinitePopulationFlow, version: number, t: number): Float64Array {
    if (this.rewardVersion[t] === version) return this.rewards[t]!;
    const game = this.game;
    const pop = game.populations[this.p]!;
    const r = this.rewards[t] ?? new Float64Array(pop.numStates * pop.numActions);
    const dynamic = game.dynamicsDependOnMeanField;
    const needKernel = t + 1 < game.horizon && (dynamic ? this.kernelVersion[t] !== version : this.kernels[t] === null);
    const k = epochRewardsAndKernel(game, flow, this.p, t, r, needKernel && dynamic);
    if (needKernel) {
      // Dynamics that ignore L share one kernel over every flow; the others follow the flow.
      this.kernels[t] = dynamic ? k : staticKernel(game, this.p, t);
      this.kernelVersion[t] = version;
    }
    this.rewards[t] = r;
    this.rewardVersion[t] = version;
    return r;
  }
}
