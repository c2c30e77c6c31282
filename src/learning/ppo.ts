import { MfgError } from '../core/errors';
import { Rng } from '../core/rng';
import { loadTf, type TfHandle } from '../populations/generative/backend';
import { param, type ParamSpecs, type SolverParams } from '../solvers/solver';
import { ContinuousInput, playContinuousBatch, type BoxVectorEnv, type ContinuousActor, type TimeEncoding } from './continuous-rollout';
import { generalisedAdvantages, normaliseInPlace, normalisePerEpochInPlace } from './gae';
import type { DenseMlp } from './dense-mlp';
import { GaussianPolicyNetwork } from './gaussian-policy-network';
import { naturalLinearStep } from './natural-linear-step';
import type { LearningCurves } from './learning-result';
import { flag, positiveInt } from './params';
import { ValueNetwork } from './value-network';

export const PPO_PARAMS: ParamSpecs = {
  agents: positiveInt(128, 'N, the vectorised agents stepped together'),
  brIterations: positiveInt(40, 'PPO iterations per best response (each: rolloutBatches batches of N agent-episodes, then the updates)'),
  rolloutBatches: positiveInt(1, 'batches of N agent-episodes per PPO iteration'),
  epochs: positiveInt(4, 'passes over each rollout'),
  valueEpochs: {
    default: -1,
    expected: '-1 (the same as epochs) or a positive integer',
    valid: (v) => v === -1 || (v !== null && Number.isInteger(v) && v >= 1),
    description: 'passes of the critic over each rollout; -1: epochs. Passes beyond epochs train the critic alone: a critic that lags behind the improving policy biases the advantages (on LQ it overstates the value\'s curvature, and the learned gain with it)',
  },
  criticWarmup: {
    default: 0,
    expected: 'a non-negative integer below brIterations',
    valid: (v) => v !== null && Number.isInteger(v) && v >= 0,
    description: 'the first criticWarmup PPO iterations of every best response update the critic alone (the policy still plays the rollouts; its learning-rate anneal runs over the remaining iterations). Why: a critic warm-started on the previous flow, or fresh, values the current policy wrongly, and a policy step on its advantages is biased (on LQ the first steps overshoot the Riccati gain, and PPO undoes that slowly along the value\'s flat directions)',
  },
  minibatch: positiveInt(3200, 'transitions per gradient step'),
  hidden: positiveInt(32, 'width of the tanh hidden layers (the policy\'s policyLayers, the critic\'s two)'),
  policyLayers: {
    default: 2,
    expected: '0, 1 or 2',
    valid: (v) => v === 0 || v === 1 || v === 2,
    description: 'hidden layers of the policy mean (the critic keeps two). 0: the mean is linear in the network input, a linear-Gaussian policy (the class of LQ control; with timeEncoding 4 the input holds x times the time features, so the gain and the intercept vary with t)',
  },
  naturalStep: param.range(
    0,
    0,
    1,
    'policyLayers 0 only: 0 the policy learns by PPO (Adam on the clipped surrogate); eta in (0, 1] the mean takes, once per PPO iteration, eta times the Newton step fitted to the rollout\'s advantages (naturalLinearStep: a natural actor-critic step whose quadratic term gives its length), annealed with lrAnneal, and the exploration std stays initStd. Why: Adam\'s steps along the value\'s flat directions (LQ\'s gain and intercept) do not grow with the distance to the optimum, so the learned gain stops short or wanders; the Newton step contracts every direction alike',
  ),
  learningRate: param.positive(3e-3, 'Adam learning rate of the policy'),
  valueLearningRate: param.positive(3e-3, 'Adam learning rate of the critic'),
  clip: param.range(0.2, 0, 1, 'PPO clip range epsilon of the probability ratio'),
  gaeLambda: param.range(0.8, 0, 1, 'GAE lambda'),
  valueLambda: {
    default: -1,
    expected: '-1 (the same as gaeLambda) or a number in [0, 1]',
    valid: (v) => v === -1 || (v !== null && v >= 0 && v <= 1),
    description: 'lambda of the critic\'s targets (its lambda-returns); -1: gaeLambda. 1 gives Monte Carlo returns-to-go, which do not inherit the critic\'s own bias through bootstrapping',
  },
  valueBaseline: {
    default: 0,
    expected: '0 (the network is the whole value) or 1 (a per-epoch baseline plus the network)',
    valid: (v) => v === 0 || v === 1,
    description: 'critic form: 0 V(x, t) = net(x, t); 1 V(x, t) = b_t + net(x, t), b_t the mean of epoch t\'s value targets in the last rollout, the network fitting what is left (the x-dependence). Why: a finite horizon\'s value drifts with t by much more than it varies in x (LQ: about -4.5 at t = 0 to -0.35 at t = H-1, against a curvature of 0.36-0.53 in x), so a plain tanh critic spends its units on the drift, saturates, and goes flat in x near the end (LQ with the time-to-go features: curvature 0.00 at t = 90-99 against 0.40-0.53). An error in b_t shifts every advantage of epoch t alike, which does not bias the policy gradient',
  },
  gamma: param.range(1, 0, 1, 'discount (1: the finite-horizon MFG objective)'),
  entCoef: param.nonNegative(0, 'entropy bonus weight'),
  initStd: param.positive(1, 'initial standard deviation of the Gaussian policy'),
  lrAnneal: flag(0, '1: both learning rates decay linearly to 0 over each best response (PPO practice)'),
  advNorm: {
    default: 0,
    expected: '0 (over the whole rollout) or 1 (within each epoch)',
    valid: (v) => v === 0 || v === 1,
    description: 'advantage normalisation: 0 over the whole rollout (PPO practice); 1 within each epoch t, so every epoch\'s decisions weigh the same in the policy gradient (normalisePerEpochInPlace)',
  },
  timeEncoding: {
    default: 0,
    expected: '0 (t/H), 1 (a one-hot of t), 2 (t/H and the one-hot), 3 (t/H and three time-to-go features), 4 (those, a one-hot of the last 5 epochs, and the state times each of these 8 time features) or 5 (as 4 with a one-hot of the final epoch only)',
    valid: (v) => v === 0 || v === 1 || v === 2 || v === 3 || v === 4 || v === 5,
    description: 'how the networks read the epoch t: 0 as t/H; 1 as a one-hot of t (H inputs: every epoch its own first-layer weights, as the finite learners); 2 both (1 + H inputs); 3 t/H and exp(-(H-1-t)/tau) for tau = 2, 5, 15 (1 + 3 inputs); 4 those, a one-hot of the last 5 epochs and x times each of the 8 time features (1 + 8 + 8·stateDim inputs, all but t/H and the time-to-go features zero-initialised: the last epochs get their own gains and intercepts, the last one, with no continuation, free to act myopically without dragging the epochs before it); 5 the same with a one-hot of the final epoch only (1 + 4 + 4·stateDim inputs: a one-hot epoch learns its gain and intercept from 1/H of the samples, so they are noisy, and only the final epoch, with no continuation, needs its own)',
  },
};

