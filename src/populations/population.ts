import type { ContinuousMeanField } from '../core/continuous-game';
import type { MeanFieldAt, MeanFieldQuery } from '../core/finite-game';
import type { Rng } from '../core/rng';

/** The three representations of a population flow (DESIGN §3). */
export type PopulationKind = 'exact' | 'particles' | 'generative';

/**
 * A representation of a finite game's mean-field flow: for every population p and epoch t,
 * the joint state-action distribution L_t(s, a) (row-major s*A + a), or an approximation of it.
 *
 * Games read it through `meanFieldAt` (a full table, when the representation can afford one)
 * or through `query(t)` (per-state masses, for games that define `rewardAt`): a generative
 * population over a 512x512 grid answers queries without ever building a table.
 */
export interface FinitePopulationFlow {
  readonly kind: PopulationKind;
  readonly horizon: number;
  /** mu_t(s) = sum_a L_t(s, a) of population p. */
  stateMass(p: number, t: number, s: number): number;
  /** log mu_t(s); -Infinity where the representation gives no mass. */
  logStateMass(p: number, t: number, s: number): number;
  /**
   * Optional: log mu_t(s) for many states at once (representations whose single queries are
   * costly, e.g. a generator, answer a batch faster). Must equal logStateMass state by state.
   */
  logStateMassBatch?(p: number, t: number, states: Int32Array, out?: Float64Array): Float64Array;
  /** Optional: mu_t(s) for many states at once; must equal stateMass state by state, bit for bit. */
  stateMassBatch?(p: number, t: number, states: Int32Array, out?: Float64Array): Float64Array;
  /** n state indices drawn from mu_t of population p. */
  sampleStates(p: number, t: number, n: number, rng: Rng): Int32Array;
  /** Every population's L_t as a table, or null when this representation never materialises one. */
  meanFieldAt(t: number): MeanFieldAt | null;
  /** The MeanFieldQuery view of epoch t (what FiniteGame.rewardAt reads). */
  query(t: number): MeanFieldQuery;
  /** Bytes held by the representation (tables, particles, network weights). */
  memoryBytes(): number;
}

/**
 * Monte Carlo samples of a finite game's flow, what every representation is fitted to:
 * cells[p][t] holds one joint index s*A + a per simulated agent of population p at epoch t.
 */
export interface FiniteFlowSamples {
  readonly horizon: number;
  readonly cells: Int32Array[][];
}

/** Monte Carlo samples of a continuous game's flow: points[t] holds n states of dimension d, row-major. */
export interface ContinuousFlowSamples {
  readonly horizon: number;
  readonly dim: number;
  readonly points: Float64Array[];
}

/**
 * A representation of a continuous game's flow (particles, a Gaussian closed form, a generator):
 * per epoch, the ContinuousMeanField the game's reward and step read.
 */
export interface ContinuousPopulationFlow {
  readonly kind: PopulationKind;
  readonly horizon: number;
  readonly dim: number;
  /** The mean field of epoch t (mean, and samples / logDensity where the representation has them). */
  at(t: number): ContinuousMeanField;
  /** Bytes held by the representation. */
  memoryBytes(): number;
}
