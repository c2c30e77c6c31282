import { MfgError } from '../../core/errors';
import type { Handler } from '../handler-context';
import { boolToWire, checkWireArray, float64ToWire, wireToFloat64, type WireArray } from '../wire-array';
import { obsToWire } from './obs-to-wire';
import { infosToWire } from './infos-to-wire';
import { ContinuousVectorEnv } from '../../gym/continuous/continuous-vector-env';
import { continuousStep } from './continuous-wire';

/** All N agents' actions in one message; the env checks each value and names the bad agent. */
export const step: Handler = (req, ctx) => {
  const env = ctx.sessions.env(ctx.session, req.handle as string);
  const actions = req.actions as WireArray;
  if (env instanceof ContinuousVectorEnv) return continuousStep(env, actions);
  const N = env.numAgents;
  checkWireArray(actions, 'actions'); // a declared shape that the bytes do not fill is a malformed request
  if (actions.dtype === '|b1') {
    throw new MfgError('MFG_ERR_ENV_BAD_ACTION', `actions must be integers (Discrete(${env.numActions})), got dtype |b1`, { details: { reason: 'dtype', got: actions.dtype } });
  }
  if (actions.shape.length !== 1 || actions.shape[0] !== N) {
    throw new MfgError('MFG_ERR_ENV_BAD_ACTION', `actions must have shape [${N}] (one per agent), got [${actions.shape.join(', ')}]`, {
      details: { reason: 'shape', expected: [N], got: actions.shape },
    });
  }
  const s = env.step(wireToFloat64(actions, 'actions'));
  return {
    obs: obsToWire(env, s.obs, s.features),
    rewards: float64ToWire(s.rewards, [N]),
    terminated: boolToWire(s.terminated, [N]),
    truncated: boolToWire(s.truncated, [N]),
    infos: infosToWire(env, s.infos),
  };
};
