import type { Rng } from '../../core/rng';
import { sampleFromCdf } from '../state-mass';
import type { CategoricalDensity } from './categorical-generator';
import { gaussianBlur } from './grid-blur';

/**
 * The kernel density-ratio correction of a fitted flow on a grid: per epoch t,
 *   mu~_t(s) = mu_t(s) · r_t(s)^beta / Z_t,   r_t = ((K_sigma * h_t) + eps) / ((K_sigma * mu_t) + eps),
 * where h_t is the histogram of the held-out Monte Carlo agents, mu_t the generator's state
 * marginal and K_sigma a Gaussian blur on the grid. log r_t is a discriminator's logit: the
 * Nadaraya–Watson classifier between Monte Carlo agents and the generator (whose class is its
 * exact mass, not samples of it). The multiplicative form keeps the generator's fine structure
 * and lets the held-out agents move its mass at the kernel's scale (Hjort & Glad 1995, a
 * parametric start corrected nonparametrically).
 *
 * Why a kernel and not the C2ST's MLP (tempered-correction.ts): the MLP's per-coordinate rows
 * learn each row of cells on its own, so at 16k–262k cells its logit is mostly noise, and the
 * held-out likelihood keeps its beta near 0 (gains of 0.01–1.4 % in TV). The kernel pools
 * neighbouring cells, which is where the signal of a few thousand agents per epoch lies.
 *
 * Z_t is an exact sum over the grid, so corrected masses sum to 1 to rounding on any grid, and
 * samples come exactly from mu~_t (its cdf). Nothing of size H·S is kept: an epoch's shift
 * log r^beta − log Z is computed from one whole-grid query of the generator when first asked for,
 * and at most CACHE_BYTES of epochs are kept.
 */
export class KernelRatioCorrection {
  private readonly cache = new Map<number, { shift: Float64Array; cdf: Float64Array | null }>();
  private readonly maxEpochs: number;
  private readonly scratch: Float64Array;

  constructor(
    readonly generator: CategoricalDensity,
    /** The state grid's shape (states row-major, the last axis fastest). */
    readonly shape: readonly number[],
    /** Held-out Monte Carlo joint cells s*A + a per epoch (never trained on). */
    readonly heldOut: readonly Int32Array[],
    readonly sigma: number,
    readonly scale: number,
  ) {
    const S = generator.config.numStates;
    this.maxEpochs = Math.max(2, Math.floor(CACHE_BYTES / (16 * S)));
    this.scratch = new Float64Array(generator.config.numActions);
  }

  /** log mu~_t(s). */
  logStateMass(t: number, s: number): number {
    return this.generator.logStateMass(t, s) + this.epoch(t).shift[s]!;
  }

  /** log mu~_t of every state (equal to logStateMass entry by entry, bit for bit). */
  logStateMassAll(t: number, out = new Float64Array(this.generator.config.numStates)): Float64Array {
    this.generator.logStateMassAll(t, out);
    const shift = this.epoch(t).shift;
    for (let s = 0; s < out.length; s++) out[s]! += shift[s]!;
    return out;
  }

  /** log L~_t(s, a): the generator's action given the state is kept, the state's mass corrected. */
  logCellMass(t: number, cell: number): number {
    return this.generator.logCellMass(t, cell) + this.epoch(t).shift[Math.floor(cell / this.generator.config.numActions)]!;
  }

  /** n joint cells of L~_t: the state from mu~_t's cdf, then the action from the generator given it. */
  sampleCells(t: number, n: number, rng: Rng): Int32Array {
    const e = this.epoch(t);
    if (!e.cdf) {
      const logs = this.logStateMassAll(t);
      e.cdf = logs;
      let acc = 0;
      for (let s = 0; s < logs.length; s++) e.cdf[s] = acc += Math.exp(logs[s]!);
    }
    const states = sampleFromCdf(e.cdf, n, rng);
    const A = this.generator.config.numActions;
    const w = this.scratch;
    for (let i = 0; i < n; i++) {
      const s = states[i]!;
      let max = -Infinity;
      for (let a = 0; a < A; a++) max = Math.max(max, (w[a] = this.generator.logCellMass(t, s * A + a)));
      let z = 0;
      for (let a = 0; a < A; a++) z += w[a] = Math.exp(w[a]! - max);
      let u = rng.random() * z;
      let a = 0;
      while (a < A - 1 && (u -= w[a]!) >= 0) a++;
      states[i] = s * A + a;
    }
    return states;
  }

  memoryBytes(): number {
    let n = 0;
    for (const e of this.cache.values()) n += e.shift.byteLength + (e.cdf ? e.cdf.byteLength : 0);
    return n;
  }

