import type { ContinuousMeanField } from '../core/continuous-game';
import { MfgError } from '../core/errors';
import type { Rng } from '../core/rng';
import type { ContinuousFlowSamples, ContinuousPopulationFlow } from './population';

/** Default cap on the kernel centres of the KDE (each log-density query costs O(m·d)). */
export const DEFAULT_KDE_POINTS = 2048;

const LOG_2PI = Math.log(2 * Math.PI);

export interface KdeOptions {
  /**
   * At most this many particles serve as kernel centres, taken at an even stride (every k-th
   * particle), so a density query over 10^5 particles stays O(2048·d). Default 2048.
   */
  readonly maxKernelPoints?: number;
}

/**
 * One epoch of a particle population over R^d: n points (row-major, n*d), read as
 * - mean: the sample mean;
 * - samples: resampling the particles (draws from the empirical measure, no smoothing);
 * - logDensity: a Gaussian kernel density estimate with a diagonal bandwidth by Scott's rule,
 *   h_j = sigma_j · m^(-1/(d+4)), sigma_j the sample standard deviation of coordinate j over the
 *   m kernel centres (scipy's gaussian_kde uses the same factor with the full covariance; the
 *   diagonal keeps a query at O(m·d) and needs no Cholesky factor). A coordinate with zero
 *   spread gets sigma_j = 1e-12·(1 + |mean_j|) so the density stays finite.
 */
export class ContinuousParticles implements ContinuousMeanField {
  readonly n: number;
  private meanCache: Float64Array | null = null;
  private kde: { centres: Float64Array; m: number; invH: Float64Array; logNorm: number } | null = null;

  constructor(
    readonly points: Float64Array,
    readonly dim: number,
    private readonly options: KdeOptions = {},
  ) {
    if (!Number.isInteger(dim) || dim < 1 || points.length === 0 || points.length % dim !== 0) {
      throw new MfgError('MFG_ERR_POPULATION_BAD_SAMPLES', `particles: ${points.length} numbers do not make whole points of dimension ${dim}`, {
        details: { length: points.length, dim },
      });
    }
    this.n = points.length / dim;
  }

  mean(): Float64Array {
    if (this.meanCache === null) this.meanCache = columnMeans(this.points, this.n, this.dim);
    return this.meanCache;
  }

  samples(n: number, rng: Rng): Float64Array {
    const d = this.dim;
    const out = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      const j = rng.int(this.n) * d;
      for (let k = 0; k < d; k++) out[i * d + k] = this.points[j + k]!;
    }
    return out;
  }

  /** Scott's-rule bandwidth per coordinate (length d). */
  bandwidth(): Float64Array {
    const kde = this.ensureKde();
    return kde.invH.map((v) => 1 / v);
  }

  logDensity(x: Float64Array): number {
    const { centres, m, invH, logNorm } = this.ensureKde();
    const d = this.dim;
    // One-pass log-sum-exp over the m kernels: the sum is kept relative to the largest exponent
    // seen so far and rescaled when a larger one arrives (no underflow far from the particles).
    let best = -Infinity;
    let sum = 0;
    for (let i = 0; i < m; i++) {
      const e = exponent(x, centres, i * d, invH, d);
      if (e <= best) sum += Math.exp(e - best);
      else {
        sum = sum * Math.exp(best - e) + 1;
        best = e;
      }
    }
    return best + Math.log(sum) + logNorm;
  }

  /** Bytes held: the particles, plus the KDE centres when they are a separate subsample. */
  memoryBytes(): number {
    const kde = this.kde;
    return this.points.byteLength + (kde && kde.centres !== this.points ? kde.centres.byteLength : 0) + (kde ? kde.invH.byteLength : 0);
  }

  private ensureKde(): NonNullable<ContinuousParticles['kde']> {
    if (this.kde !== null) return this.kde;
    const d = this.dim;
    const cap = this.options.maxKernelPoints ?? DEFAULT_KDE_POINTS;
    if (!Number.isInteger(cap) || cap < 1) {
      throw new MfgError('MFG_ERR_POPULATION_BAD_PARAM', `maxKernelPoints must be a positive integer, got ${cap}`);
    }
    let centres = this.points;
    let m = this.n;
    if (m > cap) {
      const stride = m / cap;
      centres = new Float64Array(cap * d);
      for (let i = 0; i < cap; i++) {
        const j = Math.floor(i * stride) * d;
        for (let k = 0; k < d; k++) centres[i * d + k] = this.points[j + k]!;
      }
      m = cap;
    }
    const mu = columnMeans(centres, m, d);
    const factor = Math.pow(m, -1 / (d + 4));
    const invH = new Float64Array(d);
    let logNorm = -Math.log(m) - (d / 2) * LOG_2PI;
    for (let k = 0; k < d; k++) {
      let ss = 0;
      for (let i = 0; i < m; i++) {
        const z = centres[i * d + k]! - mu[k]!;
        ss += z * z;
      }
      const sd = m > 1 ? Math.sqrt(ss / (m - 1)) : 0;
      const h = (sd > 0 ? sd : 1e-12 * (1 + Math.abs(mu[k]!))) * factor;
      invH[k] = 1 / h;
      logNorm -= Math.log(h);
    }
    this.kde = { centres, m, invH, logNorm };
    return this.kde;
  }
}

/** -|(x - c_i) / h|^2 / 2 for the centre at offset o. */
function exponent(x: Float64Array, c: Float64Array, o: number, invH: Float64Array, d: number): number {
  let q = 0;
  for (let k = 0; k < d; k++) {
    const z = (x[k]! - c[o + k]!) * invH[k]!;
    q += z * z;
  }
  return -0.5 * q;
}

function columnMeans(points: Float64Array, n: number, d: number): Float64Array {
  const out = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) out[k]! += points[i * d + k]!;
  for (let k = 0; k < d; k++) out[k]! /= n;
  return out;
}

/**
 * A particle population over R^d for every epoch: the Monte Carlo samples of a continuous
 * game's flow, each epoch read as ContinuousParticles (built on first use and kept).
 */
export class ContinuousParticleFlow implements ContinuousPopulationFlow {
  readonly kind = 'particles' as const;
  readonly horizon: number;
  readonly dim: number;
  private readonly epochs: (ContinuousParticles | null)[];

  constructor(
    readonly samples: ContinuousFlowSamples,
    private readonly options: KdeOptions = {},
  ) {
    this.horizon = samples.horizon;
    this.dim = samples.dim;
    if (samples.points.length !== samples.horizon) {
      throw new MfgError('MFG_ERR_POPULATION_BAD_SAMPLES', `samples cover ${samples.points.length} epochs, expected the horizon ${samples.horizon}`);
    }
    this.epochs = samples.points.map(() => null);
  }

  /** The mean field of epoch t (what the game's reward and step read). */
  at(t: number): ContinuousParticles {
    return (this.epochs[t] ??= new ContinuousParticles(this.samples.points[t]!, this.dim, this.options));
  }

  mean(t: number): Float64Array {
    return this.at(t).mean();
  }

  sample(t: number, n: number, rng: Rng): Float64Array {
    return this.at(t).samples(n, rng);
  }

  logDensity(t: number, x: Float64Array): number {
    return this.at(t).logDensity(x);
  }

  memoryBytes(): number {
    let bytes = 0;
    this.samples.points.forEach((p, t) => {
      const e = this.epochs[t];
      bytes += e ? e.memoryBytes() : p.byteLength;
    });
    return bytes;
  }
}
