import type { Rng } from '../core/rng';
import type { TfHandle } from '../populations/generative/backend';
import { addRow, affine, reluInPlace } from '../populations/generative/dense';
import { glorot, weight, type NamedWeights } from '../populations/generative/weights';

type TfTensor = import('@tensorflow/tfjs').Tensor;
type TfScalar = import('@tensorflow/tfjs').Scalar;

/**
 * A ReLU multilayer perceptron whose input is a sum of one-hot blocks (StateEncoding). The
 * float32 weights are the parameters tfjs trains; acting and targets run in plain JavaScript on
 * float64 copies (one call per agent must not pay a tfjs dispatch), which is also what keeps a
 * reloaded network bit-identical on any backend.
 */
export class Mlp {
  readonly weights: NamedWeights;
  private mirror: Float64Array[] = [];
  private readonly h: Float64Array[];

  constructor(
    readonly sizes: readonly number[],
    rng: Rng | null,
  ) {
    this.weights = new Map();
    for (let l = 0; l + 1 < sizes.length; l++) {
      this.weights.set(`W${l}`, rng ? glorot(sizes[l]!, sizes[l + 1]!, rng) : weight([sizes[l]!, sizes[l + 1]!]));
      this.weights.set(`b${l}`, weight([sizes[l + 1]!]));
    }
    this.h = sizes.slice(1).map((n) => new Float64Array(n));
    this.refresh();
  }

  get layers(): number {
    return this.sizes.length - 1;
  }

  /** Re-reads the float64 copies after the float32 weights changed. */
  refresh(): void {
    this.mirror = [];
    for (let l = 0; l < this.layers; l++) {
      this.mirror.push(Float64Array.from(this.weights.get(`W${l}`)!.data), Float64Array.from(this.weights.get(`b${l}`)!.data));
    }
  }

  copyFrom(other: Mlp): void {
    for (const [k, w] of other.weights) this.weights.get(k)!.data.set(w.data);
    this.refresh();
  }

  /** Outputs of one row given by its active input indices active[off .. off+k), into out. */
  forward(active: Int32Array, off: number, k: number, out: Float64Array, outOff = 0): void {
    const L = this.layers;
    let x = this.h[0]!;
    const n0 = this.sizes[1]!;
    x.set(this.mirror[1]!);
    for (let j = 0; j < k; j++) addRow(this.mirror[0]!, active[off + j]!, n0, x);
    for (let l = 1; l < L; l++) {
      reluInPlace(x);
      const y = this.h[l]!;
      affine(x, 0, this.sizes[l]!, this.mirror[2 * l]!, this.mirror[2 * l + 1]!, this.sizes[l + 1]!, y);
      x = y;
    }
    for (let j = 0; j < this.sizes[L]!; j++) out[outOff + j] = x[j]!;
  }
}

/**
 * What MlpTrainer trains: an Mlp or a DenseMlp. Its weights are W0, b0, W1, b1, ... (the
 * layers, in order) and then any extra parameters (a Gaussian policy's log-std), which the
 * trainer hands to the loss untouched.
 */
export interface TrainableNet {
  readonly weights: NamedWeights;
  readonly sizes: readonly number[];
  readonly layers: number;
  /** Hidden-layer activation (default relu). */
  readonly activation?: 'relu' | 'tanh';
  refresh(): void;
}

/**
 * Adam on a network's weights, with TensorFlow.js computing the loss and its gradients. The update
 * itself runs here on the float32 weights with float64 moments, so the optimizer's whole state is
 * plain arrays: a checkpoint holds it exactly and a resumed run continues bit for bit.
 */
export class MlpTrainer {
  private readonly m: Float64Array[];
  private readonly v: Float64Array[];
  private steps = 0;

  constructor(
    private readonly handle: TfHandle,
    readonly net: TrainableNet,
    /** Adam's step size; a learner may anneal it between steps (PPO does). */
    public learningRate: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly epsilon = 1e-8,
  ) {
    this.m = [...net.weights.values()].map((w) => new Float64Array(w.data.length));
    this.v = [...net.weights.values()].map((w) => new Float64Array(w.data.length));
  }

