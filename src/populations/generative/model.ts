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
}
