import { Rng } from '../../core/rng';
import type { TfHandle, Tf } from './backend';
import { addRow, affine, reluInPlace } from './dense';
import type { Examples } from './examples';
import { finiteDiscriminatorObjective } from './discriminator-objective';
import type { PlainObjective, TrainableModel, Variables } from './model';
import { oneHotFloat } from './one-hot';
import { binomialUpperTail } from './stats';
import { trainModel, type TrainResult } from './train';
import { f64, glorot, normalWeight, weight, type NamedWeights } from './weights';

/**
 * The discriminator D_phi(x, t): an MLP classifier telling fresh Monte Carlo samples (label 1)
 * from generator samples (label 0). Finite inputs are the coordinates of a joint cell, one-hot
 * per axis (a learned row per value, no tf.gather); continuous inputs are the standardised point
 * and its square (so a variance mismatch is visible to a single ReLU layer). With balanced
 * classes its logit estimates log(p_MC / p_gen) (the density-ratio trick).
 */
export type DiscriminatorConfig =
  | { readonly kind: 'finite'; readonly horizon: number; readonly axes: readonly number[]; readonly hidden: number }
  | {
      readonly kind: 'continuous';
      readonly horizon: number;
      readonly dim: number;
      readonly shift: readonly number[];
      readonly scale: readonly number[];
      readonly hidden: number;
    };

export class DiscriminatorModel implements TrainableModel<DiscriminatorConfig> {
  constructor(readonly config: DiscriminatorConfig) {}

  init(rng: Rng): NamedWeights {
    const c = this.config;
    const w: NamedWeights = new Map();
    w.set('time', normalWeight([c.horizon, c.hidden], 0.1, rng));
    if (c.kind === 'finite') c.axes.forEach((n, k) => w.set(`in${k}`, normalWeight([n, c.hidden], 0.5, rng)));
    else w.set('inx', glorot(2 * c.dim, c.hidden, rng));
    w.set('b1', weight([c.hidden]));
    w.set('w2', glorot(c.hidden, c.hidden, rng));
    w.set('b2', weight([c.hidden]));
    w.set('w3', glorot(c.hidden, 1, rng));
    w.set('b3', weight([1]));
    return w;
  }

  loss(tf: Tf, v: Variables, batch: Examples): import('@tensorflow/tfjs').Scalar {
    const c = this.config;
    const feats = c.kind === 'continuous' ? continuousFeatures(c, batch.x!, batch.count) : null;
    const coords = c.kind === 'finite' ? cellCoords(c.axes, batch.cells!) : null;
    return tf.tidy(() => {
      let pre = tf.add(tf.matMul(tf.oneHot(tf.tensor1d(batch.t, 'int32'), c.horizon).toFloat(), v.get('time')!), v.get('b1')!);
      if (c.kind === 'finite') {
        coords!.forEach((x, k) => (pre = tf.add(pre, tf.matMul(oneHotFloat(tf, x, c.axes[k]!), v.get(`in${k}`)!))));
      } else {
        pre = tf.add(pre, tf.matMul(tf.tensor2d(feats!, [batch.count, 2 * c.dim]), v.get('inx')!));
      }
      const h2 = tf.relu(tf.add(tf.matMul(tf.relu(pre), v.get('w2')!), v.get('b2')!));
      const logit = tf.reshape(tf.add(tf.matMul(h2, v.get('w3')!), v.get('b3')!), [-1]);
      const y = tf.tensor1d(Float32Array.from(batch.labels!), 'float32');
      return tf.losses.sigmoidCrossEntropy(y, logit) as import('@tensorflow/tfjs').Scalar;
    });
  }

  /** Finite inputs as plain JavaScript over the distinct (t, cell) rows: see discriminator-objective.ts. */
  plainObjective(batch: Examples): PlainObjective {
    const c = this.config;
    return c.kind === 'finite' ? finiteDiscriminatorObjective(c.axes, c.horizon, c.hidden, batch) : { flops: Infinity, rows: 0, evaluate: () => NaN };
  }
}

function continuousFeatures(c: { dim: number; shift: readonly number[]; scale: readonly number[] }, x: Float64Array, n: number): Float32Array {
  const d = c.dim;
  const f = new Float32Array(n * 2 * d);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) {
      const z = (x[i * d + k]! - c.shift[k]!) / c.scale[k]!;
      f[i * 2 * d + k] = z;
      f[i * 2 * d + d + k] = z * z;
    }
  }
  return f;
}

