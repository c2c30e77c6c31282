import { Rng } from '../core/rng';
import type { MfgVectorEnv } from '../gym/vector-env';
import { loadTf, type TfHandle } from '../populations/generative/backend';
import type { ParamSpecs, SolverParams } from '../solvers/solver';
import { param } from '../solvers/solver';
import { DQN_PARAMS, DqnBestResponse } from './dqn';
import type { LearningCurves } from './learning-result';
import { Mlp, MlpTrainer } from './mlp';
import { positiveInt } from './params';
import { ReservoirBuffer } from './replay-buffer';
import { randomLegal } from './action-choice';
import { ObservationDecoder, playBatch, type ActionChooser, type BatchStep } from './rollout';
import type { BestResponseLearner, LearnerState } from './sampled-fictitious-play';
import { StateEncoding } from './state-encoding';

export const D_AFP_PARAMS: ParamSpecs = {
  ...DQN_PARAMS,
  reservoirSize: positiveInt(50000, 'reservoir of the best responses\' (s, t, a): a uniform sample of all of them'),
  avgSteps: positiveInt(100, 'cross-entropy steps of the average-policy network per iteration'),
  avgBatchSize: positiveInt(128, 'minibatch of the average-policy network'),
  avgLearningRate: param.positive(2e-3, 'Adam learning rate of the average-policy network'),
};

/** Logit of an illegal action: its probability is exp(-1e9) = 0 (OpenSpiel's ILLEGAL_ACTION_PENALTY). */
const ILLEGAL_LOGIT = -1e9;

/**
 * Deep average-network fictitious play (Laurière et al. 2022, D-AFP, after NFSP's average
 * network): DQN best responses, a reservoir buffer of the (s, t, a) they play, and an
 * average-policy network pi_avg(a | s, t) trained by cross-entropy on the reservoir, which
 * approximates the fictitious-play average of the best responses. The output policy is the
 * average network's, tabulated; the flow the next best response faces is the averaged flow.
 */
export class AverageNetworkLearner implements BestResponseLearner {
  readonly br: DqnBestResponse;
  readonly reservoir: ReservoirBuffer;
  readonly avg: Mlp;
  readonly trainer: MlpTrainer;
  readonly enc: StateEncoding;

  constructor(
    handle: TfHandle,
    readonly env: MfgVectorEnv,
    readonly params: Readonly<SolverParams>,
    seed: number,
  ) {
    this.br = new DqnBestResponse(handle, env, params, seed);
    this.enc = this.br.q.enc;
    const initSeed = new Rng(seed).nextSeed() + 1;
    this.avg = new Mlp([this.enc.inputDim, params['hidden']!, params['hidden']!, env.numActions], new Rng(initSeed));
    this.trainer = new MlpTrainer(handle, this.avg, params['avgLearningRate']!);
    this.reservoir = new ReservoirBuffer(params['reservoirSize']!, env.numActions);
  }

  static async create(env: MfgVectorEnv, params: Readonly<SolverParams>, seed: number): Promise<AverageNetworkLearner> {
    return new AverageNetworkLearner(await loadTf(), env, params, seed);
  }

  /**
   * Before the first best response, the reservoir gets the uniform policy's play: fictitious
   * play's average starts from pi_0 = uniform (the averaged flow counts Gamma(uniform) as its
   * first member), so the average network must too, or its first iterate is a pure best response.
   */
  async learn(env: MfgVectorEnv, rng: Rng, seed: number, curves: LearningCurves): Promise<void> {
    if (this.reservoir.seen === 0) {
      const A = env.numActions;
      const dec = new ObservationDecoder(env);
      const uniform: ActionChooser = (_t, states, mask, out) => {
        for (let i = 0; i < states.length; i++) out[i] = randomLegal(mask, i, A, rng);
      };
      for (let b = 0; b < this.params['popBatches']!; b++) playBatch(env, dec, uniform, (st) => this.reservoir.addBatch(st, rng), b === 0 ? rng.nextSeed() : null);
    }
    await this.br.learn(env, rng, seed, curves);
  }

  greedy(rng: Rng): ActionChooser {
    return this.br.greedy(rng);
  }

  /** The best response plays (the average network only outputs). */
  playedPolicy(): Float64Array {
    return this.br.greedyTable();
  }

  observeGreedy(step: BatchStep, rng: Rng): void {
    this.reservoir.addBatch(step, rng);
  }

  /** Trains the average network on the reservoir, then tabulates its policy over legal actions. */
  async outputPolicy(_avgFlow: Float64Array, rng: Rng, curves: LearningCurves): Promise<Float64Array> {
    const A = this.env.numActions;
    const k = this.enc.active;
    const B = this.params['avgBatchSize']!;
    const res = this.reservoir;
    let sum = 0;
    for (let step = 0; step < this.params['avgSteps']!; step++) {
      const active = new Int32Array(B * k);
      const onehot = new Float32Array(B * A);
      const penalty = new Float32Array(B * A);
      for (let b = 0; b < B; b++) {
        const j = rng.int(res.size);
        this.enc.encode(res.s[j]!, res.t[j]!, active, b * k);
        onehot[b * A + res.a[j]!] = 1;
        for (let a = 0; a < A; a++) penalty[b * A + a] = res.mask[j * A + a] ? 0 : ILLEGAL_LOGIT;
      }
      sum += this.trainer.step(this.enc.dense(active, B), B, (tf, out) => {
        const logp = tf.logSoftmax(tf.add(out, tf.tensor2d(penalty, [B, A])));
        return tf.neg(tf.mean(tf.sum(tf.mul(logp, tf.tensor2d(onehot, [B, A])), 1))) as import('@tensorflow/tfjs').Scalar;
      });
    }
    curves.loss.push(sum / this.params['avgSteps']!);
    return this.policyTable();
  }

  /** pi_avg(a | s, t) at every (t, s): a softmax of the logits over the legal actions. */
  policyTable(): Float64Array {
    const { horizon: H, numStates: S, numActions: A } = this.env;
    const legal = this.env.game.populations[0]!.legal;
    const out = new Float64Array(H * S * A);
    const logits = new Float64Array(A);
    const active = new Int32Array(this.enc.active);
    for (let t = 0; t < H; t++) {
      for (let s = 0; s < S; s++) {
        this.enc.encode(s, t, active, 0);
        this.avg.forward(active, 0, this.enc.active, logits);
        let m = -Infinity;
        for (let a = 0; a < A; a++) if ((legal === null || legal[s * A + a]) && logits[a]! > m) m = logits[a]!;
        let z = 0;
        const row = (t * S + s) * A;
        for (let a = 0; a < A; a++) z += out[row + a] = legal === null || legal[s * A + a] ? Math.exp(logits[a]! - m) : 0;
        for (let a = 0; a < A; a++) out[row + a]! /= z;
      }
    }
    return out;
  }

  async saveState(): Promise<LearnerState> {
    const br = await this.br.saveState();
    const avg = this.trainer.saveState('avg');
    return {
      meta: { ...br.meta, ...avg.meta, reservoirSize: this.reservoir.size, reservoirSeen: this.reservoir.seen },
      arrays: { ...br.arrays, ...avg.arrays, ...this.reservoir.arrays('reservoir') },
    };
  }

  async loadState(state: LearnerState): Promise<void> {
    await this.br.loadState(state);
    this.trainer.loadState('avg', state.meta, state.arrays);
    this.reservoir.load('reservoir', state.meta['reservoirSize'] as number, state.meta['reservoirSeen'] as number, state.arrays);
  }
}
