import type { ContinuousGame, ContinuousPolicy } from '../core/continuous-game';
import { MfgError } from '../core/errors';
import type { Rng } from '../core/rng';
import { ContinuousParticles, type KdeOptions } from './continuous-particles';
import type { ContinuousFlowSamples } from './population';

export type { ContinuousPolicy } from '../core/continuous-game';

export interface ContinuousSimulation extends ContinuousFlowSamples {
  /** rewards[t][i] = r_t of agent i, when asked for (withRewards). */
  readonly rewards?: Float64Array[];
}

export interface SimulateContinuousOptions extends KdeOptions {
  /** Also score every agent at every epoch (costs the game's reward, e.g. n density queries). */
  readonly withRewards?: boolean;
}

/**
 * Monte Carlo samples of a continuous game's flow under a policy: n agents drawn from mu0 and
 * moved by the game's own dynamics, where each epoch's mean field is the EMPIRICAL measure of
 * the n agents (the N-player approximation; a KDE of them where the game needs a density).
 *
 * Order of random draws (fixed, so a seed gives the same flow bit for bit): mu0, then per epoch
 * the policy (deterministic here), the reward's draws (when scored), the step's noise.
 */
export function simulateContinuous(game: ContinuousGame, policy: ContinuousPolicy, n: number, rng: Rng, options: SimulateContinuousOptions = {}): ContinuousSimulation {
  if (!Number.isInteger(n) || n < 1) {
    throw new MfgError('MFG_ERR_POPULATION_BAD_PARAM', `the number of simulated agents must be a positive integer, got ${n}`, { details: { numAgents: n } });
  }
  const d = game.stateSpace.size;
  const dA = game.actionSpace.size;
  const H = game.horizon;
  const points = [new Float64Array(n * d)];
  game.sampleInitial(n, rng, points[0]!);
  const rewards: Float64Array[] | undefined = options.withRewards ? [] : undefined;
  for (let t = 0; t < H; t++) {
    const x = points[t]!;
    const mf = new ContinuousParticles(x, d, options);
    const a = policy(t, x, n, mf);
    if (a.length !== n * dA) {
      throw new MfgError('MFG_ERR_POLICY_BAD_SHAPE', `the policy returned ${a.length} numbers at epoch ${t}, expected n*actionDim = ${n}*${dA}`);
    }
    if (rewards) {
      const r = new Float64Array(n);
      game.reward(t, x, a, n, mf, rng, r);
      rewards.push(r);
    }
    if (t + 1 < H) {
      const next = new Float64Array(n * d);
      game.step(t, x, a, n, mf, rng, next);
      points.push(next);
    }
  }
  return { horizon: H, dim: d, points, ...(rewards ? { rewards } : {}) };
}

/** The passive policy a = 0 (clipped into the action box by the game), the default reference. */
export function passivePolicy(game: ContinuousGame): ContinuousPolicy {
  const dA = game.actionSpace.size;
  return (_t, _x, n) => new Float64Array(n * dA);
}
