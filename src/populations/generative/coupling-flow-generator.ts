import { MfgError } from '../../core/errors';
import { Rng } from '../../core/rng';
import type { Tf } from './backend';
import { epochMoments, LOG_2PI, type ContinuousDensity, type Standardiser } from './continuous-density';
import { affine, reluInPlace } from './dense';
import type { Examples } from './examples';
import type { TrainableModel, Variables } from './model';
import { countParameters, f64, get, glorot, normalWeight, weight, type NamedWeights } from './weights';

/**
 * A RealNVP-style normalising flow over R^d conditioned on the epoch (Dinh, Sohl-Dickstein,
 * Bengio 2017). Density direction, on standardised points z:
 *   z' = (z - c_t) · exp(-a_t)                          (a free per-epoch affine map)
 *   layer l: the coordinates i with (i + l) even condition the others,
 *            z_B <- (z_B - m_l(z_A, e_t)) · exp(-s_l(z_A, e_t)),  s_l = tanh(.) bounded
 *   u ~ N(0, I),  log mu_t(x) = log N(u) + sum of the -log-scales - sum log scale.
 * Every map inverts in closed form, so sampling runs the layers backwards. With d = 1 there is
 * nothing to couple and the flow is the per-epoch Gaussian.
 */
export interface FlowConfig extends Standardiser {
  readonly kind: 'flow';
  readonly horizon: number;
  readonly dim: number;
  readonly layers: number;
  readonly embedding: number;
  readonly hidden: number;
}

export function flowConfig(horizon: number, dim: number, norm: Standardiser, layers = 4, embedding = 16, hidden = 32): FlowConfig {
  if (!Number.isInteger(layers) || layers < 0) {
    throw new MfgError('MFG_ERR_GENERATIVE_BAD_OPTION', `layers must be a non-negative integer, got ${layers}`);
  }
  return { kind: 'flow', horizon, dim, shift: [...norm.shift], scale: [...norm.scale], layers: dim < 2 ? 0 : layers, embedding, hidden };
}

/** Conditioning (A) and transformed (B) coordinates of layer l. */
function split(dim: number, l: number): { A: number[]; B: number[] } {
  const A: number[] = [];
  const B: number[] = [];
  for (let i = 0; i < dim; i++) ((i + l) % 2 === 0 ? A : B).push(i);
  return { A, B };
}

export class FlowModel implements TrainableModel<FlowConfig> {
  constructor(readonly config: FlowConfig) {}

  init(rng: Rng): NamedWeights {
    const c = this.config;
    const w: NamedWeights = new Map();
    w.set('time', normalWeight([c.horizon, c.embedding], 0.5, rng));
    w.set('shiftT', weight([c.horizon, c.dim]));
    w.set('logScaleT', weight([c.horizon, c.dim]));
    for (let l = 0; l < c.layers; l++) {
      const { A, B } = split(c.dim, l);
      w.set(`w1_${l}`, glorot(A.length + c.embedding, c.hidden, rng));
      w.set(`b1_${l}`, weight([c.hidden]));
      // Zero output layer: each coupling starts as the identity.
      w.set(`w2_${l}`, weight([c.hidden, 2 * B.length]));
      w.set(`b2_${l}`, weight([2 * B.length]));
    }
    return w;
  }

  /** Data-dependent start: the per-epoch affine map standardises each epoch's own moments. */
  initFromData(w: NamedWeights, data: Examples): void {
    const c = this.config;
    const m = epochMoments(c, data);
    const shiftT = get(w, 'shiftT').data;
    const logScaleT = get(w, 'logScaleT').data;
    for (let i = 0; i < c.horizon * c.dim; i++) {
      shiftT[i] = m.mean[i]!;
      logScaleT[i] = Math.log(m.sd[i]!);
    }
  }

  loss(tf: Tf, v: Variables, batch: Examples): import('@tensorflow/tfjs').Scalar {
    const c = this.config;
    const d = c.dim;
    const z0 = new Float32Array(batch.count * d);
    for (let i = 0; i < batch.count; i++) for (let k = 0; k < d; k++) z0[i * d + k] = (batch.x![i * d + k]! - c.shift[k]!) / c.scale[k]!;
    const logScale = c.scale.reduce((s, x) => s + Math.log(x), 0);
    return tf.tidy(() => {
      const T = tf.oneHot(tf.tensor1d(batch.t, 'int32'), c.horizon).toFloat();
      const e = tf.matMul(T, v.get('time')!);
      const a = tf.matMul(T, v.get('logScaleT')!);
      let z = tf.mul(tf.sub(tf.tensor2d(z0, [batch.count, d]), tf.matMul(T, v.get('shiftT')!)), tf.exp(tf.neg(a)));
      let logDet = tf.neg(tf.sum(a, 1));
      for (let l = 0; l < c.layers; l++) {
        const { A, B } = split(d, l);
        // Column selection by constant 0/1 matrices (differentiable without gather).
        const PA = selector(tf, d, A);
        const PB = selector(tf, d, B);
        const zA = tf.matMul(z, PA);
        const zB = tf.matMul(z, PB);
        const hid = tf.relu(tf.add(tf.matMul(tf.concat([zA, e], 1), v.get(`w1_${l}`)!), v.get(`b1_${l}`)!));
        const out = tf.add(tf.matMul(hid, v.get(`w2_${l}`)!), v.get(`b2_${l}`)!);
        const s = tf.tanh(tf.slice(out, [0, 0], [-1, B.length]));
        const m = tf.slice(out, [0, B.length], [-1, B.length]);
        const zB2 = tf.mul(tf.sub(zB, m), tf.exp(tf.neg(s)));
        z = tf.add(tf.matMul(zA, tf.transpose(PA)), tf.matMul(zB2, tf.transpose(PB)));
        logDet = tf.sub(logDet, tf.sum(s, 1));
      }
      const ll = tf.add(tf.sub(tf.mul(-0.5, tf.sum(tf.square(z), 1)), 0.5 * d * LOG_2PI), logDet);
      return tf.add(tf.neg(tf.mean(ll)), logScale) as import('@tensorflow/tfjs').Scalar;
    });
  }
}

