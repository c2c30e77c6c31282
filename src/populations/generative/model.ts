import type { Rng } from '../../core/rng';
import type { Tf } from './backend';
import type { Examples } from './examples';
import type { NamedWeights } from './weights';

/** The tfjs variables of a model during training, by weight name. */
export type Variables = ReadonlyMap<string, import('@tensorflow/tfjs').Variable>;

/**
 * A trainable explicit-density model (generator or discriminator): a JSON config, a seeded
 * initialisation, and a differentiable loss on a minibatch. Inference lives in the compiled
 * objects each model file builds from its weights (plain JavaScript, see dense.ts).
 */
export interface TrainableModel<C> {
  readonly config: C;
  init(rng: Rng): NamedWeights;
  /** Mean loss over the batch (negative log-likelihood in nats for generators). */
  loss(tf: Tf, vars: Variables, batch: Examples): import('@tensorflow/tfjs').Scalar;
  /**
   * The same loss over the batch `data` with its exact gradient in plain JavaScript, for models
   * whose data reduce to few distinct rows (small finite spaces): there a tfjs step is all
   * per-op overhead (~2-3 ms for a few thousand flops). Optional; see plain-train.ts.
   */
  plainObjective?(data: Examples): PlainObjective;
}

/** A full-batch loss in plain JavaScript over float64 parameters (by weight name). */
export interface PlainObjective {
  /** Floating-point operations of one evaluate() with gradients: what decides whether it beats tfjs. */
  readonly flops: number;
  /** Distinct rows the loss sums over (a minibatch of b examples has at most min(b, rows)). */
  readonly rows: number;
  /** The loss at `params`; adds its gradient into `grads` (zeroed by the caller) when given. */
  evaluate(params: ReadonlyMap<string, Float64Array>, grads: ReadonlyMap<string, Float64Array> | null): number;
  /**
   * The objective of the minibatch of examples `idx` of this objective's data: the same loss and
   * gradient, bit for bit, as plainObjective(subset(data, idx)), without rebuilding its rows from
   * the examples. Optional; the result may share buffers with the previous one (valid until the
   * next call).
   */
  batch?(idx: Int32Array): PlainObjective;
}