function cellCoords(axes: readonly number[], cells: Int32Array): Int32Array[] {
  const out = axes.map(() => new Int32Array(cells.length));
  for (let i = 0; i < cells.length; i++) {
    let r = cells[i]!;
    for (let k = axes.length - 1; k >= 0; k--) {
      out[k]![i] = r % axes[k]!;
      r = Math.floor(r / axes[k]!);
    }
  }
  return out;
}

/** The trained discriminator's logit in plain JavaScript (log p_MC/p_gen estimate). */
export class DiscriminatorLogit {
  private readonly time: Float64Array;
  private readonly inputs: Float64Array[];
  private readonly b1: Float64Array;
  private readonly w2: Float64Array;
  private readonly b2: Float64Array;
  private readonly w3: Float64Array;
  private readonly b3: Float64Array;
  private readonly h1: Float64Array;
  private readonly h2: Float64Array;
  private readonly feat: Float64Array;

  constructor(
    readonly config: DiscriminatorConfig,
    readonly weights: NamedWeights,
  ) {
    this.time = f64(weights, 'time');
    this.inputs = config.kind === 'finite' ? config.axes.map((_n, k) => f64(weights, `in${k}`)) : [f64(weights, 'inx')];
    this.b1 = f64(weights, 'b1');
    this.w2 = f64(weights, 'w2');
    this.b2 = f64(weights, 'b2');
    this.w3 = f64(weights, 'w3');
    this.b3 = f64(weights, 'b3');
    this.h1 = new Float64Array(config.hidden);
    this.h2 = new Float64Array(config.hidden);
    this.feat = new Float64Array(config.kind === 'continuous' ? 2 * config.dim : 0);
  }

  /** Logit of a finite joint cell at epoch t. */
  cellLogit(t: number, cell: number): number {
    const c = this.config;
    if (c.kind !== 'finite') throw new Error('cellLogit on a continuous discriminator');
    const H = c.hidden;
    this.h1.set(this.b1);
    addRow(this.time, t, H, this.h1);
    for (let k = c.axes.length - 1; k >= 0; k--) {
      addRow(this.inputs[k]!, cell % c.axes[k]!, H, this.h1);
      cell = Math.floor(cell / c.axes[k]!);
    }
    return this.head();
  }

  /** Logit of the point x[off .. off+d) at epoch t. */
  pointLogit(t: number, x: ArrayLike<number>, off = 0): number {
    const c = this.config;
    if (c.kind !== 'continuous') throw new Error('pointLogit on a finite discriminator');
    const d = c.dim;
    for (let k = 0; k < d; k++) {
      const z = (x[off + k]! - c.shift[k]!) / c.scale[k]!;
      this.feat[k] = z;
      this.feat[d + k] = z * z;
    }
    affine(this.feat, 0, 2 * d, this.inputs[0]!, this.b1, c.hidden, this.h1);
    addRow(this.time, t, c.hidden, this.h1);
    return this.head();
  }

  private head(): number {
    const H = this.config.hidden;
    reluInPlace(this.h1);
    affine(this.h1, 0, H, this.w2, this.b2, H, this.h2);
    reluInPlace(this.h2);
    let z = this.b3[0]!;
    for (let j = 0; j < H; j++) z += this.h2[j]! * this.w3[j]!;
    return z;
  }
}

/** Held-out result of the classifier two-sample test at one epoch. */
export interface EpochC2st {
  readonly t: number;
  /** Held-out examples (half Monte Carlo, half generator). */
  readonly n: number;
  readonly accuracy: number;
  /** One-sided binomial p-value of accuracy > 0.5. */
  readonly pValue: number;
}

export interface C2stResult {
  readonly epochs: EpochC2st[];
  /** Pooled over every epoch's held-out examples. */
  readonly accuracy: number;
  readonly pValue: number;
  /** Bonferroni over the pooled test and the H per-epoch tests: min(1, (H+1)·min p). */
  readonly combinedPValue: number;
  readonly logit: DiscriminatorLogit;
  readonly training: TrainResult;
}

export interface C2stOptions {
  readonly hidden?: number;
  readonly maxSteps?: number;
  readonly batchSize?: number;
  readonly learningRate?: number;
  readonly seed: number;
  readonly signal?: AbortSignal;
  readonly onStep?: (step: number, maxSteps: number, loss: number) => void;
}

/** Per-epoch samples of both classes: finite cells or continuous points (n×d row-major). */
export type EpochSamples = readonly Int32Array[] | readonly Float64Array[];

