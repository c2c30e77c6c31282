import { MfgError } from './errors';
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
 * A policy of a continuous game for a batch of agents: the actions (n rows of the action
 * dimension, row-major) of the n agents at states x (n rows of d) at epoch t. It may read the
 * population's mean field mf (e.g. the mean, for a feedback on m_t - x).
 */
export type ContinuousPolicy = (t: number, x: Float64Array, n: number, mf: ContinuousMeanField) => Float64Array;

/** A Gaussian flow with diagonal covariance: mean[t] and variance[t] of length d per epoch. */
export interface GaussianFlowParams {
  readonly mean: readonly Float64Array[];
  readonly variance: readonly Float64Array[];
}

/** The mean-field queries a continuous game can need. */
export type ContinuousNeed = 'mean' | 'logDensity' | 'samples';

/**
 * A finite-horizon MFG over a continuous state space (DESIGN §2, continuous games). Agents
 * are simulated in batches: x holds n states of dimension d row-major, a holds n actions of
 * dimension actionSpace.size row-major. Actions outside the action box are clipped to it.
 */
export interface ContinuousGame {
  readonly kind: 'continuous';
  readonly horizon: number;
  readonly stateSpace: Box;
  readonly actionSpace: Box;
  /** Mean-field queries the reward or dynamics use (so populations know what to provide). */
  readonly needs: readonly ContinuousNeed[];
  /** Draws n initial states from mu0 into out (n*d). */
  sampleInitial(n: number, rng: Rng, out: Float64Array): void;
  /**
   * Rewards r_t(x_i, a_i; mu_t) for n agents into out (length n). The rng serves sample-based
   * mean-field terms (a Monte Carlo average over population samples, as in Flocking).
   */
  reward(t: number, x: Float64Array, a: Float64Array, n: number, mf: ContinuousMeanField, rng: Rng, out: Float64Array): void;
  /** Next states x_{t+1} for n agents into out (n*d), for t < horizon - 1. */
  step(t: number, x: Float64Array, a: Float64Array, n: number, mf: ContinuousMeanField, rng: Rng, out: Float64Array): void;
  /**
   * Optional: the policy populations are simulated under when none is given (LQ: its
   * closed-form equilibrium control). Without it, populations use the passive policy a = 0.
   */
  readonly referencePolicy?: ContinuousPolicy;
  /**
   * Optional: the exact flow under referencePolicy when it is Gaussian with diagonal covariance
   * (LQ's closed form, CrowdAversionND's passive diffusion): the 'exact' continuous population,
   * and the reference every other representation is measured against.
   */
  exactFlow?(): GaussianFlowParams;
}

/** The mean-field query a game needs but the population does not provide: a clear error. */
export function missingMeanField(game: string, need: ContinuousNeed): never {
  throw new MfgError('MFG_ERR_GAME_UNSUPPORTED', `${game} needs the population's ${need}, which this population representation does not provide`, {
    details: { game, need },
  });
}