function selector(tf: Tf, d: number, cols: number[]): import('@tensorflow/tfjs').Tensor2D {
  const m = new Float32Array(d * cols.length);
  cols.forEach((c, j) => (m[c * cols.length + j] = 1));
  return tf.tensor2d(m, [d, cols.length]);
}

/** The fitted flow in plain JavaScript: density by the forward map, samples by the inverse. */
export class FlowDensity implements ContinuousDensity {
  private readonly time: Float64Array;
  private readonly shiftT: Float64Array;
  private readonly logScaleT: Float64Array;
  private readonly w1: Float64Array[] = [];
  private readonly b1: Float64Array[] = [];
  private readonly w2: Float64Array[] = [];
  private readonly b2: Float64Array[] = [];
  private readonly splits: { A: number[]; B: number[] }[] = [];
  private readonly logScale: number;
  private readonly input: Float64Array;
  private readonly hid: Float64Array;
  private readonly out: Float64Array;
  private readonly means = new Map<number, Float64Array>();
  readonly parameterCount: number;

  constructor(
    readonly config: FlowConfig,
    readonly weights: NamedWeights,
  ) {
    const c = config;
    this.time = f64(weights, 'time');
    this.shiftT = f64(weights, 'shiftT');
    this.logScaleT = f64(weights, 'logScaleT');
    for (let l = 0; l < c.layers; l++) {
      this.w1.push(f64(weights, `w1_${l}`));
      this.b1.push(f64(weights, `b1_${l}`));
      this.w2.push(f64(weights, `w2_${l}`));
      this.b2.push(f64(weights, `b2_${l}`));
      this.splits.push(split(c.dim, l));
    }
    this.logScale = c.scale.reduce((s, x) => s + Math.log(x), 0);
    this.input = new Float64Array(c.dim + c.embedding);
    this.hid = new Float64Array(c.hidden);
    this.out = new Float64Array(2 * c.dim);
    this.parameterCount = countParameters(weights);
  }

  /** s and m of layer l at the conditioning coordinates of z (into this.out: s then m). */
  private coupling(l: number, t: number, z: Float64Array): { s: Float64Array; m: Float64Array; nb: number } {
    const c = this.config;
    const { A, B } = this.splits[l]!;
    A.forEach((i, j) => (this.input[j] = z[i]!));
    this.input.set(this.time.subarray(t * c.embedding, (t + 1) * c.embedding), A.length);
    affine(this.input, 0, A.length + c.embedding, this.w1[l]!, this.b1[l]!, c.hidden, this.hid);
    reluInPlace(this.hid);
    affine(this.hid, 0, c.hidden, this.w2[l]!, this.b2[l]!, 2 * B.length, this.out);
    const s = this.out.subarray(0, B.length).map(Math.tanh);
    return { s, m: this.out.subarray(B.length, 2 * B.length), nb: B.length };
  }

  logDensity(t: number, x: ArrayLike<number>, off = 0): number {
    const c = this.config;
    const d = c.dim;
    const z = new Float64Array(d);
    let logDet = 0;
    for (let k = 0; k < d; k++) {
      const a = this.logScaleT[t * d + k]!;
      z[k] = ((x[off + k]! - c.shift[k]!) / c.scale[k]! - this.shiftT[t * d + k]!) * Math.exp(-a);
      logDet -= a;
    }
    for (let l = 0; l < c.layers; l++) {
      const { s, m } = this.coupling(l, t, z);
      this.splits[l]!.B.forEach((i, j) => {
        z[i] = (z[i]! - m[j]!) * Math.exp(-s[j]!);
        logDet -= s[j]!;
      });
    }
    let q = 0;
    for (let k = 0; k < d; k++) q += z[k]! * z[k]!;
    return -0.5 * q - 0.5 * d * LOG_2PI + logDet - this.logScale;
  }

  sample(t: number, n: number, rng: Rng): Float64Array {
    const c = this.config;
    const d = c.dim;
    const out = new Float64Array(n * d);
    const z = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < d; k++) z[k] = rng.normal();
      for (let l = c.layers - 1; l >= 0; l--) {
        // The conditioning coordinates are unchanged by layer l, so s and m are recomputed exactly.
        const { s, m } = this.coupling(l, t, z);
        this.splits[l]!.B.forEach((k, j) => (z[k] = z[k]! * Math.exp(s[j]!) + m[j]!));
      }
      for (let k = 0; k < d; k++) {
        const zk = z[k]! * Math.exp(this.logScaleT[t * d + k]!) + this.shiftT[t * d + k]!;
        out[i * d + k] = c.shift[k]! + c.scale[k]! * zk;
      }
    }
    return out;
  }

  /** Monte Carlo mean from a fixed-seed sample of 4096 points (the flow has no closed-form mean). */
  mean(t: number): Float64Array {
    let m = this.means.get(t);
    if (!m) {
      const d = this.config.dim;
      const n = 4096;
      const xs = this.sample(t, n, new Rng(0x5eed + t));
      m = new Float64Array(d);
      for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) m[k]! += xs[i * d + k]! / n;
      this.means.set(t, m);
    }
    return m;
  }

  memoryBytes(): number {
    return this.parameterCount * (4 + 8) + this.means.size * this.config.dim * 8;
  }
}
