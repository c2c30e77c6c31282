import type { ContinuousMeanField } from '../../core/continuous-game';
import { MfgError } from '../../core/errors';
import type { MeanFieldAt, MeanFieldQuery } from '../../core/finite-game';
import { Rng } from '../../core/rng';
import type { ContinuousPopulationFlow, FinitePopulationFlow } from '../population';
import type { CategoricalDensity } from './categorical-generator';
import type { ContinuousDensity } from './continuous-density';
import { logSumExp } from './dense';
import { sampleFromCdf } from '../state-mass';
import type { DiscriminatorLogit } from './discriminator';
import type { KernelRatioCorrection } from './kernel-ratio-correction';

/** Generator samples of the unbiased Monte Carlo normaliser (and moments) of a corrected density. */
const CORRECTION_SAMPLES = 16384;
/** Sampling-importance-resampling draws this many generator samples per corrected sample. */
const SIR_FACTOR = 8;
/** Spaces up to this many joint cells normalise the correction exactly, larger ones by Monte Carlo. */
const EXACT_NORMALISER_CELLS = 1 << 16;

/**
 * A finite game's flow represented by fitted generators, one per population (DESIGN §3,
 * GD-MFRL). Queries run the generator per state (batched via logStateMassBatch), so a 512x512
 * grid never builds an |S| table; only softmax generators over small spaces expose a table.
 *
 * With `corrected` on (and a discriminator attached), log mu is corrected by the
 * discriminator's logit, an estimate of log(p_MC / p_gen):
 *   L~_t(s, a) = L_t(s, a) · exp(D(s, a, t)) / Z_t,  Z_t = E_{L_t}[exp D],
 * applied consistently: log-masses, the mean-field table, and samples. On spaces up to
 * EXACT_NORMALISER_CELLS joint cells Z_t is an exact sum and samples come exactly from the
 * corrected table; larger spaces use the unbiased fixed-seed Monte Carlo estimate
 * Z^ = mean_i exp D(x_i), x_i ~ L_t (its relative standard error is `normaliserError`), and
 * sampling-importance-resampling (SIR_FACTOR generator draws per sample, weights exp D).
 * A population with a kernel density-ratio correction (kernel-ratio-correction.ts) uses that
 * one instead when corrected: its normaliser is exact on every grid.
 */
export class GenerativeFinitePopulation implements FinitePopulationFlow {
  readonly kind = 'generative' as const;
  /** The fit that produced this population (report, timings), when it came from fitGenerativePopulation via makePopulation. */
  lastFit: { readonly report: unknown; readonly fitSeconds: number; readonly memoryBytes: number; readonly backend: string } | null = null;
  private correctedOn = false;
  private readonly logZ = new Map<number, number>();
  private readonly logZError = new Map<number, number>();
  private readonly cdfs = new Map<number, Float64Array>();
  private readonly tables = new Map<number, MeanFieldAt>();

  constructor(
    readonly horizon: number,
    readonly generators: readonly CategoricalDensity[],
    private readonly discriminators: readonly (DiscriminatorLogit | null)[] = [],
    private readonly kernelCorrections: readonly (KernelRatioCorrection | null)[] = [],
  ) {}

  /** Population p's kernel correction when the population is corrected and has one. */
  private kernel(p: number): KernelRatioCorrection | null {
    return this.correctedOn ? (this.kernelCorrections[p] ?? null) : null;
  }

  /** Whether log-masses include the discriminator correction. */
  get corrected(): boolean {
    return this.correctedOn;
  }

  set corrected(on: boolean) {
    if (on && !this.discriminators.some((d) => d) && !this.kernelCorrections.some((k) => k)) {
      throw new MfgError('MFG_ERR_GENERATIVE_BAD_OPTION', 'no discriminator is attached to this population, so it cannot be corrected');
    }
    this.correctedOn = on;
    this.tables.clear();
  }

