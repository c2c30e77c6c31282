import { Rng } from '../core/rng';
import type { MfgVectorEnv } from '../gym/vector-env';
import { loadTf, type TfHandle } from '../populations/generative/backend';
import { param, type ParamSpecs, type SolverParams } from '../solvers/solver';
import { DQN_PARAMS } from './dqn';
import type { LearningCurves } from './learning-result';
import { Mlp } from './mlp';
import { MIN_ACTION_PROB } from './munchausen-target';
import { QNetwork } from './q-network';
import { ReplayBuffer } from './replay-buffer';
import { learnFromReplay } from './replay-learning';
import { ObservationDecoder, type ActionChooser } from './rollout';
import type { BestResponseLearner, LearnerState } from './sampled-fictitious-play';
import { StateEncoding } from './state-encoding';

export const D_MOMD_PARAMS: ParamSpecs = {
  ...DQN_PARAMS,
  epsilonStart: param.range(0.1, 0, 1, 'exploration at the start of each iteration (OpenSpiel: 0.1 throughout)'),
  epsilonEnd: param.range(0.1, 0, 1, 'exploration at the end of each iteration'),
  tau: param.positive(1, 'temperature: pi = softmax(Q/tau); 1/tau is the mirror-descent step'),
  lrDecay: param.range(0, 0, 1, 'Adam step decays linearly over each iteration\'s gradient steps from learningRate to learningRate·(1 - lrDecay) (0: constant)'),
  alpha: param.range(1, 0, 1, 'Munchausen weight of tau·log pi_k(a|s) (1 = exact MOMD, pi_{k+1} ∝ pi_k·exp(Q^{pi_k}/tau))'),
};

/**
 * Deep Munchausen online mirror descent (Laurière et al. 2022, D-MOMD; OpenSpiel's
 * munchausen_deep_mirror_descent.py). Iteration k trains the Q-network against the flow of
 * pi_k = softmax(Q_k/tau) (pi_0 uniform) with the Munchausen target
 *   y = r + alpha·tau·log pi_k(a|s) + sum_{a'} pi_k(a'|s') (Q_target(s', a') - tau·log pi_k(a'|s'))
 * (no continuation at t = H-1), so that with alpha = 1 the fixed point is
 * Q_{k+1} = tau·log pi_k + Q^{pi_k} and pi_{k+1} ∝ pi_k·exp(Q^{pi_k}/tau): exact MOMD's update
 * with step 1/tau, without ever summing Q-functions (munchausen-target.ts tabulates that fixed
 * point). The next flow is pi_{k+1}'s own (replaced, not averaged), estimated from its play in
 * the env. A mirror step keeps all of log pi_k, so each iteration's regression error stays in the
 * policy: on FourRooms (bench/d-momd-gap) the SGD noise of a constant Adam step made about half of
 * the gap to exact MOMD after 3 iterations; lrDecay (the step decaying within each iteration) removes most of it.
 */
export class MunchausenLearner implements BestResponseLearner {
  readonly flowUpdate = 'replace' as const;
  readonly q: QNetwork;
  /** Q_k, the network of the previous iteration (null: pi_0 is uniform). */
  private prev: Mlp | null = null;
  readonly buffer: ReplayBuffer;
  private gradSteps = 0;
  private readonly tau: number;
  private readonly alpha: number;
  private readonly v1: Float64Array;
  private readonly v2: Float64Array;
  private readonly p1: Float64Array;

  constructor(
    readonly handle: TfHandle,
    readonly env: MfgVectorEnv,
    readonly params: Readonly<SolverParams>,
    seed: number,
  ) {
    const dec = new ObservationDecoder(env);
    this.q = new QNetwork(handle, new StateEncoding(params['flatState'] === 1 ? [dec.numStates] : dec.dims, env.horizon), env.numActions, params['hidden']!, params['learningRate']!, new Rng(seed).nextSeed());
    this.buffer = new ReplayBuffer(params['bufferSize']!, env.numActions);
    this.tau = params['tau']!;
    this.alpha = params['alpha']!;
    this.v1 = new Float64Array(env.numActions);
    this.v2 = new Float64Array(env.numActions);
    this.p1 = new Float64Array(env.numActions);
  }

  static async create(env: MfgVectorEnv, params: Readonly<SolverParams>, seed: number): Promise<MunchausenLearner> {
    return new MunchausenLearner(await loadTf(), env, params, seed);
  }

