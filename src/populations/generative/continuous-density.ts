import type { Rng } from '../../core/rng';
import type { Examples } from './examples';
import type { NamedWeights } from './weights';

/** Data normalisation stored with a continuous generator: z = (x - shift) / scale per coordinate. */
export interface Standardiser {
  readonly shift: readonly number[];
  readonly scale: readonly number[];
}

/** Per-coordinate mean and standard deviation of the training points (scale floored at 1e-6). */
export function standardiser(points: readonly Float64Array[], dim: number): Standardiser {
  const shift = new Array<number>(dim).fill(0);
  const sq = new Array<number>(dim).fill(0);
  let n = 0;
  for (const p of points) {
    for (let i = 0; i < p.length; i += dim) {
      for (let k = 0; k < dim; k++) shift[k]! += p[i + k]!;
      n++;
    }
  }
  for (let k = 0; k < dim; k++) shift[k]! /= Math.max(n, 1);
  for (const p of points) for (let i = 0; i < p.length; i += dim) for (let k = 0; k < dim; k++) sq[k]! += (p[i + k]! - shift[k]!) ** 2;
  const scale = sq.map((s) => Math.max(Math.sqrt(s / Math.max(n - 1, 1)), 1e-6));
  return { shift, scale };
}

/** A fitted continuous generator, evaluated in plain JavaScript. */
export interface ContinuousDensity {
  readonly config: { readonly kind: 'mdn' | 'flow'; readonly horizon: number; readonly dim: number };
  readonly weights: NamedWeights;
  readonly parameterCount: number;
  /** log mu_t(x) for the point x[off .. off+d). */
  logDensity(t: number, x: ArrayLike<number>, off?: number): number;
  /** n points of mu_t, row-major n×d. */
  sample(t: number, n: number, rng: Rng): Float64Array;
  /** Mean of mu_t. */
  mean(t: number): Float64Array;
  memoryBytes(): number;
}

export const LOG_2PI = Math.log(2 * Math.PI);

/** Per-epoch mean and standard deviation (H×d) of the standardised training points. */
export function epochMoments(c: Standardiser & { horizon: number; dim: number }, data: Examples): { mean: Float64Array; sd: Float64Array } {
  const { horizon: H, dim: d } = c;
  const n = new Float64Array(H);
  const mean = new Float64Array(H * d);
  const sq = new Float64Array(H * d);
  for (let i = 0; i < data.count; i++) {
    const t = data.t[i]!;
    n[t]!++;
    for (let k = 0; k < d; k++) {
      const z = (data.x![i * d + k]! - c.shift[k]!) / c.scale[k]!;
      mean[t * d + k]! += z;
      sq[t * d + k]! += z * z;
    }
  }
  const sd = new Float64Array(H * d);
  for (let t = 0; t < H; t++) {
    for (let k = 0; k < d; k++) {
      const m = mean[t * d + k]! / Math.max(n[t]!, 1);
      mean[t * d + k] = m;
      sd[t * d + k] = Math.max(Math.sqrt(Math.max(sq[t * d + k]! / Math.max(n[t]!, 1) - m * m, 0)), 1e-3);
    }
  }
  return { mean, sd };
}
