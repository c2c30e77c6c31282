import type { Tf } from './backend';

/**
 * tf.oneHot(x, depth) as float32 for any depth >= 1. tf.oneHot refuses depth 1, which an axis of
 * one value has (the single action of a state-marginal fit, src/solvers/state-marginal-fit.ts):
 * its one-hot is a column of ones.
 */
export function oneHotFloat(tf: Tf, x: Int32Array, depth: number): import('@tensorflow/tfjs').Tensor2D {
  return depth === 1 ? tf.ones([x.length, 1]) : (tf.oneHot(tf.tensor1d(x, 'int32'), depth).toFloat() as import('@tensorflow/tfjs').Tensor2D);
}