  private epoch(t: number): { shift: Float64Array; cdf: Float64Array | null } {
    let e = this.cache.get(t);
    if (!e) {
      const mu = stateMasses(this.generator, t);
      const h = stateHistogram(this.heldOut[t]!, this.generator.config.numActions, mu.length, 0, this.heldOut[t]!.length);
      const shift = logKernelRatio(mu, h, this.shape, this.sigma);
      const logZ = logTiltedNormaliser(mu, shift, this.scale);
      for (let s = 0; s < shift.length; s++) shift[s] = this.scale * shift[s]! - logZ;
      e = { shift, cdf: null };
      if (this.cache.size >= this.maxEpochs) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(t, e);
    }
    return e;
  }
}

/** What the held-out likelihood chose for one population's kernel correction. */
export interface KernelRatioChoice {
  readonly population: number;
  /** Kernel width in cells. */
  readonly sigma: number;
  /** beta (0: no correction: no width and strength scored better than the generator). */
  readonly scale: number;
  /** Mean change of the held-out NLL (nats per agent, <= 0) on the scoring halves, at the chosen sigma and beta. */
  readonly heldOutNllChange: number;
  /** Its standard error over the scored agents (of the best pair, chosen or not). */
  readonly standardError: number;
}

/** Kernel widths (cells; 0: the held-out histogram itself) and strengths the held-out likelihood chooses among. */
export const KERNEL_SIGMAS: readonly number[] = [0, 0.5, 0.75, 1, 1.5, 2, 3, 4];
export const KERNEL_SCALES: readonly number[] = [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1];
/** The blurred masses' floor, FLOOR / S per state, keeps the ratio finite where no agent was seen. */
const FLOOR = 0.1;
/** How many standard errors below 0 the held-out NLL change must be for the correction to be used. */
const SIGNIFICANCE = 2;
/** Most bytes of epoch shifts (and cdfs) a correction keeps. */
const CACHE_BYTES = 256 * 2 ** 20;

/**
 * Chooses sigma and beta by held-out likelihood, two-fold: per epoch the ratio is built from one
 * half of the held-out agents and scored on the other, both ways, where the change in mean NLL
 * of mu~ against mu is -beta·mean_B log r + log Z(beta), exact (Z sums over the grid). The pair
 * with the lowest mean change per scored agent wins, and only if it is below 0 by more than
 * SIGNIFICANCE standard errors (on a generator the data cannot tell apart the best of 64 pairs
 * is still a little below 0 by chance); otherwise beta = 0. The returned
 * correction is then built from all held-out agents (twice the data the choice saw, so the
 * choice errs on the cautious side).
 */
export function chooseKernelCorrection(
  population: number,
  generator: CategoricalDensity,
  shape: readonly number[],
  heldOut: readonly Int32Array[],
  sigmas: readonly number[] = KERNEL_SIGMAS,
  scales: readonly number[] = KERNEL_SCALES,
): KernelRatioChoice {
  const A = generator.config.numActions;
  // Per (sigma, beta): the sum and the sum of squares of the per-agent NLL changes delta = -beta·d(x) + log Z.
  const sum = new Float64Array(sigmas.length * scales.length);
  const sumSq = new Float64Array(sigmas.length * scales.length);
  let scored = 0;
  for (let t = 0; t < heldOut.length; t++) {
    const cells = heldOut[t]!;
    const half = cells.length >> 1;
    if (half === 0) continue;
    const mu = stateMasses(generator, t);
    // Two folds: the ratio from each half scores the other (one fold's choice is noisy at a few thousand agents).
    const folds = [
      { h: stateHistogram(cells, A, mu.length, 0, half), lo: half, hi: cells.length },
      { h: stateHistogram(cells, A, mu.length, half, cells.length), lo: 0, hi: half },
    ];
    sigmas.forEach((sigma, i) => {
      const logKmu = logBlurred(mu, shape, sigma);
      for (const { h, lo, hi } of folds) {
        const d = logBlurred(h, shape, sigma);
        for (let s = 0; s < d.length; s++) d[s]! -= logKmu[s]!;
        const n = hi - lo;
        if (i === 0) scored += n;
        let sd = 0;
        let sd2 = 0;
        for (let j = lo; j < hi; j++) {
          const v = d[Math.floor(cells[j]! / A)]!;
          sd += v;
          sd2 += v * v;
        }
        logTiltedNormalisers(mu, d, scales).forEach((logZ, k) => {
          const beta = scales[k]!;
          sum[i * scales.length + k]! += -beta * sd + n * logZ;
          sumSq[i * scales.length + k]! += beta * beta * sd2 - 2 * beta * logZ * sd + n * logZ * logZ;
        });
      }
    });
  }
  let best = -1;
  for (let i = 0; i < sum.length; i++) if (best < 0 || sum[i]! < sum[best]!) best = i;
  const change = scored > 0 ? sum[best]! / scored : 0;
  const se = scored > 1 ? Math.sqrt(Math.max(0, sumSq[best]! / scored - change * change) / scored) : Infinity;
  // The correction must help by more than SIGNIFICANCE standard errors of the held-out change, else it is noise.
  if (!(change + SIGNIFICANCE * se < 0)) return { population, sigma: 0, scale: 0, heldOutNllChange: 0, standardError: se };
  return { population, sigma: sigmas[Math.floor(best / scales.length)]!, scale: scales[best % scales.length]!, heldOutNllChange: change, standardError: se };
}

