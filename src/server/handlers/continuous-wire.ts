import { MfgError } from '../../core/errors';
import type { ContinuousInfos } from '../../gym/continuous/continuous-env-types';
import type { ContinuousVectorEnv } from '../../gym/continuous/continuous-vector-env';
import { boolToWire, checkWireArray, float64ToWire, floatToWire, int32ToWire, wireToFloat64, type WireArray } from '../wire-array';

/**
 * The wire form of a continuous env (protocol 2.1, PROTOCOL.md §5): obs are `<f4` / `<f8`
 * (the make option `dtype`) [N, d+1], rows (x_1..x_d, t); rewards the same dtype [N]; actions
 * any numeric dtype but `|b1`, shape [N, dA]; infos carry `t` (no action mask: Box actions).
 */
export function continuousObsToWire(env: ContinuousVectorEnv, obs: Float32Array | Float64Array): WireArray {
  return floatToWire(obs, [env.numAgents, env.obsDim]);
}

export function continuousInfosToWire(env: ContinuousVectorEnv, infos: ContinuousInfos): Record<string, unknown> {
  const N = env.numAgents;
  const out: Record<string, unknown> = { t: int32ToWire(infos.t, [N]) };
  if (infos.finalObs !== undefined) {
    out.final_obs = continuousObsToWire(env, infos.finalObs);
    out._final_obs = boolToWire(infos.finalObsMask!, [N]);
    out.final_info = { t: int32ToWire(infos.finalInfo!.t, [N]) };
    out._final_info = boolToWire(infos.finalInfoMask!, [N]);
  }
  return out;
}

/** actions [N, dA] as float64 (the env checks NaN and the bounds, naming the agent). */
export function continuousActionsFromWire(env: ContinuousVectorEnv, actions: WireArray): Float64Array {
  checkWireArray(actions, 'actions'); // a declared shape that the bytes do not fill is a malformed request
  const N = env.numAgents;
  const dA = env.actionDim;
  if (actions.dtype === '|b1') {
    throw new MfgError('MFG_ERR_ENV_BAD_ACTION', `actions must be numbers (Box of shape [${dA}]), got dtype |b1`, { details: { reason: 'dtype', got: actions.dtype } });
  }
  if (actions.shape.length !== 2 || actions.shape[0] !== N || actions.shape[1] !== dA) {
    throw new MfgError('MFG_ERR_ENV_BAD_ACTION', `actions must have shape [${N}, ${dA}] (one row of the action Box per agent), got [${actions.shape.join(', ')}]`, {
      details: { reason: 'shape', expected: [N, dA], got: actions.shape },
    });
  }
  return wireToFloat64(actions, 'actions');
}

/** The step reply of a continuous env. */
export function continuousStep(env: ContinuousVectorEnv, actions: WireArray): Record<string, unknown> {
  const N = env.numAgents;
  const s = env.step(continuousActionsFromWire(env, actions));
  return {
    obs: continuousObsToWire(env, s.obs),
    rewards: floatToWire(s.rewards, [N]),
    terminated: boolToWire(s.terminated, [N]),
    truncated: boolToWire(s.truncated, [N]),
    infos: continuousInfosToWire(env, s.infos),
  };
}

/** population_report of a continuous env: per-epoch moments [H, d] instead of mu [H, S]. */
export function continuousReport(env: ContinuousVectorEnv): Record<string, unknown> {
  const r = env.report();
  return {
    mean_field: r.meanField,
    population: r.population,
    flow_kind: r.flowKind,
    iteration: r.iteration,
    episodes: r.episodes,
    samples: r.samples,
    horizon: r.horizon,
    dim: r.dim,
    mean: float64ToWire(r.mean, [r.horizon, r.dim]),
    variance: float64ToWire(r.variance, [r.horizon, r.dim]),
  };
}
