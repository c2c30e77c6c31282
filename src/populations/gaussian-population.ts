import type { ContinuousMeanField, GaussianFlowParams } from '../core/continuous-game';
import { MfgError } from '../core/errors';
import type { Rng } from '../core/rng';
import type { ContinuousPopulationFlow } from './population';

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * The exact population of a continuous game whose flow is Gaussian with diagonal covariance
 * (LQ under its closed-form control, CrowdAversionND under the passive policy): 2·d numbers an
 * epoch, exact mean, exact log-density, exact samples. The continuous counterpart of
 * ExactPopulation, and the reference the particles and the generator are measured against.
 */
export class GaussianPopulation implements ContinuousPopulationFlow {
  readonly kind = 'exact' as const;
  readonly horizon: number;
  readonly dim: number;
  private readonly epochs: ContinuousMeanField[];

  constructor(readonly params: GaussianFlowParams) {
    this.horizon = params.mean.length;
    this.dim = params.mean[0]?.length ?? 0;
    if (this.horizon === 0 || params.variance.length !== this.horizon || params.mean.some((m, t) => m.length !== this.dim || params.variance[t]!.length !== this.dim)) {
      throw new MfgError('MFG_ERR_POPULATION_BAD_SAMPLES', 'a Gaussian flow needs one mean and one variance vector of the same length per epoch');
    }
    this.epochs = params.mean.map((m, t) => gaussianField(m, params.variance[t]!));
  }

  at(t: number): ContinuousMeanField {
    return this.epochs[t]!;
  }

  memoryBytes(): number {
    let bytes = 0;
    for (let t = 0; t < this.horizon; t++) bytes += this.params.mean[t]!.byteLength + this.params.variance[t]!.byteLength;
    return bytes;
  }
}

/** N(mean, diag(variance)) as a ContinuousMeanField. */
export function gaussianField(mean: Float64Array, variance: Float64Array): ContinuousMeanField {
  const d = mean.length;
  const sd = variance.map(Math.sqrt);
  let logNorm = -(d / 2) * LOG_2PI;
  for (let k = 0; k < d; k++) logNorm -= 0.5 * Math.log(variance[k]!);
  return {
    mean: () => mean,
    logDensity: (x) => {
      let q = 0;
      for (let k = 0; k < d; k++) q += (x[k]! - mean[k]!) ** 2 / variance[k]!;
      return logNorm - q / 2;
    },
    samples: (n: number, rng: Rng) => {
      const out = new Float64Array(n * d);
      for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) out[i * d + k] = mean[k]! + sd[k]! * rng.normal();
      return out;
    },
  };
}

/** W2 between N(m1, diag v1) and N(m2, diag v2): sqrt(|m1 - m2|² + |sqrt v1 - sqrt v2|²) (exact). */
export function gaussianW2(m1: ArrayLike<number>, v1: ArrayLike<number>, m2: ArrayLike<number>, v2: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < m1.length; k++) s += (m1[k]! - m2[k]!) ** 2 + (Math.sqrt(v1[k]!) - Math.sqrt(v2[k]!)) ** 2;
  return Math.sqrt(s);
}

/**
 * Wasserstein-2 distance between the samples (n rows of d) and N(mean, diag variance), by axis:
 * in one dimension the optimal coupling is monotone, so W2² ≈ (1/n) sum_i (x_(i) - q_i)² with
 * x_(i) the sorted samples and q_i the Gaussian quantile at (i + 1/2)/n (the n-point quantile
 * discretisation of the Gaussian stands in for it; the tests check the distance of n exact
 * Gaussian samples stays at the Monte Carlo noise level). For d > 1 it returns sqrt(sum over axes of the marginal W2²),
 * a lower bound on the joint W2 that is exact for a product of marginals.
 */
export function w2ToGaussian(points: Float64Array, dim: number, mean: ArrayLike<number>, variance: ArrayLike<number>): number {
  const n = points.length / dim;
  const axis = new Float64Array(n);
  const q = new Float64Array(n);
  for (let i = 0; i < n; i++) q[i] = inverseNormalCdf((i + 0.5) / n);
  let total = 0;
  for (let k = 0; k < dim; k++) {
    for (let i = 0; i < n; i++) axis[i] = points[i * dim + k]!;
    axis.sort();
    const sd = Math.sqrt(variance[k]!);
    let s = 0;
    for (let i = 0; i < n; i++) s += (axis[i]! - mean[k]! - sd * q[i]!) ** 2;
    total += s / n;
  }
  return Math.sqrt(total);
}

// Acklam's rational approximation of the standard normal quantile (relative error < 1.2e-9).
const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;

/** Phi^{-1}(p) for p in (0, 1) (Acklam 2003). */
export function inverseNormalCdf(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((C[0]! * q + C[1]!) * q + C[2]!) * q + C[3]!) * q + C[4]!) * q + C[5]!) / ((((D[0]! * q + D[1]!) * q + D[2]!) * q + D[3]!) * q + 1);
  }
  if (p > 1 - P_LOW) return -inverseNormalCdf(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((A[0]! * r + A[1]!) * r + A[2]!) * r + A[3]!) * r + A[4]!) * r + A[5]!) * q) / (((((B[0]! * r + B[1]!) * r + B[2]!) * r + B[3]!) * r + B[4]!) * r + 1);
}
