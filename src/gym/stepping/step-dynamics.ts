import type { Rng } from '../../core/rng';
import type { FinitePopulationFlow } from '../../populations/population';
import type { StepBatch } from './step-batch';
import type { SteppingPath } from './stepping-path';

/**
 * How one step's rewards and next states are computed from the mean field: the table path
 * (every r_t(s, a), read by index) or the per-agent path (the game asked at the N agents'
 * (s, a) only). Both draw a next state from the same kernel row with the agent's own Rng in the
 * same way, so on games they both support they give the same trajectories bit for bit.
 */
export interface StepDynamics {
  readonly path: SteppingPath;
  /**
   * For every batch entry k (agent i = batch.agent[k]): rewards[i] = r_t(s, a; flow) and, when
   * t + 1 < H, next[i] drawn from P_t(. | s, a) with rngs[i]. `version` changes whenever the
   * flow does (cached tables are then rebuilt).
   */
  evaluate(batch: StepBatch, flow: FinitePopulationFlow, version: number, rngs: readonly Rng[], rewards: Float64Array, next: Int32Array): void;
  /** Throws now if this flow cannot be stepped on this path (rather than at the first step). */
  check(flow: FinitePopulationFlow): void;
}
