import { MfgError } from '../../core/errors';
import { makeEnvWithKwargs } from '../../gym/make-env';
import { MfgVectorEnv } from '../../gym/vector-env';
import { buildContinuousMake, isContinuousId, planContinuousBytes, populationSamplesOf } from './continuous-make';
import { checkEnvBytes, declaredCost, estimateMake } from '../env-budget';
import type { Handler, HandlerContext, MainContext, Request } from '../handler-context';
import type { ServerLimits } from '../limits';
import type { Session, SessionTable } from '../session-table';
import { wireToFloat64, type WireArray } from '../wire-array';

/** make's options as the schema admits them (protocol/schemas/make.request.json). */
interface MakeWireOptions {
  policy?: WireArray;
  update_every?: number;
  population_features?: 'none' | 'moments' | 'histogram';
  histogram_bins?: number;
  agent_population?: number;
  illegal_actions?: 'noop' | 'error';
  /** Agents simulated for a sample-based population (default 10^4). */
  population_samples?: number;
  /** Deprecated alias of population_samples (protocol 2.1's name for it in continuous makes). */
  population_agents?: number;
  /** The population kind's settings (the generative fit budget), fields as the schema lists them. */
  population_settings?: Record<string, unknown> & { hidden?: number; embedding?: number; batchSize?: number };
}

/** What the main thread decided before a make is built: the env, its agents and its estimated bytes. */
export interface MakePlan {
  envId: string;
  numAgents: number;
  bytes: number;
}

/**
 * The checks of make that count across sessions (run in the main thread, before anything is
 * built): agents per env, envs per connection and in total, and the env's declared cost
 * against the per-env and total memory budgets.
 */
export function planMake(req: Request, ctx: { session: Session; sessions: SessionTable<any>; limits: Readonly<ServerLimits> }): MakePlan {
  const numAgents = (req.num_agents as number | undefined) ?? 1;
  if (numAgents > ctx.limits.maxAgentsPerEnv) {
    throw new MfgError('MFG_ERR_SESSION_LIMIT', `num_agents ${numAgents} exceeds this server's max_agents_per_env ${ctx.limits.maxAgentsPerEnv}`, {
      details: { limit: 'max_agents_per_env', value: numAgents, max: ctx.limits.maxAgentsPerEnv },
    });
  }
  const own = ctx.sessions.openOfIdentity(ctx.session.identity);
  if (own >= ctx.limits.maxEnvsPerConnection) {
    throw new MfgError('MFG_ERR_SESSION_LIMIT', `this connection already has ${own} open envs (max_envs_per_connection); close some first`, {
      details: { limit: 'max_envs_per_connection', value: own + 1, max: ctx.limits.maxEnvsPerConnection },
    });
  }
  if (ctx.sessions.envCount >= ctx.limits.maxEnvsTotal) {
    throw new MfgError('MFG_ERR_SESSION_LIMIT', `this server already has ${ctx.sessions.envCount} open envs (max_envs_total); try later`, {
      details: { limit: 'max_envs_total', value: ctx.sessions.envCount + 1, max: ctx.limits.maxEnvsTotal },
    });
  }
  const envId = req.env_id as string;
  const budget = { maxEnvBytes: ctx.limits.maxEnvBytes, maxTotalBytes: ctx.limits.maxTotalBytes };
  if (isContinuousId(envId)) return { envId, numAgents, bytes: planContinuousBytes(req, envId, numAgents, ctx.session, ctx.sessions.bytesInUse, budget) };
  const cost = declaredCost(envId, (req.kwargs ?? {}) as Record<string, unknown>);
  if (cost === null) return { envId, numAgents, bytes: 0 };
  // The path the env will take decides what is costed: tables, or per-agent stepping with a sample-based population.
  const options = (req.options ?? {}) as MakeWireOptions;
  const estimate = estimateMake(cost, {
    numAgents,
    population: (req.population as string | undefined) ?? 'exact',
    meanField: (req.mean_field as string | undefined) ?? 'fixed',
    policyGiven: options.policy !== undefined,
    samples: populationSamplesOf(options),
    hidden: options.population_settings?.hidden,
    embedding: options.population_settings?.embedding,
    batchSize: options.population_settings?.batchSize,
  });
  checkEnvBytes(envId, cost, estimate.bytes, ctx.sessions.bytesInUse, { maxEnvBytes: ctx.limits.maxEnvBytes, maxTotalBytes: ctx.limits.maxTotalBytes }, estimate.figure);
  return { envId, numAgents, bytes: estimate.bytes };
}