  /**
   * Relative standard error of the corrected normaliser Z_t of population p: 0 when it is an
   * exact sum (enumerable space), else sd(exp D)/(mean(exp D)·sqrt(M)) of its Monte Carlo estimate;
   * corrected masses then sum to 1 within about this share.
   */
  normaliserError(p: number, t: number): number {
    if (this.kernel(p)) return 0;
    this.normaliser(p, t);
    return this.logZError.get(p * this.horizon + t)!;
  }

  logStateMass(p: number, t: number, s: number): number {
    const k = this.kernel(p);
    if (k) return k.logStateMass(t, s);
    const g = this.generators[p]!;
    const d = this.discriminators[p];
    if (!this.correctedOn || !d) return g.logStateMass(t, s);
    const A = g.config.numActions;
    const terms = new Float64Array(A);
    for (let a = 0; a < A; a++) terms[a] = g.logCellMass(t, s * A + a) + d.cellLogit(t, s * A + a);
    return logSumExp(terms, 0, A) - this.normaliser(p, t);
  }

  stateMass(p: number, t: number, s: number): number {
    return Math.exp(this.logStateMass(p, t, s));
  }

  /** log mu_t(s) for many states of population p (the batched query). */
  logStateMassBatch(p: number, t: number, states: Int32Array, out = new Float64Array(states.length)): Float64Array {
    if (!this.correctedOn) return this.generators[p]!.logStateMassBatch(t, states, out);
    for (let i = 0; i < states.length; i++) out[i] = this.logStateMass(p, t, states[i]!);
    return out;
  }

  /** log mu_t(s) of every state of population p, in order (the streaming solvers' per-epoch query). */
  logStateMassAll(p: number, t: number, out = new Float64Array(this.generators[p]!.config.numStates)): Float64Array {
    if (!this.correctedOn) return this.generators[p]!.logStateMassAll(t, out);
    const k = this.kernel(p);
    if (k) return k.logStateMassAll(t, out);
    for (let s = 0; s < out.length; s++) out[s] = this.logStateMass(p, t, s);
    return out;
  }

  /** log L_t(s, a) (corrected when switched on). */
  logCellMass(p: number, t: number, cell: number): number {
    const k = this.kernel(p);
    if (k) return k.logCellMass(t, cell);
    const g = this.generators[p]!;
    const d = this.discriminators[p];
    const base = g.logCellMass(t, cell);
    return this.correctedOn && d ? base + d.cellLogit(t, cell) - this.normaliser(p, t) : base;
  }

  private normaliser(p: number, t: number): number {
    const key = p * this.horizon + t;
    let z = this.logZ.get(key);
    if (z === undefined) {
      const g = this.generators[p]!;
      const d = this.discriminators[p]!;
      const cells = g.config.numStates * g.config.numActions;
      if (cells <= EXACT_NORMALISER_CELLS) {
        const terms = new Float64Array(cells);
        for (let c = 0; c < cells; c++) terms[c] = g.logCellMass(t, c) + d.cellLogit(t, c);
        z = logSumExp(terms, 0, cells);
        this.logZError.set(key, 0);
      } else {
        const xs = g.sampleCells(t, CORRECTION_SAMPLES, new Rng(0xc0 + key));
        const terms = new Float64Array(xs.length);
        for (let i = 0; i < xs.length; i++) terms[i] = d.cellLogit(t, xs[i]!);
        z = logSumExp(terms, 0, xs.length) - Math.log(xs.length);
        this.logZError.set(key, relativeError(terms, z));
      }
      this.logZ.set(key, z);
    }
    return z;
  }

  sampleStates(p: number, t: number, n: number, rng: Rng): Int32Array {
    const g = this.generators[p]!;
    const cells = this.sampleCells(p, t, n, rng);
    const A = g.config.numActions;
    for (let i = 0; i < n; i++) cells[i] = Math.floor(cells[i]! / A);
    return cells;
  }

