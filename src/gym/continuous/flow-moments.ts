import type { ContinuousMeanField } from '../../core/continuous-game';
import { Rng } from '../../core/rng';
import { ContinuousParticles } from '../../populations/continuous-particles';
import { GaussianPopulation } from '../../populations/gaussian-population';
import type { ContinuousPopulationFlow } from '../../populations/population';

/** Samples drawn per epoch to estimate the variance of a flow that only samples (a generator). */
export const MOMENT_SAMPLES = 4096;

/** Per-epoch mean and variance (row t*d + k) of a flow: exact for a Gaussian, of the points for particles, else sampled. */
export function flowMoments(flow: ContinuousPopulationFlow): { mean: Float64Array; variance: Float64Array } {
  const H = flow.horizon;
  const d = flow.dim;
  const mean = new Float64Array(H * d);
  const variance = new Float64Array(H * d);
  for (let t = 0; t < H; t++) {
    if (flow instanceof GaussianPopulation) {
      mean.set(flow.params.mean[t]!, t * d);
      variance.set(flow.params.variance[t]!, t * d);
    } else {
      fieldMoments(flow.at(t), d, t, mean, variance);
    }
  }
  return { mean, variance };
}

/** The moments of one epoch's mean field into row t (the points of particles, else MOMENT_SAMPLES samples seeded by t). */
export function fieldMoments(mf: ContinuousMeanField, d: number, t: number, mean: Float64Array, variance: Float64Array): void {
  let points: Float64Array;
  if (mf instanceof ContinuousParticles) points = mf.points;
  else if (mf.samples) points = mf.samples(MOMENT_SAMPLES, new Rng(t));
  else {
    mean.set(mf.mean(), t * d);
    variance.fill(NaN, t * d, (t + 1) * d);
    return;
  }
  pointMoments(points, d, t, mean, variance);
}

/** Sample mean and unbiased sample variance (n - 1; 0 for one point) of n points of dimension d, into row t. */
export function pointMoments(points: Float64Array, d: number, t: number, mean: Float64Array, variance: Float64Array): void {
  const n = points.length / d;
  for (let k = 0; k < d; k++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += points[i * d + k]!;
    const m = s / n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (points[i * d + k]! - m) ** 2;
    mean[t * d + k] = m;
    variance[t * d + k] = n > 1 ? ss / (n - 1) : 0;
  }
}
