import { MfgError } from '../core/errors';
import { DEFAULT_FICTITIOUS_PARTICLES } from '../gym/continuous/continuous-env-types';
import { DEFAULT_NUM_AGENTS } from '../populations/make-population';
import { DEFAULT_KDE_POINTS } from '../populations/continuous-particles';
import type { ContinuousEnvCost } from '../registry/env-spec';
import type { MemoryBudget } from './env-budget';

const FIXED_BYTES = 1 << 20;
/** Per agent besides its float64 rows: its Rng and three row views (measured: ~430 B per agent in all, LQ at N = 10^5; rounded up). */
const BYTES_PER_AGENT = 480;
/** A generator's weights, optimiser state and tfjs buffers besides its training samples. */
const GENERATIVE_FIXED_BYTES = 8 << 20;

/** What a continuous make asks for, as far as memory goes. */
export interface ContinuousMakeShape {
  numAgents: number;
  /** 'exact' | 'particles' | 'generative' | undefined (the game's default: counted as particles, the larger). */
  population?: string;
  populationSamples?: number;
  meanField?: string;
  fictitiousParticles?: number;
  kdePoints?: number;
}

/**
 * The estimated bytes of a continuous env, from its declared dimensions (d, dA, H) before it is
 * built: the agents' rows (state, next state, actions: 8·(2d + dA) each, plus ~480 B of Rng and
 * views) and a step's obs and reply (16·(d + 1) each); the flow: a Gaussian 16·d·H, particles
 * 8·d·H·(P + min(P, kde_points)) for P simulated agents (KDE centres, default 2048), a generator 24·d·H·P (its samples,
 * split and batched) + 8 MiB; `fictitious` adds its visits and average, 8·d·H·(3M + min(M, kde_points)).
 */
export function estimateContinuousBytes(cost: ContinuousEnvCost, shape: ContinuousMakeShape): number {
  const { stateDim: d, actionDim: dA, horizon: H } = cost;
  const N = shape.numAgents;
  const P = shape.populationSamples ?? DEFAULT_NUM_AGENTS;
  const centres = shape.kdePoints ?? DEFAULT_KDE_POINTS;
  const kde = Math.min(P, centres);
  const flow = shape.population === 'exact' ? 16 * d * H : shape.population === 'generative' ? 24 * d * H * P + GENERATIVE_FIXED_BYTES : 8 * d * H * (P + kde);
  const M = shape.fictitiousParticles ?? DEFAULT_FICTITIOUS_PARTICLES;
  const fictitious = shape.meanField === 'fictitious' ? 8 * d * H * (3 * M + Math.min(M, centres)) : 0;
  return FIXED_BYTES + N * (8 * (2 * d + dA) + BYTES_PER_AGENT + 16 * (d + 1)) + flow + fictitious;
}

/** MFG_ERR_SESSION_LIMIT naming the figure when a continuous env of `bytes` would not fit (checked before the game is built). */
export function checkContinuousBytes(envId: string, cost: ContinuousEnvCost, shape: ContinuousMakeShape, bytes: number, inUse: number, budget: MemoryBudget): void {
  const P = shape.populationSamples ?? DEFAULT_NUM_AGENTS;
  const figure = `${shape.numAgents} agents, ${shape.population ?? 'default'} flow of ${P} particles x ${cost.stateDim} x ${cost.horizon} (N, P x d x H) ~ ${mib(bytes)} MiB`;
  const sizes = { state_dim: cost.stateDim, horizon: cost.horizon, num_agents: shape.numAgents, population_samples: P };
  if (bytes > budget.maxEnvBytes) {
    throw new MfgError('MFG_ERR_SESSION_LIMIT', `${envId} with these kwargs needs ${figure}, over this server's max_env_bytes ${mib(budget.maxEnvBytes)} MiB`, {
      details: { limit: 'max_env_bytes', value: bytes, max: budget.maxEnvBytes, ...sizes },
    });
  }
  if (inUse + bytes > budget.maxTotalBytes) {
    throw new MfgError('MFG_ERR_SESSION_LIMIT', `${envId} needs ${figure}; the server's envs already hold ${mib(inUse)} MiB of max_total_bytes ${mib(budget.maxTotalBytes)} MiB`, {
      details: { limit: 'max_total_bytes', value: inUse + bytes, max: budget.maxTotalBytes, in_use: inUse, ...sizes },
    });
  }
}

function mib(b: number): string {
  return (b / (1 << 20)).toFixed(b < 10 << 20 ? 1 : 0);
}