  /** n joint cells s*A + a of population p at epoch t (from the corrected density when switched on). */
  sampleCells(p: number, t: number, n: number, rng: Rng): Int32Array {
    const k = this.kernel(p);
    if (k) return k.sampleCells(t, n, rng);
    const g = this.generators[p]!;
    const d = this.discriminators[p];
    if (!this.correctedOn || !d) return g.sampleCells(t, n, rng);
    const cells = g.config.numStates * g.config.numActions;
    if (cells <= EXACT_NORMALISER_CELLS) {
      const key = p * this.horizon + t;
      let cdf = this.cdfs.get(key);
      if (!cdf) {
        cdf = new Float64Array(cells);
        let acc = 0;
        for (let c = 0; c < cells; c++) cdf[c] = acc += Math.exp(this.logCellMass(p, t, c));
        this.cdfs.set(key, cdf);
      }
      return sampleFromCdf(cdf, n, rng);
    }
    const xs = g.sampleCells(t, SIR_FACTOR * n, rng);
    const logw = new Float64Array(xs.length);
    for (let i = 0; i < xs.length; i++) logw[i] = d.cellLogit(t, xs[i]!);
    const pick = resampleIndices(logw, n, rng);
    return Int32Array.from(pick, (i) => xs[i]!);
  }

  meanFieldAt(t: number): MeanFieldAt | null {
    if (this.generators.some((g) => g.config.kind !== 'softmax')) return null;
    let table = this.tables.get(t);
    if (!table) {
      table = this.generators.map((g, p) => {
        const n = g.config.numStates * g.config.numActions;
        const L = new Float64Array(n);
        for (let c = 0; c < n; c++) L[c] = Math.exp(this.logCellMass(p, t, c));
        return L;
      });
      this.tables.set(t, table);
    }
    return table;
  }

  query(t: number): MeanFieldQuery {
    return { stateMass: (p: number, s: number) => this.stateMass(p, t, s) };
  }

  memoryBytes(): number {
    let n = 0;
    for (const g of this.generators) n += g.memoryBytes();
    for (const d of this.discriminators) if (d) for (const w of d.weights.values()) n += w.data.byteLength * 3;
    for (const k of this.kernelCorrections) if (k) n += k.memoryBytes();
    for (const tab of this.tables.values()) for (const L of tab) n += L.byteLength;
    return n;
  }
}

/**
 * A continuous game's flow represented by a fitted MDN or coupling flow, with the same optional
 * discriminator correction (Z_t by a fixed-seed Monte Carlo average over generator samples).
 */
export class GenerativeContinuousPopulation implements ContinuousPopulationFlow {
  readonly kind = 'generative' as const;
  /** The fit that produced this population, when it came from fitGenerativePopulation via makeContinuousPopulation. */
  lastFit: { readonly report: unknown; readonly fitSeconds: number; readonly memoryBytes: number; readonly backend: string } | null = null;
  private correctedOn = false;
  private readonly logZ = new Map<number, number>();
  private readonly logZError = new Map<number, number>();
  private readonly means = new Map<number, Float64Array>();

  constructor(
    readonly horizon: number,
    readonly generator: ContinuousDensity,
    private readonly discriminator: DiscriminatorLogit | null = null,
  ) {}

  get dim(): number {
    return this.generator.config.dim;
  }

  get corrected(): boolean {
    return this.correctedOn;
  }

  set corrected(on: boolean) {
    if (on && !this.discriminator) {
      throw new MfgError('MFG_ERR_GENERATIVE_BAD_OPTION', 'no discriminator is attached to this population, so it cannot be corrected');
    }
    this.correctedOn = on;
  }

  /** Relative standard error of the corrected normaliser's Monte Carlo estimate at epoch t. */
  normaliserError(t: number): number {
    this.normaliser(t);
    return this.logZError.get(t)!;
  }

