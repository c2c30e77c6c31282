import { MfgError } from '../core/errors';
import type { FinitePopulation } from '../core/finite-game';

/** Population-aware observation features (DESIGN §4): none, moments, or a coarse histogram of mu_t. */
export type PopulationFeatures = 'none' | 'moments' | 'histogram';

export const POPULATION_FEATURES: readonly PopulationFeatures[] = ['none', 'moments', 'histogram'];

/**
 * Summaries of a state distribution mu (length S) over a grid of shape (n_1..n_d), appended to
 * each agent's observation so a "master" policy can condition on the population:
 * - moments: mean and standard deviation of every coordinate (2d features);
 * - histogram: the mass of each cell of a coarse grid of min(bins, n_j) cells per axis
 *   (row-major), axis j cut into equal-width ranges of coordinates.
 */
export class FeatureMap {
  readonly dim: number;
  readonly low: number[];
  readonly high: number[];
  private readonly d: number;
  /** histogram: cell of each state. */
  private readonly cellOf: Int32Array | null;

  constructor(
    pop: FinitePopulation,
    readonly kind: PopulationFeatures,
    private readonly coords: Int32Array,
    bins = 4,
  ) {
    if (!POPULATION_FEATURES.includes(kind)) {
      throw new MfgError('MFG_ERR_ENV_BAD_OPTION', `population_features must be one of ${POPULATION_FEATURES.join(', ')}, got ${JSON.stringify(kind)}`, {
        details: { option: 'population_features', value: String(kind) },
      });
    }
    if (!Number.isInteger(bins) || bins < 1) {
      throw new MfgError('MFG_ERR_ENV_BAD_OPTION', `histogram_bins must be a positive integer, got ${bins}`, { details: { option: 'histogram_bins', value: bins } });
    }
    const shape = pop.stateShape;
    this.d = shape.length;
    this.cellOf = null;
    if (kind === 'none') {
      this.dim = 0;
      this.low = [];
      this.high = [];
    } else if (kind === 'moments') {
      this.dim = 2 * this.d;
      this.low = new Array<number>(this.dim).fill(0);
      this.high = [...shape.map((n) => n - 1), ...shape.map((n) => (n - 1) / 2)];
    } else {
      const per = shape.map((n) => Math.min(bins, n));
      this.dim = per.reduce((a, b) => a * b, 1);
      this.low = new Array<number>(this.dim).fill(0);
      this.high = new Array<number>(this.dim).fill(1);
      const cellOf = new Int32Array(pop.numStates);
      for (let s = 0; s < pop.numStates; s++) {
        let cell = 0;
        for (let j = 0; j < this.d; j++) cell = cell * per[j]! + Math.floor((coords[s * this.d + j]! * per[j]!) / shape[j]!);
        cellOf[s] = cell;
      }
      this.cellOf = cellOf;
    }
  }

  /** Writes the features of mu (length S, summing to 1 or all zero) into out[offset .. offset+dim). */
  write(mu: ArrayLike<number>, out: Float64Array, offset: number): void {
    const { d, coords } = this;
    out.fill(0, offset, offset + this.dim);
    if (this.kind === 'moments') {
      for (let s = 0; s < mu.length; s++) {
        const m = mu[s]!;
        if (m === 0) continue;
        for (let j = 0; j < d; j++) out[offset + j]! += m * coords[s * d + j]!;
      }
      for (let s = 0; s < mu.length; s++) {
        const m = mu[s]!;
        if (m === 0) continue;
        for (let j = 0; j < d; j++) {
          const dev = coords[s * d + j]! - out[offset + j]!;
          out[offset + d + j]! += m * dev * dev;
        }
      }
      for (let j = 0; j < d; j++) out[offset + d + j] = Math.sqrt(out[offset + d + j]!);
    } else if (this.kind === 'histogram') {
      const cellOf = this.cellOf!;
      for (let s = 0; s < mu.length; s++) out[offset + cellOf[s]!]! += mu[s]!;
    }
  }
}
