import type { Rng } from '../core/rng';
import type { TfHandle } from '../populations/generative/backend';
import { weight } from '../populations/generative/weights';
import { DenseMlp } from './dense-mlp';
import { MlpTrainer } from './mlp';

type TfScalar = import('@tensorflow/tfjs').Scalar;

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * A diagonal Gaussian policy pi(a | x, t) = N(mu(x, t), diag(exp(2·logStd))): a tanh MLP gives
 * the mean, and the log standard deviations are free parameters (state-independent, learned),
 * as in PPO's continuous-control setting (Schulman et al. 2017). The log-std sits in the network's
 * weight map after the layers, so MlpTrainer's Adam (and its checkpoint) covers it too. Sampling
 * and log-probabilities run in float64 JavaScript; the clipped surrogate is differentiated by tfjs.
 * Actions are not squashed: the env clips them to its Box, and the log-probability is that of
 * the unclipped sample (the usual convention for Box actions).
 */
export class GaussianPolicyNetwork {
  readonly net: DenseMlp;
  readonly trainer: MlpTrainer;
  readonly actionDim: number;

  constructor(
    handle: TfHandle,
    readonly inputDim: number,
    actionDim: number,
    hidden: number,
    learningRate: number,
    initStd: number,
    rng: Rng,
    hiddenLayers = 2,
  ) {
    this.actionDim = actionDim;
    this.net = new DenseMlp([inputDim, ...Array<number>(hiddenLayers).fill(hidden), actionDim], rng, 'tanh', 0.01);
    this.net.weights.set('logStd', weight([actionDim], new Float32Array(actionDim).fill(Math.log(initStd))));
    this.trainer = new MlpTrainer(handle, this.net, learningRate);
  }

  /** The learned log standard deviations (float64 copies). */
  logStd(): Float64Array {
    return Float64Array.from(this.net.weights.get('logStd')!.data);
  }

  /** The deterministic (mean) actions of n input rows into out [n, actionDim]. */
  meanAction(inputs: Float64Array, n: number, out: Float64Array): Float64Array {
    return this.net.forward(inputs, n, out);
  }

  /**
   * Samples a ~ pi(.|x) for n input rows into actions, and their log-probabilities into logp.
   * Draws rng.normal() n·actionDim times, row by row.
   */
  sample(inputs: Float64Array, n: number, rng: Rng, actions: Float64Array, logp: Float64Array): void {
    const dA = this.actionDim;
    this.net.forward(inputs, n, actions);
    const ls = this.logStd();
    let norm = 0;
    for (let k = 0; k < dA; k++) norm += ls[k]! + HALF_LOG_2PI;
    for (let i = 0; i < n; i++) {
      let q = 0;
      for (let k = 0; k < dA; k++) {
        const e = rng.normal();
        actions[i * dA + k]! += Math.exp(ls[k]!) * e;
        q += e * e;
      }
      logp[i] = -0.5 * q - norm;
    }
  }

  /**
   * One Adam step on PPO's clipped surrogate (Schulman et al. 2017) over a minibatch:
   *   L = -mean_b min(rho_b·A_b, clip(rho_b, 1-eps, 1+eps)·A_b) - entCoef·H(pi),
   * rho_b = exp(log pi(a_b|x_b) - logpOld_b). Returns the loss.
   */
  trainStep(inputs: Float32Array, actions: Float32Array, logpOld: Float32Array, advantages: Float32Array, rows: number, clip: number, entCoef: number): number {
    const dA = this.actionDim;
    return this.trainer.step(inputs, rows, (tf, mu, extras) => {
      const logStd = extras[0]!;
      const a = tf.tensor2d(actions, [rows, dA]);
      const z = tf.div(tf.sub(a, mu), tf.exp(logStd));
      const logp = tf.sub(tf.mul(-0.5, tf.sum(tf.square(z), 1)), tf.add(tf.sum(logStd), dA * HALF_LOG_2PI));
      const old = tf.tensor1d(logpOld);
      const adv = tf.tensor1d(advantages);
      const ratio = tf.exp(tf.sub(logp, old));
      const surrogate = tf.minimum(tf.mul(ratio, adv), tf.mul(tf.clipByValue(ratio, 1 - clip, 1 + clip), adv));
      const entropy = tf.add(tf.sum(logStd), dA * (HALF_LOG_2PI + 0.5));
      return tf.sub(tf.neg(tf.mean(surrogate)), tf.mul(entCoef, entropy)) as TfScalar;
    });
  }

  saveState(prefix: string): ReturnType<MlpTrainer['saveState']> {
    return this.trainer.saveState(prefix);
  }

  loadState(prefix: string, meta: Record<string, unknown>, arrays: Record<string, ArrayLike<number>>): void {
    this.trainer.loadState(prefix, meta, arrays);
  }
}
