import type { ContinuousMeanField } from '../../core/continuous-game';
import { MfgError } from '../../core/errors';
import type { MeanFieldAt, MeanFieldQuery } from '../../core/finite-game';
import { Rng } from '../../core/rng';
import type { ContinuousPopulationFlow, FinitePopulationFlow } from '../population';
import type { CategoricalDensity } from './categorical-generator';
import type { ContinuousDensity } from './continuous-density';
import { logSumExp } from './dense';
import type { DiscriminatorLogit } from './discriminator';

/** Generator samples used to estimate the normaliser of a discriminator-corrected density. */
const CORRECTION_SAMPLES = 4096;
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
 * Z_t exact on small spaces and a fixed-seed Monte Carlo average otherwise. Sampling always
 * draws from the uncorrected generator.
 */
export class GenerativeFinitePopulation implements FinitePopulationFlow {
  readonly kind = 'generative' as const;
  /** The fit that produced this population (report, timings), when it came from fitGenerativePopulation via makePopulation. */
  lastFit: { readonly report: unknown; readonly fitSeconds: number; readonly memoryBytes: number; readonly backend: string } | null = null;
  private correctedOn = false;
  private readonly logZ = new Map<number, number>();
  private readonly tables = new Map<number, MeanFieldAt>();

  constructor(
    readonly horizon: number,
    readonly generators: readonly CategoricalDensity[],
    private readonly discriminators: readonly (DiscriminatorLogit | null)[] = [],
  ) {}

  /** Whether log-masses include the discriminator correction. */
  get corrected(): boolean {
    return this.correctedOn;
  }

  set corrected(on: boolean) {
    if (on && !this.discriminators.some((d) => d)) {
      throw new MfgError('MFG_ERR_GENERATIVE_BAD_OPTION', 'no discriminator is attached to this population, so it cannot be corrected');
    }
    this.correctedOn = on;
    this.tables.clear();
  }

  logStateMass(p: number, t: number, s: number): number {
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

  /** log L_t(s, a) (corrected when switched on). */
  logCellMass(p: number, t: number, cell: number): number {
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
      } else {
        const xs = g.sampleCells(t, CORRECTION_SAMPLES, new Rng(0xc0 + key));
        const terms = new Float64Array(xs.length);
        for (let i = 0; i < xs.length; i++) terms[i] = d.cellLogit(t, xs[i]!);
        z = logSumExp(terms, 0, xs.length) - Math.log(xs.length);
      }
      this.logZ.set(key, z);
    }
    return z;
  }

  sampleStates(p: number, t: number, n: number, rng: Rng): Int32Array {
    const g = this.generators[p]!;
    const cells = g.sampleCells(t, n, rng);
    const A = g.config.numActions;
    for (let i = 0; i < n; i++) cells[i] = Math.floor(cells[i]! / A);
    return cells;
  }

  /** n joint cells s*A + a of population p at epoch t (uncorrected generator). */
  sampleCells(p: number, t: number, n: number, rng: Rng): Int32Array {
    return this.generators[p]!.sampleCells(t, n, rng);
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
    }
    return z;
  }

  sample(t: number, n: number, rng: Rng): Float64Array {
    return this.generator.sample(t, n, rng);
  }

  mean(t: number): Float64Array {
    return this.generator.mean(t);
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
