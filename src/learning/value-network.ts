import type { Rng } from '../core/rng';
import type { TfHandle } from '../populations/generative/backend';
import { DenseMlp } from './dense-mlp';
import { MlpTrainer } from './mlp';

type TfScalar = import('@tensorflow/tfjs').Scalar;

/**
 * The critic V(x, t) of the actor-critic: a tanh MLP with one linear output, trained by Adam on
 * the squared error to the lambda-returns. Its values enter the advantages only (the policy's
 * loss never differentiates through it).
 */
export class ValueNetwork {
  readonly net: DenseMlp;
  readonly trainer: MlpTrainer;

  constructor(handle: TfHandle, inputDim: number, hidden: number, learningRate: number, rng: Rng) {
    this.net = new DenseMlp([inputDim, hidden, hidden, 1], rng, 'tanh');
    this.trainer = new MlpTrainer(handle, this.net, learningRate);
  }

  /** V of n input rows into out (length n). */
  values(inputs: Float64Array, n: number, out: Float64Array): Float64Array {
    return this.net.forward(inputs, n, out);
  }

  /** One Adam step on mean_b (V(x_b) - y_b)^2; returns the loss. */
  trainStep(inputs: Float32Array, targets: Float32Array, rows: number): number {
    return this.trainer.step(inputs, rows, (tf, v) => tf.mean(tf.square(tf.sub(tf.reshape(v, [rows]), tf.tensor1d(targets)))) as TfScalar);
  }
}