/**
 * Classifier two-sample test (Lopez-Paz & Oquab 2017): per epoch, both samples are cut to the
 * same size and halved; D is trained on the first halves and scored on the second halves,
 * which it never saw. Under H0 (same distribution) the held-out accuracy is Binomial(n, 1/2)/n.
 */
export async function classifierTwoSampleTest(h: TfHandle, config: DiscriminatorConfig, mc: EpochSamples, gen: EpochSamples, opts: C2stOptions): Promise<C2stResult> {
  const finite = config.kind === 'finite';
  const d = finite ? 1 : config.dim;
  const H = config.horizon;
  // Per epoch, both samples cut to n and halved: the first halves train (Monte Carlo, then
  // generator), the second halves test. Sizes first, then typed arrays filled in that order.
  const sizes = Array.from({ length: H }, (_x, t) => Math.min(mc[t]!.length, gen[t]!.length) / d);
  const trainCount = sizes.reduce((acc, n) => acc + 2 * Math.floor(n / 2), 0);
  const testCount = sizes.reduce((acc, n) => acc + 2 * (n - Math.floor(n / 2)), 0);
  const trainT = new Int32Array(trainCount);
  const trainLab = new Uint8Array(trainCount);
  const trainCells = finite ? new Int32Array(trainCount) : null;
  const trainX = finite ? null : new Float64Array(trainCount * d);
  const testT = new Int32Array(testCount);
  const testLab = new Uint8Array(testCount);
  const testIdx = new Int32Array(testCount);
  let filled = 0;
  let q = 0;
  for (let t = 0; t < H; t++) {
    const n = sizes[t]!;
    const half = Math.floor(n / 2);
    for (const [src, arr] of [[1, mc[t]!], [0, gen[t]!]] as const) {
      for (let i = 0; i < n; i++) {
        if (i < half) {
          trainT[filled] = t;
          trainLab[filled] = src;
          if (trainCells) trainCells[filled] = arr[i]!;
          else for (let j = 0; j < d; j++) trainX![filled * d + j] = arr[i * d + j]!;
          filled++;
        } else {
          testT[q] = t;
          testLab[q] = src;
          testIdx[q] = i;
          q++;
        }
      }
    }
  }
  const data: Examples = { count: trainCount, t: trainT, cells: trainCells, x: trainX, dim: finite ? 0 : d, labels: trainLab };
  const model = new DiscriminatorModel(config);
  const weights = model.init(new Rng(opts.seed));
  const training = await trainModel(h, model, weights, data, {
    maxSteps: opts.maxSteps ?? 400,
    batchSize: opts.batchSize ?? 256,
    learningRate: opts.learningRate ?? 0.01,
    seed: opts.seed + 1,
    window: 50,
    patience: 4,
    tolerance: 1e-3,
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onStep ? { onStep: opts.onStep } : {}),
  });
  const logit = new DiscriminatorLogit(config, weights);
  const correct = new Float64Array(H);
  const total = new Float64Array(H);
  // A finite logit depends on (t, cell) alone: each distinct pair is scored once (small spaces
  // repeat a few cells thousands of times).
  const cellLogits = new Map<number, number>();
  const cellsPerEpoch = finite ? config.axes.reduce((a, b) => a * b, 1) : 0;
  for (let e = 0; e < testCount; e++) {
    const t = testT[e]!;
    const lab = testLab[e]!;
    const idx = testIdx[e]!;
    const arr = lab === 1 ? mc[t]! : gen[t]!;
    let z: number;
    if (finite) {
      const key = t * cellsPerEpoch + arr[idx]!;
      const known = cellLogits.get(key);
      z = known ?? logit.cellLogit(t, arr[idx]!);
      if (known === undefined) cellLogits.set(key, z);
    } else z = logit.pointLogit(t, arr as Float64Array, idx * d);
    const guess = z > 0 ? 1 : 0;
    total[t]!++;
    if (guess === lab) correct[t]!++;
  }
  const epochs: EpochC2st[] = [];
  let k = 0;
  let n = 0;
  let minP = 1;
  for (let t = 0; t < H; t++) {
    const p = binomialUpperTail(correct[t]!, total[t]!);
    epochs.push({ t, n: total[t]!, accuracy: total[t]! > 0 ? correct[t]! / total[t]! : 0.5, pValue: p });
    minP = Math.min(minP, p);
    k += correct[t]!;
    n += total[t]!;
  }
  const pValue = binomialUpperTail(k, n);
  return {
    epochs,
    accuracy: n > 0 ? k / n : 0.5,
    pValue,
    combinedPValue: Math.min(1, (H + 1) * Math.min(minP, pValue)),
    logit,
    training,
  };
}