  logDensity(t: number, x: ArrayLike<number>, off = 0): number {
    const base = this.generator.logDensity(t, x, off);
    if (!this.correctedOn || !this.discriminator) return base;
    return base + this.discriminator.pointLogit(t, x, off) - this.normaliser(t);
  }

  private normaliser(t: number): number {
    let z = this.logZ.get(t);
    if (z === undefined) {
      const d = this.dim;
      const xs = this.generator.sample(t, CORRECTION_SAMPLES, new Rng(0xc0 + t));
      const terms = new Float64Array(CORRECTION_SAMPLES);
      for (let i = 0; i < CORRECTION_SAMPLES; i++) terms[i] = this.discriminator!.pointLogit(t, xs, i * d);
      z = logSumExp(terms, 0, CORRECTION_SAMPLES) - Math.log(CORRECTION_SAMPLES);
      this.logZ.set(t, z);
      this.logZError.set(t, relativeError(terms, z));
    }
    return z;
  }

  /** n points at epoch t: sampling-importance-resampling of the generator when corrected. */
  sample(t: number, n: number, rng: Rng): Float64Array {
    if (!this.correctedOn || !this.discriminator) return this.generator.sample(t, n, rng);
    const d = this.dim;
    const xs = this.generator.sample(t, SIR_FACTOR * n, rng);
    const logw = new Float64Array(SIR_FACTOR * n);
    for (let i = 0; i < logw.length; i++) logw[i] = this.discriminator.pointLogit(t, xs, i * d);
    const out = new Float64Array(n * d);
    resampleIndices(logw, n, rng).forEach((j, i) => out.set(xs.subarray(j * d, (j + 1) * d), i * d));
    return out;
  }

  /** The mean at epoch t; corrected: the self-normalised importance average over the normaliser's fixed-seed draws. */
  mean(t: number): Float64Array {
    if (!this.correctedOn || !this.discriminator) return this.generator.mean(t);
    let m = this.means.get(t);
    if (!m) {
      const d = this.dim;
      const xs = this.generator.sample(t, CORRECTION_SAMPLES, new Rng(0xc0 + t));
      const z = this.normaliser(t);
      m = new Float64Array(d);
      for (let i = 0; i < CORRECTION_SAMPLES; i++) {
        const w = Math.exp(this.discriminator.pointLogit(t, xs, i * d) - z) / CORRECTION_SAMPLES;
        for (let k = 0; k < d; k++) m[k]! += w * xs[i * d + k]!;
      }
      this.means.set(t, m);
    }
    return m;
  }

  /** The ContinuousMeanField a continuous game reads at epoch t. */
  at(t: number): ContinuousMeanField {
    return {
      mean: () => this.mean(t),
      logDensity: (x: Float64Array) => this.logDensity(t, x),
      samples: (n: number, rng: Rng) => this.sample(t, n, rng),
    };
  }

  memoryBytes(): number {
    let n = this.generator.memoryBytes();
    if (this.discriminator) for (const w of this.discriminator.weights.values()) n += w.data.byteLength * 3;
    return n;
  }
}

/** Relative standard error of mean(exp terms) (log of the mean: logMean), computed stably. */
function relativeError(terms: Float64Array, logMean: number): number {
  let s2 = 0;
  for (const v of terms) s2 += (Math.exp(v - logMean) - 1) ** 2;
  return Math.sqrt(s2 / (terms.length - 1) / terms.length);
}

/** n indices drawn with replacement proportionally to exp(logw) (the resampling step of SIR). */
function resampleIndices(logw: Float64Array, n: number, rng: Rng): Int32Array {
  let top = -Infinity;
  for (const v of logw) if (v > top) top = v;
  const cdf = new Float64Array(logw.length);
  let acc = 0;
  for (let i = 0; i < logw.length; i++) cdf[i] = acc += Math.exp(logw[i]! - top);
  return sampleFromCdf(cdf, n, rng);
}