  /** pi(·|s, t) = softmax(Q(s, t, ·)/tau) over the legal actions of mask row `row`, into out. */
  private policy(net: Mlp | null, s: number, t: number, mask: Uint8Array, row: number, out: Float64Array): Float64Array {
    const A = this.env.numActions;
    if (net === null) {
      let n = 0;
      for (let a = 0; a < A; a++) n += mask[row + a]!;
      for (let a = 0; a < A; a++) out[a] = mask[row + a] ? 1 / n : 0;
      return out;
    }
    this.q.values(s, t, this.v2, net);
    let m = -Infinity;
    for (let a = 0; a < A; a++) if (mask[row + a] && this.v2[a]! > m) m = this.v2[a]!;
    let z = 0;
    for (let a = 0; a < A; a++) z += out[a] = mask[row + a] ? Math.exp((this.v2[a]! - m) / this.tau) : 0;
    for (let a = 0; a < A; a++) out[a]! /= z;
    return out;
  }

  async learn(env: MfgVectorEnv, rng: Rng, seed: number, curves: LearningCurves): Promise<void> {
    await learnFromReplay({ params: this.params, q: this.q, buffer: this.buffer, scratch: this.v1, trainStep: (r) => this.trainStep(r) }, env, rng, seed, curves);
  }

  /**
   * The Munchausen target of buffer row j, with pi_k the previous network's softmax and
   * Q_target the target network:
   *   y = r + alpha·tau·log pi_k(a|s) + sum_{a'} pi_k(a'|s')·(Q_target(s', a') - tau·log pi_k(a'|s'))
   * (no continuation at t = H-1; probabilities floored at MIN_ACTION_PROB inside the logs).
   */
  munchausenTarget(j: number): number {
    const { q, buffer, tau } = this;
    const A = buffer.numActions;
    const s = buffer.s[j]!;
    const t = buffer.t[j]!;
    const piA = this.policy(this.prev, s, t, buffer.mask, j * A, this.p1)[buffer.a[j]!]!;
    let y = buffer.r[j]! + this.alpha * tau * Math.log(Math.max(piA, MIN_ACTION_PROB));
    if (buffer.last[j]) return y;
    const s2 = buffer.s2[j]!;
    const pi2 = this.policy(this.prev, s2, t + 1, buffer.mask2, j * A, this.p1);
    const qt = q.values(s2, t + 1, this.v1, q.target);
    let next = 0;
    for (let a = 0; a < A; a++) if (buffer.mask2[j * A + a] && pi2[a]! > 0) next += pi2[a]! * (qt[a]! - tau * Math.log(Math.max(pi2[a]!, MIN_ACTION_PROB)));
    y += next;
    return y;
  }

  private trainStep(rng: Rng): number {
    const { q, buffer } = this;
    const idx = buffer.sample(this.params['batchSize']!, rng);
    const y = new Float64Array(idx.length);
    for (let b = 0; b < idx.length; b++) y[b] = this.munchausenTarget(idx[b]!);
    const loss = q.train(buffer, idx, y);
    if (++this.gradSteps % this.params['targetEvery']! === 0) q.syncTarget();
    return loss;
  }

  /** The population plays pi_{k+1} = softmax(Q/tau) (sampled), whose flow the next iteration faces. */
  greedy(rng: Rng): ActionChooser {
    const A = this.env.numActions;
    return (t, states, mask, out) => {
      for (let i = 0; i < states.length; i++) out[i] = rng.categorical(this.policy(this.q.online, states[i]!, t, mask, i * A, this.p1));
    };
  }

  /** pi_{k+1} = softmax(Q_{k+1}/tau) tabulated over every (t, s): what greedy samples from. */
  playedPolicy(): Float64Array {
    const { horizon: H, numStates: S, numActions: A } = this.env;
    const legal = this.env.game.populations[0]!.legal;
    const mask = new Uint8Array(S * A).fill(1);
    if (legal !== null) mask.set(legal);
    const out = new Float64Array(H * S * A);
    for (let t = 0; t < H; t++) for (let s = 0; s < S; s++) out.set(this.policy(this.q.online, s, t, mask, s * A, this.p1), (t * S + s) * A);
    return out;
  }

  /** pi_{k+1} tabulated; Q_{k+1} becomes the previous network of the next iteration. */
  async outputPolicy(): Promise<Float64Array> {
    const out = this.playedPolicy();
    this.prev ??= new Mlp(this.q.online.sizes, null);
    this.prev.copyFrom(this.q.online);
    return out;
  }

  async saveState(): Promise<LearnerState> {
    const st = this.q.saveState('q');
    const arrays: LearnerState['arrays'] = { ...st.arrays };
    if (this.prev) for (const [name, w] of this.prev.weights) arrays[`prev.${name}`] = w.data.slice();
    return { meta: { ...st.meta, gradSteps: this.gradSteps, hasPrev: this.prev !== null }, arrays };
  }

  async loadState(state: LearnerState): Promise<void> {
    this.q.loadState('q', state.meta, state.arrays);
    this.gradSteps = state.meta['gradSteps'] as number;
    if (state.meta['hasPrev']) {
      this.prev = new Mlp(this.q.online.sizes, null);
      for (const [name, w] of this.prev.weights) w.data.set(state.arrays[`prev.${name}`]!);
      this.prev.refresh();
    }
  }
}