/** The epoch encoding a learner's params ask for (timeEncoding; absent, as in runs before it existed: scalar). */
export function timeEncodingOf(params: Readonly<SolverParams>): TimeEncoding {
  const v = params['timeEncoding'];
  return v === 1 ? 'one-hot' : v === 2 ? 'scalar+one-hot' : v === 3 ? 'scalar+time-to-go' : v === 4 ? 'scalar+time-to-go+last' : v === 5 ? 'scalar+time-to-go+final' : 'scalar';
}

/** Zeroes the first-layer weights of inputs [from, to) (W0 is [inputs, hidden], row-major). */
function zeroInputRows(net: DenseMlp, from: number, to: number): void {
  if (from >= to) return;
  const w0 = net.weights.get('W0')!;
  const width = net.sizes[1]!;
  w0.data.fill(0, from * width, to * width);
  net.refresh();
}

/**
 * Proximal policy optimisation (Schulman et al. 2017) as a best response of a continuous MFG
 * against the env's current (fixed) mean field, learned from the env's samples only:
 *   1. rollout: the N agents play the Gaussian policy for rolloutBatches batches of H steps;
 *   2. the critic values every visited (x, t); GAE(gamma, lambda) gives the advantages
 *      (normalised per rollout) and the lambda-return targets;
 *   3. `epochs` passes of shuffled minibatches: one Adam step on the clipped surrogate (policy)
 *      and one on the squared error (critic) per minibatch. With naturalStep (a linear policy
 *      only) the policy instead takes one Newton step per iteration (naturalLinearStep) and the
 *      passes train the critic alone.
 * Why PPO rather than SAC: the vector env hands over whole synchronous batches of N
 * agent-episodes, which is PPO's on-policy unit; a fresh best response against each new flow of
 * fictitious play would find SAC's replay full of transitions scored under older flows; and the
 * deterministic policy we evaluate (the Gaussian's mean) is the object PPO optimises directly,
 * with few hyperparameters. The networks carry over between best responses (a warm start).
 *
 * Every random draw comes from Rng streams seeded by the `seed` given to learn (never from a
 * shared generator), so a checkpoint between best responses resumes bit for bit.
 */
