import { Rng } from '../core/rng';
import type { TfHandle } from '../populations/generative/backend';
import { Mlp, MlpTrainer } from './mlp';
import type { ReplayBuffer } from './replay-buffer';
import { StateEncoding } from './state-encoding';

/**
 * A Q-network Q(s, t, ·) over the A actions with a target copy: the online net acts and is
 * trained (Adam on the squared TD error of the taken action), the target net gives the
 * bootstrapped values and is refreshed by copy.
 */
export class QNetwork {
  readonly online: Mlp;
  readonly target: Mlp;
  readonly trainer: MlpTrainer;
  private readonly active: Int32Array;

  constructor(
    handle: TfHandle,
    readonly enc: StateEncoding,
    readonly numActions: number,
    hidden: number,
    learningRate: number,
    initSeed: number,
  ) {
    const sizes = [enc.inputDim, hidden, hidden, numActions];
    this.online = new Mlp(sizes, new Rng(initSeed));
    this.target = new Mlp(sizes, null);
    this.target.copyFrom(this.online);
    this.trainer = new MlpTrainer(handle, this.online, learningRate);
    this.active = new Int32Array(enc.active);
  }

  values(s: number, t: number, out: Float64Array, net: Mlp = this.online): Float64Array {
    this.enc.encode(s, t, this.active, 0);
    net.forward(this.active, 0, this.enc.active, out);
    return out;
  }

  syncTarget(): void {
    this.target.copyFrom(this.online);
  }

  /** One Adam step on mean_b (Q(s_b, t_b, a_b) - y_b)^2 over the buffer rows idx; returns the loss. */
  train(buffer: ReplayBuffer, idx: Int32Array, y: Float64Array): number {
    const B = idx.length;
    const A = this.numActions;
    const k = this.enc.active;
    const active = new Int32Array(B * k);
    const onehot = new Float32Array(B * A);
    for (let b = 0; b < B; b++) {
      const j = idx[b]!;
      this.enc.encode(buffer.s[j]!, buffer.t[j]!, active, b * k);
      onehot[b * A + buffer.a[j]!] = 1;
    }
    const x = this.enc.dense(active, B);
    const yf = Float32Array.from(y);
    return this.trainer.step(x, B, (tf, out) => {
      const pred = tf.sum(tf.mul(out, tf.tensor2d(onehot, [B, A])), 1);
      return tf.mean(tf.square(tf.sub(pred, tf.tensor1d(yf)))) as import('@tensorflow/tfjs').Scalar;
    });
  }

  saveState(prefix: string): { meta: Record<string, unknown>; arrays: Record<string, Float64Array | Float32Array> } {
    const st = this.trainer.saveState(prefix);
    for (const [name, w] of this.target.weights) st.arrays[`${prefix}.target.${name}`] = w.data.slice();
    return st;
  }

  loadState(prefix: string, meta: Record<string, unknown>, arrays: Record<string, ArrayLike<number>>): void {
    this.trainer.loadState(prefix, meta, arrays);
    for (const [name, w] of this.target.weights) w.data.set(arrays[`${prefix}.target.${name}`]!);
    this.target.refresh();
  }
}
