import { MfgError } from '../../core/errors';
import type { Rng } from '../../core/rng';
import type { Tf } from './backend';
import { epochMoments, LOG_2PI, type ContinuousDensity, type Standardiser } from './continuous-density';
import { affine, addRow, logSoftmaxInPlace, logSumExp, reluInPlace, sampleLogProbs } from './dense';
import type { Examples } from './examples';
import type { TrainableModel, Variables } from './model';
import { countParameters, f64, get, glorot, normalWeight, weight, type NamedWeights } from './weights';

/**
 * Mixture density network over R^d conditioned on the epoch (Bishop 1994): an MLP of the epoch
 * embedding gives K mixture weights, means and diagonal log-scales, plus a free per-epoch bias on
 * those outputs. Fitted on standardised points; densities are reported in the original units.
 */
export interface MdnConfig extends Standardiser {
  readonly kind: 'mdn';
  readonly horizon: number;
  readonly dim: number;
  readonly components: number;
  readonly embedding: number;
  readonly hidden: number;
}

export function mdnConfig(horizon: number, dim: number, norm: Standardiser, components = 4, embedding = 16, hidden = 32): MdnConfig {
  if (!Number.isInteger(components) || components < 1) {
    throw new MfgError('MFG_ERR_GENERATIVE_BAD_OPTION', `components must be a positive integer, got ${components}`);
  }
  return { kind: 'mdn', horizon, dim, shift: [...norm.shift], scale: [...norm.scale], components, embedding, hidden };
}

const outWidth = (c: MdnConfig): number => c.components * (1 + 2 * c.dim);

export class MdnModel implements TrainableModel<MdnConfig> {
  constructor(readonly config: MdnConfig) {}

  init(rng: Rng): NamedWeights {
    const c = this.config;
    const w: NamedWeights = new Map();
    w.set('time', normalWeight([c.horizon, c.embedding], 0.5, rng));
    w.set('w1', glorot(c.embedding, c.hidden, rng));
    w.set('b1', weight([c.hidden]));
    w.set('w2', glorot(c.hidden, outWidth(c), rng, 0.1));
    // Spread the initial means a little (0.1 sd in standardised units) so components do not start
    // identical, while the mixture starts close to the data-initialised per-epoch Gaussian.
    const b2 = weight([outWidth(c)]);
    for (let i = c.components; i < c.components * (1 + c.dim); i++) b2.data[i] = 0.1 * rng.normal();
    w.set('b2', b2);
    w.set('bias', weight([c.horizon, outWidth(c)]));
    return w;
  }

  /** Data-dependent start: every component's per-epoch mean and log-scale at the epoch's own moments. */
  initFromData(w: NamedWeights, data: Examples): void {
    const c = this.config;
    const { components: K, dim: d } = c;
    const m = epochMoments(c, data);
    const bias = get(w, 'bias').data;
    const W = outWidth(c);
    for (let t = 0; t < c.horizon; t++) {
      for (let k = 0; k < K; k++) {
        for (let j = 0; j < d; j++) {
          bias[t * W + K + k * d + j] = m.mean[t * d + j]!;
          bias[t * W + K * (1 + d) + k * d + j] = Math.log(m.sd[t * d + j]!);
        }
      }
    }
  }

  loss(tf: Tf, v: Variables, batch: Examples): import('@tensorflow/tfjs').Scalar {
    const c = this.config;
    const { components: K, dim: d } = c;
    const z = new Float32Array(batch.count * d);
    for (let i = 0; i < batch.count; i++) for (let k = 0; k < d; k++) z[i * d + k] = (batch.x![i * d + k]! - c.shift[k]!) / c.scale[k]!;
    const logScale = c.scale.reduce((s, x) => s + Math.log(x), 0);
    return tf.tidy(() => {
      const T = tf.oneHot(tf.tensor1d(batch.t, 'int32'), c.horizon).toFloat();
      const hid = tf.relu(tf.add(tf.matMul(tf.matMul(T, v.get('time')!), v.get('w1')!), v.get('b1')!));
      const out = tf.add(tf.add(tf.matMul(hid, v.get('w2')!), v.get('b2')!), tf.matMul(T, v.get('bias')!));
      const logits = tf.slice(out, [0, 0], [-1, K]);
      const means = tf.reshape(tf.slice(out, [0, K], [-1, K * d]), [-1, K, d]);
      const logStd = tf.clipByValue(tf.reshape(tf.slice(out, [0, K * (1 + d)], [-1, K * d]), [-1, K, d]), -7, 7);
      const zz = tf.reshape(tf.tensor2d(z, [batch.count, d]), [-1, 1, d]);
      const u = tf.mul(tf.sub(zz, means), tf.exp(tf.neg(logStd)));
      const comp = tf.sub(tf.mul(-0.5, tf.sum(tf.square(u), 2)), tf.add(tf.sum(logStd, 2), 0.5 * d * LOG_2PI));
      const ll = tf.logSumExp(tf.add(tf.logSoftmax(logits), comp), 1);
      return tf.add(tf.neg(tf.mean(ll)), logScale) as import('@tensorflow/tfjs').Scalar;
    });
  }
}