/** make in one thread (no worker pool): plan, hold the budget while building, build. */
export const make: Handler = async (req, ctx) => {
  const plan = planMake(req, ctx as MainContext);
  const release = (ctx as MainContext).sessions.reserve(plan.bytes);
  try {
    return await buildMake(req, ctx, plan);
  } finally {
    release();
  }
};

/** Builds the env of a plan and registers it with ctx.sessions (the main table, or a worker's). */
export async function buildMake(req: Request, ctx: HandlerContext, plan: MakePlan): Promise<Record<string, unknown>> {
  const { envId, numAgents, bytes } = plan;
  if (isContinuousId(envId)) return buildContinuousMake(req, ctx, plan);
  const options = (req.options ?? {}) as MakeWireOptions;
  let policy: Float64Array | undefined;
  if (options.policy !== undefined) {
    if (options.policy.shape.length !== 3) {
      throw new MfgError('MFG_ERR_POLICY_BAD_SHAPE', `options.policy must have shape [H, S, A], got [${options.policy.shape.join(', ')}]`, {
        details: { got: options.policy.shape },
      });
    }
    policy = wireToFloat64(options.policy, 'options.policy');
  }
  const { env, kwargs } = await makeEnvWithKwargs(envId, {
    kwargs: (req.kwargs ?? {}) as Record<string, unknown>,
    numAgents,
    population: (req.population as string | undefined) ?? 'exact',
    meanField: req.mean_field ?? 'fixed',
    autoreset: req.autoreset ?? 'next_step',
    policy,
    updateEvery: options.update_every ?? 0,
    populationFeatures: options.population_features ?? 'none',
    histogramBins: options.histogram_bins ?? 4,
    agentPopulation: options.agent_population ?? 0,
    illegalActions: options.illegal_actions ?? 'noop',
    populationSamples: populationSamplesOf(options),
    populationSettings: options.population_settings,
  });
  if (!(env instanceof MfgVectorEnv)) throw new MfgError('MFG_ERR_INTERNAL', `${envId} is registered as finite but built a continuous game`);
  if (policy !== undefined) {
    const expected = [env.horizon, env.numStates, env.numActions];
    if (options.policy!.shape.some((d, i) => d !== expected[i])) {
      throw new MfgError('MFG_ERR_POLICY_BAD_SHAPE', `options.policy has shape [${options.policy!.shape.join(', ')}], expected [H, S, A] = [${expected.join(', ')}]`, {
        details: { expected, got: options.policy!.shape },
      });
    }
  }
  const handle = ctx.sessions.add(ctx.session, env, envId, bytes);
  ctx.log(`session ${ctx.session.key} made ${handle}: ${envId} N=${numAgents} ${env.meanField}/${env.autoreset}/${env.populationKind}`);
  return {
    handle,
    env_id: envId,
    kwargs,
    observation_space: env.fullObservationSpace.toJSON(),
    action_space: env.actionSpace.toJSON(),
    num_agents: env.numAgents,
    horizon: env.horizon,
    population: env.populationKind,
    mean_field: env.meanField,
    autoreset: env.autoreset,
    num_states: env.numStates,
    num_actions: env.numActions,
    agent_population: env.agentPopulation,
    populations: env.game.populations.map((q) => q.name),
  };
}
