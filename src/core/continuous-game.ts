import type { Rng } from './rng';
import type { Box } from './spaces/box';

/**
 * What a continuous game may ask of its population at one epoch. Each population kind
 * (particles, generative) answers what it can; a game lists what it needs in `needs`.
 */
export interface ContinuousMeanField {
  /** Mean of mu_t (length d). */
  mean(): Float64Array;
  /** log mu_t(x) for a point (length d); defined by density-carrying populations. */
  logDensity?(x: Float64Array): number;
  /** Samples of mu_t, n rows of d, row-major. */
  samples?(n: number, rng: Rng): Float64Array;
}

/**
 * A finite-horizon MFG over a continuous state space (DESIGN §2, continuous games). Agents
 * are simulated in batches: x holds n states of dimension d row-major, a holds n actions.
 */
export interface ContinuousGame {
  readonly kind: 'continuous';
  readonly horizon: number;
  readonly stateSpace: Box;
  readonly actionSpace: Box;
  /** Mean-field queries the reward or dynamics use (so populations know what to provide). */
  readonly needs: readonly ('mean' | 'logDensity' | 'samples')[];
  /** Draws n initial states from mu0 into out (n*d). */
  sampleInitial(n: number, rng: Rng, out: Float64Array): void;
  /** Rewards r_t(x_i, a_i; mu_t) for n agents into out (length n). */
  reward(t: number, x: Float64Array, a: Float64Array, n: number, mf: ContinuousMeanField, out: Float64Array): void;
  /** Next states x_{t+1} for n agents into out (n*d), for t < horizon - 1. */
  step(t: number, x: Float64Array, a: Float64Array, n: number, mf: ContinuousMeanField, rng: Rng, out: Float64Array): void;
}
