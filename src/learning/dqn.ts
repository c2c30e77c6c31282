import { Rng } from '../core/rng';
import type { MfgVectorEnv } from '../gym/vector-env';
import { loadTf, type TfHandle } from '../populations/generative/backend';
import { param, type ParamSpecs, type SolverParams } from '../solvers/solver';
import { argmaxLegal } from './action-choice';
import type { LearningCurves } from './learning-result';
import { flag, POPULATION_PARAMS, positiveInt } from './params';
import { QNetwork } from './q-network';
import { ReplayBuffer } from './replay-buffer';
import { learnFromReplay } from './replay-learning';
import { ObservationDecoder, type ActionChooser } from './rollout';
import type { BestResponseLearner, LearnerState } from './sampled-fictitious-play';
import { StateEncoding } from './state-encoding';

export const DQN_PARAMS: ParamSpecs = {
  agents: positiveInt(32, 'N, the vectorised agents stepped together'),
  brBatches: positiveInt(40, 'batches of N episodes of DQN training per best response'),
  popBatches: positiveInt(20, 'batches of N greedy episodes that estimate each new flow'),
  hidden: positiveInt(64, 'width of the two hidden layers'),
  batchSize: positiveInt(64, 'minibatch of transitions per gradient step'),
  learningRate: param.positive(1e-3, 'Adam learning rate'),
  trainSteps: positiveInt(2, 'gradient steps per env step (of N agents)'),
  targetEvery: positiveInt(50, 'gradient steps between copies of the online net into the target net'),
  bufferSize: positiveInt(20000, 'replay buffer capacity (transitions), emptied at each best response'),
  epsilonStart: param.range(1, 0, 1, 'exploration at the start of each best response'),
  epsilonEnd: param.range(0.05, 0, 1, 'exploration at the end of each best response'),
  flatState: flag(0, '1: one one-hot over all states (S inputs) instead of one per grid axis'),
  ...POPULATION_PARAMS,
};

/**
 * DQN best response (Mnih et al. 2015, double DQN of van Hasselt et al. 2016) learned from the
 * env's samples: epsilon-greedy over the N agents, a replay buffer, a target network, and the
 * finite-horizon double-DQN target
 *   y = r_t + Q_target(s', t+1, argmax_{a' legal} Q_online(s', t+1, a'))   (y = r at t = H-1).
 * The network carries over between best responses (warm start); buffer and schedule restart.
 */
export class DqnBestResponse implements BestResponseLearner {
  readonly q: QNetwork;
  readonly buffer: ReplayBuffer;
  private gradSteps = 0;
  private readonly scratch: Float64Array;
  private readonly scratch2: Float64Array;

  constructor(
    readonly handle: TfHandle,
    readonly env: MfgVectorEnv,
    readonly params: Readonly<SolverParams>,
    seed: number,
  ) {
    const dec = new ObservationDecoder(env);
    this.q = new QNetwork(handle, new StateEncoding(params['flatState'] === 1 ? [dec.numStates] : dec.dims, env.horizon), env.numActions, params['hidden']!, params['learningRate']!, new Rng(seed).nextSeed());
    this.buffer = new ReplayBuffer(params['bufferSize']!, env.numActions);
    this.scratch = new Float64Array(env.numActions);
    this.scratch2 = new Float64Array(env.numActions);
  }

  static async create(env: MfgVectorEnv, params: Readonly<SolverParams>, seed: number): Promise<DqnBestResponse> {
    return new DqnBestResponse(await loadTf(), env, params, seed);
  }

  async learn(env: MfgVectorEnv, rng: Rng, seed: number, curves: LearningCurves): Promise<void> {
    await learnFromReplay({ params: this.params, q: this.q, buffer: this.buffer, scratch: this.scratch, trainStep: (r) => this.trainStep(r) }, env, rng, seed, curves);
  }

  /** One double-DQN gradient step on a minibatch of the buffer. */
  private trainStep(rng: Rng): number {
    const { q, buffer } = this;
    const A = buffer.numActions;
    const idx = buffer.sample(this.params['batchSize']!, rng);
    const y = new Float64Array(idx.length);
    for (let b = 0; b < idx.length; b++) {
      const j = idx[b]!;
      y[b] = buffer.r[j]!;
      if (buffer.last[j]) continue;
      const s2 = buffer.s2[j]!;
      const t2 = buffer.t[j]! + 1;
      const a2 = argmaxLegal(q.values(s2, t2, this.scratch), 0, buffer.mask2, j * A, A, null);
      y[b]! += q.values(s2, t2, this.scratch2, q.target)[a2]!;
    }
    const loss = q.train(buffer, idx, y);
    if (++this.gradSteps % this.params['targetEvery']! === 0) q.syncTarget();
    return loss;
  }

  greedy(rng: Rng): ActionChooser {
    const A = this.env.numActions;
    return (t, states, mask, out) => {
      for (let i = 0; i < states.length; i++) out[i] = argmaxLegal(this.q.values(states[i]!, t, this.scratch), 0, mask, i * A, A, rng);
    };
  }

  /** The greedy policy of the online network at every (t, s), tabulated (population 0 layout). */
  greedyTable(): Float64Array {
    const { horizon: H, numStates: S, numActions: A } = this.env;
    const legal = this.env.game.populations[0]!.legal;
    const out = new Float64Array(H * S * A);
    const row = new Uint8Array(A);
    for (let t = 0; t < H; t++) {
      for (let s = 0; s < S; s++) {
        for (let a = 0; a < A; a++) row[a] = legal === null ? 1 : legal[s * A + a]!;
        out[(t * S + s) * A + argmaxLegal(this.q.values(s, t, this.scratch), 0, row, 0, A, null)] = 1;
      }
    }
    return out;
  }

  /** greedy's policy (exact ties of float network outputs, which greedy splits at random, go to the first maximiser). */
  playedPolicy(): Float64Array {
    return this.greedyTable();
  }

  async saveState(): Promise<LearnerState> {
    const st = this.q.saveState('q');
    return { meta: { ...st.meta, gradSteps: this.gradSteps }, arrays: st.arrays };
  }

  async loadState(state: LearnerState): Promise<void> {
    this.q.loadState('q', state.meta, state.arrays);
    this.gradSteps = state.meta['gradSteps'] as number;
  }
}
