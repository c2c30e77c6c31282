import type { Rng } from '../core/rng';
import { affine } from '../populations/generative/dense';
import { glorot, weight, type NamedWeights } from '../populations/generative/weights';

export type Activation = 'tanh' | 'relu';

/**
 * A multilayer perceptron on dense real inputs (continuous observations), the continuous
 * counterpart of Mlp. As there, the float32 weights are what tfjs trains (MlpTrainer) and the
 * forward pass used for acting runs in plain JavaScript on float64 copies, so acting costs no
 * tfjs dispatch and a reloaded network acts bit-identically on any backend. Hidden layers use
 * `activation` (tanh by default: the usual choice for policy-gradient networks, smooth in the
 * input); the output layer is linear.
 */
export class DenseMlp {
  readonly weights: NamedWeights;
  private mirror: Float64Array[] = [];
  private readonly h: Float64Array[];

  /**
   * @param outputScale multiplies the Glorot initialisation of the last layer (PPO practice: a
   *   small policy head, 0.01, starts the policy close to zero mean action everywhere).
   */
  constructor(
    readonly sizes: readonly number[],
    rng: Rng | null,
    readonly activation: Activation = 'tanh',
    outputScale = 1,
  ) {
    this.weights = new Map();
    const L = sizes.length - 1;
    for (let l = 0; l < L; l++) {
      this.weights.set(`W${l}`, rng ? glorot(sizes[l]!, sizes[l + 1]!, rng, l === L - 1 ? outputScale : 1) : weight([sizes[l]!, sizes[l + 1]!]));
      this.weights.set(`b${l}`, weight([sizes[l + 1]!]));
    }
    this.h = sizes.slice(1).map((n) => new Float64Array(n));
    this.refresh();
  }

  get layers(): number {
    return this.sizes.length - 1;
  }

  get inputDim(): number {
    return this.sizes[0]!;
  }

  get outputDim(): number {
    return this.sizes[this.layers]!;
  }

  /** Re-reads the float64 copies after the float32 weights changed. */
  refresh(): void {
    this.mirror = [];
    for (let l = 0; l < this.layers; l++) {
      this.mirror.push(Float64Array.from(this.weights.get(`W${l}`)!.data), Float64Array.from(this.weights.get(`b${l}`)!.data));
    }
  }

  copyFrom(other: DenseMlp): void {
    for (const [k, w] of other.weights) this.weights.get(k)!.data.set(w.data);
    this.refresh();
  }

  /** Outputs of `rows` inputs (x row-major [rows, inputDim]) into out [rows, outputDim]. */
  forward(x: ArrayLike<number>, rows: number, out: Float64Array): Float64Array {
    const L = this.layers;
    const nIn = this.inputDim;
    const nOut = this.outputDim;
    for (let r = 0; r < rows; r++) {
      let input: ArrayLike<number> = x;
      let off = r * nIn;
      for (let l = 0; l < L; l++) {
        const y = this.h[l]!;
        affine(input, off, this.sizes[l]!, this.mirror[2 * l]!, this.mirror[2 * l + 1]!, this.sizes[l + 1]!, y);
        if (l < L - 1) activate(y, this.activation);
        input = y;
        off = 0;
      }
      const last = this.h[L - 1]!;
      for (let j = 0; j < nOut; j++) out[r * nOut + j] = last[j]!;
    }
    return out;
  }
}

function activate(y: Float64Array, activation: Activation): void {
  if (activation === 'tanh') for (let j = 0; j < y.length; j++) y[j] = Math.tanh(y[j]!);
  else for (let j = 0; j < y.length; j++) if (y[j]! < 0) y[j] = 0;
}
