import { MfgError } from '../../core/errors';
import { makeEnvWithKwargs } from '../../gym/make-env';
import type { Handler } from '../handler-context';
import { wireToFloat64, type WireArray } from '../wire-array';

/** Builds a vector env of num_agents agents owned by this session; limits first, then the registry. */
export const make: Handler = async (req, ctx) => {
  const numAgents = (req.num_agents as number | undefined) ?? 1;
  if (numAgents > ctx.limits.maxAgentsPerEnv) {
    throw new MfgError('MFG_ERR_SESSION_LIMIT', `num_agents ${numAgents} exceeds this server's max_agents_per_env ${ctx.limits.maxAgentsPerEnv}`, {
      details: { limit: 'max_agents_per_env', value: numAgents, max: ctx.limits.maxAgentsPerEnv },
    });
  }
  if (ctx.session.open.size >= ctx.limits.maxEnvsPerConnection) {
    throw new MfgError('MFG_ERR_SESSION_LIMIT', `this connection already has ${ctx.session.open.size} open envs (max_envs_per_connection); close some first`, {
      details: { limit: 'max_envs_per_connection', value: ctx.session.open.size + 1, max: ctx.limits.maxEnvsPerConnection },
    });
  }
  const options = (req.options ?? {}) as { policy?: WireArray; update_every?: number; population_features?: 'none' | 'moments' | 'histogram'; histogram_bins?: number; agent_population?: number; illegal_actions?: 'noop' | 'error' };
  let policy: Float64Array | undefined;
  if (options.policy !== undefined) {
    if (options.policy.shape.length !== 3) {
      throw new MfgError('MFG_ERR_POLICY_BAD_SHAPE', `options.policy must have shape [H, S, A], got [${options.policy.shape.join(', ')}]`, {
        details: { got: options.policy.shape },
      });
    }
    policy = wireToFloat64(options.policy, 'options.policy');
  }
  const envId = req.env_id as string;
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
  });
  if (policy !== undefined) {
    const expected = [env.horizon, env.numStates, env.numActions];
    if (options.policy!.shape.some((d, i) => d !== expected[i])) {
      throw new MfgError('MFG_ERR_POLICY_BAD_SHAPE', `options.policy has shape [${options.policy!.shape.join(', ')}], expected [H, S, A] = [${expected.join(', ')}]`, {
        details: { expected, got: options.policy!.shape },
      });
    }
  }
  const handle = ctx.sessions.add(ctx.session, env, envId);
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
};
