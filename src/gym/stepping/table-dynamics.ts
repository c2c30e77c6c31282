import type { FiniteGame, SparseKernel } from '../../core/finite-game';
import type { Rng } from '../../core/rng';
import type { FinitePopulationFlow } from '../../populations/population';
import { checkReadableWithoutTable, epochRewardsAndKernel, staticKernel } from '../epoch-tables';
import { sampleEntries, type StepBatch } from './step-batch';
import type { StepDynamics } from './step-dynamics';

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

  constructor(
    private readonly game: FiniteGame,
    private readonly p: number,
  ) {
    const H = game.horizon;
    this.rewards = new Array<Float64Array | null>(H).fill(null);
    this.kernels = new Array<SparseKernel | null>(H).fill(null);
    this.rewardVersion = new Int32Array(H).fill(-1);
    this.kernelVersion = new Int32Array(H).fill(-1);
  }

  check(flow: FinitePopulationFlow): void {
    if (flow.meanFieldAt(0) === null) checkReadableWithoutTable(this.game, flow);
  }

  evaluate(batch: StepBatch, flow: FinitePopulationFlow, version: number, rngs: readonly Rng[], rewards: Float64Array, next: Int32Array): void {
    const H = this.game.horizon;
    const A = this.game.populations[this.p]!.numActions;
    for (let k = 0; k < batch.count; k++) {
      const i = batch.agent[k]!;
      const t = batch.t[k]!;
      const row = batch.s[k]! * A + batch.a[k]!;
      rewards[i] = this.rewardTable(flow, version, t)[row]!;
      if (t + 1 < H) {
        const K = this.kernels[t]!;
        next[i] = sampleEntries(K.next, K.prob, K.rowStart[row]!, K.rowStart[row + 1]!, rngs[i]!);
      }
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