/** mu_t(s) of every state, from one whole-grid query. */
function stateMasses(generator: CategoricalDensity, t: number): Float64Array {
  const mu = generator.logStateMassAll(t);
  for (let s = 0; s < mu.length; s++) mu[s] = Math.exp(mu[s]!);
  return mu;
}

/** The share of cells[lo, hi) in each state. */
function stateHistogram(cells: Int32Array, numActions: number, numStates: number, lo: number, hi: number): Float64Array {
  const h = new Float64Array(numStates);
  const w = 1 / (hi - lo);
  for (let i = lo; i < hi; i++) h[Math.floor(cells[i]! / numActions)]! += w;
  return h;
}

/** log r(s) = log((K h)(s) + eps) - log((K mu)(s) + eps), eps = FLOOR / S. */
function logKernelRatio(mu: Float64Array, h: Float64Array, shape: readonly number[], sigma: number): Float64Array {
  const d = logBlurred(h, shape, sigma);
  const logKmu = logBlurred(mu, shape, sigma);
  for (let s = 0; s < d.length; s++) d[s]! -= logKmu[s]!;
  return d;
}

/** log((K_sigma v)(s) + eps), eps = FLOOR / S: one side of the log ratio. */
function logBlurred(v: Float64Array, shape: readonly number[], sigma: number): Float64Array {
  const k = gaussianBlur(v, shape, sigma);
  const eps = FLOOR / v.length;
  for (let s = 0; s < k.length; s++) k[s] = Math.log(k[s]! + eps);
  return k;
}

/** log sum_s mu(s) exp(beta d(s)), shifted by its largest term. */
function logTiltedNormaliser(mu: Float64Array, d: Float64Array, beta: number): number {
  return logTiltedNormalisers(mu, d, [beta])[0]!;
}

/**
 * log sum_s mu(s) exp(beta d(s)) for every beta > 0 of `betas`, each shifted by its largest
 * exponent beta·max d. When every beta is a whole multiple k·step of the smallest (the default
 * grid: 0.05·{1, 2, 4, …, 20}), one exp per state serves them all: exp(beta (d - max d)) =
 * q^k with q = exp(step (d - max d)), by repeated multiplication (relative error k ulp), which
 * on 262k cells, 2 folds, 8 widths and 9 strengths per epoch is 9 times fewer exps.
 */
function logTiltedNormalisers(mu: Float64Array, d: Float64Array, betas: readonly number[]): number[] {
  let dMax = -Infinity;
  for (let s = 0; s < mu.length; s++) if (mu[s]! > 0) dMax = Math.max(dMax, d[s]!);
  const step = Math.min(...betas);
  const multiples = betas.map((b) => Math.round(b / step));
  const whole = step > 0 && betas.every((b, k) => Math.abs(b - multiples[k]! * step) <= 1e-12 * b) && Math.max(...multiples) <= 64;
  const z = new Float64Array(betas.length);
  if (whole) {
    const kMax = Math.max(...multiples);
    const slot = new Int32Array(kMax + 1).fill(-1);
    multiples.forEach((k, i) => (slot[k] = i));
    for (let s = 0; s < mu.length; s++) {
      const m = mu[s]!;
      if (!(m > 0)) continue;
      const q = Math.exp(step * (d[s]! - dMax));
      let p = 1;
      for (let k = 1; k <= kMax; k++) {
        p *= q;
        const i = slot[k]!;
        if (i >= 0) z[i]! += m * p;
      }
    }
  } else {
    for (let s = 0; s < mu.length; s++) {
      const m = mu[s]!;
      if (m > 0) for (let i = 0; i < betas.length; i++) z[i]! += m * Math.exp(betas[i]! * (d[s]! - dMax));
    }
  }
  return betas.map((b, i) => b * dMax + Math.log(z[i]!));
}
