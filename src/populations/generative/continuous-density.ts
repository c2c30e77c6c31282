import type { Rng } from '../../core/rng';
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