export class PpoBestResponse {
  readonly policy: GaussianPolicyNetwork;
  readonly critic: ValueNetwork;
  readonly layout: ContinuousInput;
  /** b_t of valueBaseline 1 (zeros until the first rollout, and always with valueBaseline 0). */
  readonly valueBaseline: Float64Array;

  constructor(
    readonly handle: TfHandle,
    env: BoxVectorEnv,
    readonly params: Readonly<SolverParams>,
    seed: number,
  ) {
    this.layout = new ContinuousInput(env, timeEncodingOf(params));
    this.valueBaseline = new Float64Array(env.horizon);
    const init = new Rng(seed);
    const p = params;
    this.policy = new GaussianPolicyNetwork(handle, this.layout.inputDim, this.layout.actionDim, p['hidden']!, p['learningRate']!, p['initStd']!, new Rng(init.nextSeed()), p['policyLayers'] ?? 2);
    this.critic = new ValueNetwork(handle, this.layout.inputDim, p['hidden']!, p['valueLearningRate']!, new Rng(init.nextSeed()));
    if ((p['naturalStep'] ?? 0) > 0 && (p['policyLayers'] ?? 2) !== 0) {
      throw new MfgError('MFG_ERR_SOLVER_BAD_PARAM', `naturalStep ${p['naturalStep']} needs the linear-Gaussian policy (policyLayers 0), got policyLayers ${p['policyLayers'] ?? 2}`, {
        details: { naturalStep: p['naturalStep'], policyLayers: p['policyLayers'] ?? 2 },
      });
    }
    // The one-hot epoch inputs start with zero weights, so both networks start as the same
    // function at every epoch (of x, and t/H if given): Glorot-drawn one-hot rows would give every
    // epoch its own random offset of the hidden units, i.e. a random intercept per epoch once the
    // policy head grows, which PPO barely corrects (the value is flat in the intercept). On LQ the
    // learned per-epoch intercepts stay noisy either way (±0.1-0.2 after 60 PPO iterations, t/H:
    // smooth; bench/results/lq-br-gain.txt): the noise comes from learning each epoch's weights
    // from that epoch's samples alone.
    for (const net of [this.policy.net, this.critic.net]) zeroInputRows(net, this.layout.oneHotStart, this.layout.inputDim);
  }

  static async create(env: BoxVectorEnv, params: Readonly<SolverParams>, seed: number): Promise<PpoBestResponse> {
    return new PpoBestResponse(await loadTf(), env, params, seed);
  }

  /** The deterministic policy a = mu(x, t) (what is evaluated and what plays the flow). */
  actor(): ContinuousActor {
    return (_t, inputs, n, actions) => {
      this.policy.meanAction(inputs, n, actions);
    };
  }

