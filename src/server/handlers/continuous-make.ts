import { MfgError } from '../../core/errors';
import { ContinuousVectorEnv } from '../../gym/continuous/continuous-vector-env';
import { makeEnvWithKwargs } from '../../gym/make-env';
import type { ContinuousEnvCost } from '../../registry/env-spec';
import { resolveKwargs, spec as lookup } from '../../registry/registry';
import { checkContinuousBytes, estimateContinuousBytes, type ContinuousMakeShape } from '../continuous-budget';
import type { HandlerContext, Request } from '../handler-context';
import { CONTINUOUS_PROTOCOL, speaksAtLeast } from '../protocol-version';
import type { Session } from '../session-table';
import type { MemoryBudget } from '../env-budget';

/** make's options that a continuous env reads (PROTOCOL.md, make). */
interface ContinuousWireOptions {
  policy?: unknown;
  update_every?: number;
  dtype?: 'float32' | 'float64';
  out_of_bounds?: 'error' | 'clip';
  /** Agents simulated for a particles or generative flow: the same option as a finite make's. */
  population_samples?: number;
  /** 2.1's first name for population_samples, still accepted (deprecated). */
  population_agents?: number;
  fictitious_particles?: number;
  kde_points?: number;
  population_features?: string;
  histogram_bins?: number;
  agent_population?: number;
  illegal_actions?: string;
}

/**
 * The agents simulated for a sample-based flow, finite or continuous game: `population_samples`, or
 * its deprecated 2.1 alias `population_agents`; both given with different values is a bad option, not a silent pick.
 */
export function populationSamplesOf(options: { population_samples?: number; population_agents?: number }): number | undefined {
  const { population_samples: samples, population_agents: alias } = options;
  if (samples !== undefined && alias !== undefined && samples !== alias) {
    throw new MfgError('MFG_ERR_ENV_BAD_OPTION', `options.population_samples (${samples}) and its deprecated alias population_agents (${alias}) disagree; give one`, {
      details: { option: 'population_samples', population_samples: samples, population_agents: alias },
    });
  }
  return samples ?? alias;
}

/** Whether envId names a continuous game (an unknown id is the registry's error, as for any make). */
export function isContinuousId(envId: string): boolean {
  return lookup(envId).kind === 'continuous';
}

/**
 * The main thread's part of a continuous make: the session must have negotiated 2.1 (a 2.0
 * client is told why it cannot have one), then the declared cost against the memory budget.
 * Returns the estimated bytes (0 when the spec declares no cost).
 */
export function planContinuousBytes(req: Request, envId: string, numAgents: number, session: Session, inUse: number, budget: MemoryBudget): number {
  if (!speaksAtLeast(session.protocol, CONTINUOUS_PROTOCOL)) {
    throw new MfgError(
      'MFG_ERR_GAME_UNSUPPORTED',
      `${envId} is a continuous game (Box observations and actions), served from protocol ${CONTINUOUS_PROTOCOL} on; this session negotiated ${session.protocol ?? '2.0'} in hello`,
      { details: { env_id: envId, kind: 'continuous', needs_protocol: CONTINUOUS_PROTOCOL, session_protocol: session.protocol ?? '2.0' } },
    );
  }
  const s = lookup(envId);
  if (s.continuousCost === undefined) return 0;
  const cost: ContinuousEnvCost = s.continuousCost(resolveKwargs(envId, (req.kwargs ?? {}) as Record<string, unknown>));
  const options = (req.options ?? {}) as ContinuousWireOptions;
  const shape: ContinuousMakeShape = {
    numAgents,
    population: req.population as string | undefined,
    populationSamples: populationSamplesOf(options),
    meanField: req.mean_field as string | undefined,
    fictitiousParticles: options.fictitious_particles,
    kdePoints: options.kde_points,
  };
  const bytes = estimateContinuousBytes(cost, shape);
  checkContinuousBytes(envId, cost, shape, bytes, inUse, budget);
  return bytes;
}

/** Builds a continuous env of a plan and registers it; the reply carries its Box spaces. */
export async function buildContinuousMake(req: Request, ctx: HandlerContext, plan: { envId: string; numAgents: number; bytes: number }): Promise<Record<string, unknown>> {
  const { envId, numAgents, bytes } = plan;
  const options = (req.options ?? {}) as ContinuousWireOptions;
  if (options.policy !== undefined) {
    throw new MfgError('MFG_ERR_ENV_BAD_OPTION', 'options.policy is a tabular policy of a finite game; a continuous env reads its game reference flow', { details: { option: 'policy' } });
  }
  const { env, kwargs } = await makeEnvWithKwargs(envId, {
    kwargs: (req.kwargs ?? {}) as Record<string, unknown>,
    numAgents,
    ...(req.population !== undefined ? { population: req.population as string } : {}),
    meanField: req.mean_field ?? 'fixed',
    autoreset: req.autoreset ?? 'next_step',
    updateEvery: options.update_every ?? 0,
    dtype: options.dtype ?? 'float32',
    outOfBounds: options.out_of_bounds ?? 'error',
    ...(populationSamplesOf(options) !== undefined ? { populationSamples: populationSamplesOf(options) } : {}),
    ...(options.fictitious_particles !== undefined ? { fictitiousParticles: options.fictitious_particles } : {}),
    ...(options.kde_points !== undefined ? { kdePoints: options.kde_points } : {}),
    populationFeatures: (options.population_features ?? 'none') as 'none',
    histogramBins: options.histogram_bins ?? 4,
    agentPopulation: options.agent_population ?? 0,
    illegalActions: (options.illegal_actions ?? 'noop') as 'noop',
  });
  if (!(env instanceof ContinuousVectorEnv)) throw new MfgError('MFG_ERR_INTERNAL', `${envId} is registered as continuous but built a finite game`);
  const handle = ctx.sessions.add(ctx.session, env, envId, bytes);
  ctx.log(`session ${ctx.session.key} made ${handle}: ${envId} N=${numAgents} ${env.meanField}/${env.autoreset}/${env.populationKind}/${env.dtype}`);
  return {
    handle,
    env_id: envId,
    kwargs,
    kind: 'continuous',
    observation_space: env.observationSpace.toJSON(),
    action_space: env.actionSpace.toJSON(),
    num_agents: env.numAgents,
    horizon: env.horizon,
    population: env.populationKind,
    mean_field: env.meanField,
    autoreset: env.autoreset,
    state_dim: env.stateDim,
    action_dim: env.actionDim,
    dtype: env.dtype,
  };
}
