import type { Rng } from '../core/rng';
import type { MfgVectorEnv } from '../gym/vector-env';
import { param, type ParamSpecs, type SolverParams } from '../solvers/solver';
import { POPULATION_PARAMS, positiveInt } from './params';
import { argmaxLegal } from './action-choice';
import type { LearningCurves } from './learning-result';
import type { ActionChooser } from './rollout';
import type { BestResponseLearner, LearnerState } from './sampled-fictitious-play';
import { emptyQTable, greedyOfTable, learnQBestResponse, type QTable } from './tabular-q-learning';

export const Q_FP_PARAMS: ParamSpecs = {
  agents: positiveInt(64, 'N, the vectorised agents stepped together'),
  brBatches: positiveInt(30, 'batches of N episodes of Q-learning per best response'),
  popBatches: positiveInt(20, 'batches of N greedy episodes that estimate each new flow'),
  epsilonStart: param.range(1, 0, 1, 'exploration at the start of each best response'),
  epsilonEnd: param.range(0.05, 0, 1, 'exploration at the end of each best response'),
  lrPower: param.range(0.7, 0, 1, 'learning rate n^-lrPower of the n-th visit to (t, s, a)'),
  lrMin: param.range(0.01, 0, 1, 'floor of the learning rate'),
  ...POPULATION_PARAMS,
};

/**
 * The tabular Q-learning best response of q-fp. The Q table carries over from one best response
 * to the next (a warm start: consecutive flows of fictitious play are close), the visit counts
 * do not, so each best response starts with large learning rates against its new flow.
 */
export class TabularBestResponse implements BestResponseLearner {
  private table: QTable;

  constructor(
    readonly env: MfgVectorEnv,
    private readonly params: Readonly<SolverParams>,
  ) {
    this.table = emptyQTable(env.horizon, env.numStates, env.numActions);
  }

  get q(): Float64Array {
    return this.table.q;
  }

  async learn(env: MfgVectorEnv, rng: Rng, seed: number, curves: LearningCurves): Promise<void> {
    this.table.visits.fill(0);
    const p = this.params;
    const returns = learnQBestResponse(env, this.table, { batches: p['brBatches']!, epsilonStart: p['epsilonStart']!, epsilonEnd: p['epsilonEnd']!, lrPower: p['lrPower']!, lrMin: p['lrMin']! }, rng, seed);
    curves.episodeReturn.push(...returns);
  }

  greedy(rng: Rng): ActionChooser {
    const A = this.env.numActions;
    const SA = this.env.numStates * A;
    const q = this.table.q;
    return (t, states, mask, out) => {
      for (let i = 0; i < states.length; i++) out[i] = argmaxLegal(q, t * SA + states[i]! * A, mask, i * A, A, rng);
    };
  }

  /** greedy's policy: ties uniform over the maximisers, as greedy breaks them (in distribution). */
  playedPolicy(): Float64Array {
    return greedyOfTable(this.env.game, this.table.q);
  }

  async saveState(): Promise<LearnerState> {
    return { meta: {}, arrays: { q: this.table.q.slice(), visits: this.table.visits.slice() } };
  }

  async loadState(state: LearnerState): Promise<void> {
    this.table = { q: Float64Array.from(state.arrays['q']!), visits: Float64Array.from(state.arrays['visits']!) };
  }
}