  /**
   * Learns against the env's current mean field: brIterations PPO iterations. Appends each
   * rollout's mean episode return (of the stochastic policy) to curves.episodeReturn and each
   * iteration's mean critic loss to curves.loss.
   */
  async learn(env: BoxVectorEnv, seed: number, curves: LearningCurves, brIterations?: number): Promise<void> {
    const p = this.params;
    const rng = new Rng(seed);
    const { inputDim: D, actionDim: dA } = this.layout;
    const H = env.horizon;
    const N = env.numAgents;
    const B = p['rolloutBatches']!;
    const T = H * N;
    const mb = Math.min(p['minibatch']!, B * T);
    const iterations = brIterations ?? p['brIterations']!;
    const warmup = p['criticWarmup'] ?? 0;
    if (warmup >= iterations && warmup > 0) {
      throw new MfgError('MFG_ERR_SOLVER_BAD_PARAM', `criticWarmup ${warmup} leaves no policy update in ${iterations} PPO iterations (brIterations)`, { details: { criticWarmup: warmup, brIterations: iterations } });
    }
    for (let it = 0; it < iterations; it++) {
      const frac = p['lrAnneal'] === 1 ? 1 - it / iterations : 1;
      const policyFrac = p['lrAnneal'] === 1 ? 1 - Math.max(0, it - warmup) / (iterations - warmup) : 1;
      this.policy.trainer.learningRate = policyFrac * p['learningRate']!;
      this.critic.trainer.learningRate = frac * p['valueLearningRate']!;
      const inputs = new Float64Array(B * T * D);
      const actions = new Float64Array(B * T * dA);
      const logp = new Float64Array(B * T);
      const rewards = new Float64Array(B * T);
      let ret = 0;
      for (let b = 0; b < B; b++) {
        const logpRow = new Float64Array(N);
        const act: ContinuousActor = (_t, x, n, out) => this.policy.sample(x, n, rng, out, logpRow);
        const batch = playContinuousBatch(env, this.layout, act, (st) => {
          const row = b * T + st.t * N;
          inputs.set(st.inputs, row * D);
          actions.set(st.actions, row * dA);
          logp.set(logpRow, row);
          for (let i = 0; i < N; i++) rewards[row + i] = st.rewards[i]!;
        }, it === 0 && b === 0 ? rng.nextSeed() : null);
        ret += batch.meanReturn / B;
      }
      const values = this.critic.values(inputs, B * T, new Float64Array(B * T));
      const baseline = p['valueBaseline'] === 1;
      if (baseline) for (let r = 0; r < B * T; r++) values[r]! += this.valueBaseline[Math.floor((r % T) / N)]!;
      const advantages = new Float64Array(B * T);
      const targets = new Float64Array(B * T);
      for (let b = 0; b < B; b++) {
        const g = generalisedAdvantages(rewards.subarray(b * T, (b + 1) * T), values.subarray(b * T, (b + 1) * T), H, N, p['gamma']!, p['gaeLambda']!);
        advantages.set(g.advantages, b * T);
        const vl = p['valueLambda'] ?? -1;
        targets.set(vl === -1 || vl === p['gaeLambda'] ? g.targets : generalisedAdvantages(rewards.subarray(b * T, (b + 1) * T), values.subarray(b * T, (b + 1) * T), H, N, p['gamma']!, vl).targets, b * T);
      }
      if (baseline) {
        // b_t: the mean of epoch t's targets; the network is trained on the rest.
        const b = this.valueBaseline.fill(0);
        for (let r = 0; r < B * T; r++) b[Math.floor((r % T) / N)]! += targets[r]! / (B * N);
        for (let r = 0; r < B * T; r++) targets[r]! -= b[Math.floor((r % T) / N)]!;
      }
      if (p['advNorm'] === 1) normalisePerEpochInPlace(advantages, B, H, N);
      else normaliseInPlace(advantages);
      curves.episodeReturn.push(ret);
      const natural = p['naturalStep'] ?? 0;
      if (natural > 0 && it >= warmup) this.naturalStep(inputs, actions, advantages, B * T, natural * policyFrac);
      curves.loss.push(this.update(inputs, actions, logp, advantages, targets, B * T, mb, rng, natural === 0 && it >= warmup));
      // One macrotask turn per iteration so a SIGINT can land.
      await new Promise<void>((r) => setImmediate(r));
    }
  }

  /** naturalStep: the linear policy's weights and bias move by eta times the fitted Newton step. */
  private naturalStep(inputs: Float64Array, actions: Float64Array, advantages: Float64Array, rows: number, eta: number): void {
    const { inputDim: D, actionDim: dA } = this.layout;
    const means = this.policy.meanAction(inputs, rows, new Float64Array(rows * dA));
    const sigma = this.policy.logStd().map(Math.exp);
    const { step } = naturalLinearStep(inputs, actions, means, sigma, advantages, rows, D, dA);
    const w = this.policy.net.weights.get('W0')!.data;
    const b = this.policy.net.weights.get('b0')!.data;
    for (let k = 0; k < dA; k++) {
      for (let j = 0; j < D; j++) w[j * dA + k]! += eta * step[j * dA + k]!;
      b[k]! += eta * step[D * dA + k]!;
    }
    this.policy.net.refresh();
  }