/** The fitted MDN: the mixture of every epoch is computed once, then queries are closed-form. */
export class MdnDensity implements ContinuousDensity {
  private readonly logW: Float64Array[];
  private readonly mu: Float64Array[];
  private readonly logStd: Float64Array[];
  private readonly logScale: number;
  readonly parameterCount: number;

  constructor(
    readonly config: MdnConfig,
    readonly weights: NamedWeights,
  ) {
    const c = config;
    const { components: K, dim: d, embedding: e, hidden } = c;
    const time = f64(weights, 'time');
    const w1 = f64(weights, 'w1');
    const b1 = f64(weights, 'b1');
    const w2 = f64(weights, 'w2');
    const b2 = f64(weights, 'b2');
    const bias = f64(weights, 'bias');
    const hid = new Float64Array(hidden);
    const out = new Float64Array(outWidth(c));
    this.logW = [];
    this.mu = [];
    this.logStd = [];
    for (let t = 0; t < c.horizon; t++) {
      affine(time, t * e, e, w1, b1, hidden, hid);
      reluInPlace(hid);
      affine(hid, 0, hidden, w2, b2, outWidth(c), out);
      addRow(bias, t, outWidth(c), out);
      const lw = out.slice(0, K);
      logSoftmaxInPlace(lw);
      this.logW.push(lw);
      this.mu.push(out.slice(K, K * (1 + d)));
      this.logStd.push(out.slice(K * (1 + d)).map((x) => Math.min(7, Math.max(-7, x))));
    }
    this.logScale = c.scale.reduce((s, x) => s + Math.log(x), 0);
    this.parameterCount = countParameters(weights);
  }

  logDensity(t: number, x: ArrayLike<number>, off = 0): number {
    const c = this.config;
    const { components: K, dim: d } = c;
    const lw = this.logW[t]!;
    const mu = this.mu[t]!;
    const ls = this.logStd[t]!;
    const comp = new Float64Array(K);
    for (let k = 0; k < K; k++) {
      let q = 0;
      let lsum = 0;
      for (let j = 0; j < d; j++) {
        const z = (x[off + j]! - c.shift[j]!) / c.scale[j]!;
        const u = (z - mu[k * d + j]!) * Math.exp(-ls[k * d + j]!);
        q += u * u;
        lsum += ls[k * d + j]!;
      }
      comp[k] = lw[k]! - 0.5 * q - lsum - 0.5 * d * LOG_2PI;
    }
    return logSumExp(comp, 0, K) - this.logScale;
  }

  sample(t: number, n: number, rng: Rng): Float64Array {
    const c = this.config;
    const d = c.dim;
    const out = new Float64Array(n * d);
    const lw = this.logW[t]!;
    for (let i = 0; i < n; i++) {
      const k = sampleLogProbs(lw, c.components, rng.random());
      for (let j = 0; j < d; j++) {
        const z = this.mu[t]![k * d + j]! + Math.exp(this.logStd[t]![k * d + j]!) * rng.normal();
        out[i * d + j] = c.shift[j]! + c.scale[j]! * z;
      }
    }
    return out;
  }

  mean(t: number): Float64Array {
    const c = this.config;
    const d = c.dim;
    const m = new Float64Array(d);
    for (let k = 0; k < c.components; k++) {
      const w = Math.exp(this.logW[t]![k]!);
      for (let j = 0; j < d; j++) m[j]! += w * this.mu[t]![k * d + j]!;
    }
    for (let j = 0; j < d; j++) m[j] = c.shift[j]! + c.scale[j]! * m[j]!;
    return m;
  }

  memoryBytes(): number {
    const perEpoch = this.config.components * (1 + 2 * this.config.dim) * 8 * this.config.horizon;
    return this.parameterCount * 4 + perEpoch;
  }
}