  /** The network's outputs on dense inputs x [B, in], inside the loss. */
  private apply(tf: TfHandle['tf'], x: TfTensor, ws: TfTensor[]): TfTensor {
    let h = x;
    const L = this.net.layers;
    const tanh = this.net.activation === 'tanh';
    for (let l = 0; l < L; l++) {
      h = tf.add(tf.matMul(h as import('@tensorflow/tfjs').Tensor2D, ws[2 * l] as import('@tensorflow/tfjs').Tensor2D), ws[2 * l + 1]!);
      // tanh as 2·sigmoid(2h) - 1: the same function, but the wasm backend's tanh kernel is
      // about 20x slower than its sigmoid (measured: 1.1 ms vs 0.06 ms on a 640x32 tensor).
      if (l < L - 1) h = tanh ? tf.sub(tf.mul(tf.sigmoid(tf.mul(h, 2)), 2), 1) : tf.relu(h);
    }
    return h;
  }

  /**
   * One Adam step on loss(outputs, extras); returns the loss. inputs: dense [B, in] float32;
   * extras: the parameters after the layers' (see TrainableNet), as tensors the loss may use.
   */
  step(inputs: Float32Array, rows: number, loss: (tf: TfHandle['tf'], outputs: TfTensor, extras: TfTensor[]) => TfScalar): number {
    const { tf } = this.handle;
    const weights = [...this.net.weights.values()];
    const x = tf.tensor2d(inputs, [rows, this.net.sizes[0]!], 'float32');
    const ws = weights.map((w) => tf.tensor(w.data, [...w.shape], 'float32'));
    const L2 = 2 * this.net.layers;
    const { value, grads } = tf.valueAndGrads((...params: TfTensor[]) => loss(tf, this.apply(tf, x, params), params.slice(L2)))(ws);
    const out = value.dataSync()[0]!;
    this.steps++;
    const c1 = 1 - Math.pow(this.beta1, this.steps);
    const c2 = 1 - Math.pow(this.beta2, this.steps);
    grads.forEach((g, i) => {
      const gd = g.dataSync();
      const w = weights[i]!.data;
      const m = this.m[i]!;
      const v = this.v[i]!;
      for (let j = 0; j < w.length; j++) {
        const gj = gd[j]!;
        m[j] = this.beta1 * m[j]! + (1 - this.beta1) * gj;
        v[j] = this.beta2 * v[j]! + (1 - this.beta2) * gj * gj;
        w[j]! -= (this.learningRate * (m[j]! / c1)) / (Math.sqrt(v[j]! / c2) + this.epsilon);
      }
    });
    tf.dispose([value, x, ...ws, ...grads]);
    this.net.refresh();
    return out;
  }

  /** Adam's moments and step count, for checkpoints. */
  saveState(prefix: string): { meta: Record<string, unknown>; arrays: Record<string, Float64Array | Float32Array> } {
    const arrays: Record<string, Float64Array | Float32Array> = {};
    for (const [name, w] of this.net.weights) arrays[`${prefix}.${name}`] = w.data.slice();
    this.m.forEach((m, i) => (arrays[`${prefix}.adam.m${i}`] = m.slice()));
    this.v.forEach((v, i) => (arrays[`${prefix}.adam.v${i}`] = v.slice()));
    return { meta: { [`${prefix}.steps`]: this.steps }, arrays };
  }

  loadState(prefix: string, meta: Record<string, unknown>, arrays: Record<string, ArrayLike<number>>): void {
    for (const [name, w] of this.net.weights) w.data.set(arrays[`${prefix}.${name}`]!);
    this.net.refresh();
    this.m.forEach((m, i) => m.set(arrays[`${prefix}.adam.m${i}`]!));
    this.v.forEach((v, i) => v.set(arrays[`${prefix}.adam.v${i}`]!));
    this.steps = meta[`${prefix}.steps`] as number;
  }
}