  /** `epochs` shuffled passes of minibatch steps on both networks; returns the mean critic loss. */
  private update(inputs: Float64Array, actions: Float64Array, logp: Float64Array, adv: Float64Array, targets: Float64Array, rows: number, mb: number, rng: Rng, trainPolicy: boolean): number {
    const p = this.params;
    const { inputDim: D, actionDim: dA } = this.layout;
    const order = new Int32Array(rows);
    const x = new Float32Array(mb * D);
    const a = new Float32Array(mb * dA);
    const lp = new Float32Array(mb);
    const ad = new Float32Array(mb);
    const y = new Float32Array(mb);
    let lossSum = 0;
    let lossN = 0;
    const policyEpochs = p['epochs']!;
    const criticEpochs = (p['valueEpochs'] ?? -1) === -1 ? policyEpochs : p['valueEpochs']!;
    for (let e = 0; e < Math.max(policyEpochs, criticEpochs); e++) {
      for (let i = 0; i < rows; i++) order[i] = i;
      for (let i = rows - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        const tmp = order[i]!;
        order[i] = order[j]!;
        order[j] = tmp;
      }
      for (let start = 0; start + mb <= rows; start += mb) {
        for (let k = 0; k < mb; k++) {
          const r = order[start + k]!;
          for (let c = 0; c < D; c++) x[k * D + c] = inputs[r * D + c]!;
          for (let c = 0; c < dA; c++) a[k * dA + c] = actions[r * dA + c]!;
          lp[k] = logp[r]!;
          ad[k] = adv[r]!;
          y[k] = targets[r]!;
        }
        if (trainPolicy && e < policyEpochs) this.policy.trainStep(x, a, lp, ad, mb, p['clip']!, p['entCoef']!);
        if (e < criticEpochs) {
          lossSum += this.critic.trainStep(x, y, mb);
          lossN++;
        }
      }
    }
    return lossN ? lossSum / lossN : NaN;
  }

  /** Both networks with their Adam states, and the epoch encoding they were trained on, for checkpoints. */
  saveState(): { meta: Record<string, unknown>; arrays: Record<string, Float64Array | Float32Array> } {
    const pi = this.policy.saveState('policy');
    const v = this.critic.trainer.saveState('critic');
    const baseline: Record<string, Float64Array> = this.params['valueBaseline'] === 1 ? { 'critic.epochBaseline': Float64Array.from(this.valueBaseline) } : {};
    return { meta: { ...pi.meta, ...v.meta, timeEncoding: this.layout.timeEncoding }, arrays: { ...pi.arrays, ...v.arrays, ...baseline } };
  }

  /**
   * Refuses networks trained on another epoch encoding: the input widths may even agree (H = 1),
   * but the weights would read the wrong inputs. A state without the field predates the one-hot
   * encoding, so it is scalar.
   */
  loadState(meta: Record<string, unknown>, arrays: Record<string, ArrayLike<number>>): void {
    const saved = meta['timeEncoding'] ?? 'scalar';
    if (saved !== this.layout.timeEncoding) {
      throw new MfgError('MFG_ERR_LEARNING_BAD_CHECKPOINT', `the saved networks read the epoch as ${JSON.stringify(saved)}, this learner as ${JSON.stringify(this.layout.timeEncoding)} (timeEncoding)`, {
        details: { checkpointTimeEncoding: saved, runTimeEncoding: this.layout.timeEncoding },
      });
    }
    this.policy.loadState('policy', meta, arrays);
    this.critic.trainer.loadState('critic', meta, arrays);
    if (this.params['valueBaseline'] === 1) {
      const b = arrays['critic.epochBaseline'];
      if (!b || b.length !== this.valueBaseline.length) {
        throw new MfgError('MFG_ERR_LEARNING_BAD_CHECKPOINT', `the saved critic has no per-epoch baseline of length ${this.valueBaseline.length} (valueBaseline 1)`, { details: { savedLength: b ? b.length : null } });
      }
      this.valueBaseline.set(b);
    }
  }
}
