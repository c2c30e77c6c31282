import { MfgError } from '../../core/errors';
import type { Handler } from '../handler-context';
import { wireToBool, type WireArray } from '../wire-array';
import { obsToWire } from './obs-to-wire';
import { infosToWire } from './infos-to-wire';
import { ContinuousVectorEnv } from '../../gym/continuous/continuous-vector-env';
import { continuousInfosToWire, continuousObsToWire } from './continuous-wire';

export const reset: Handler = (req, ctx) => {
  const env = ctx.sessions.env(ctx.session, req.handle as string);
  const options = (req.options ?? {}) as { reset_mask?: WireArray };
  let resetMask: Uint8Array | undefined;
  if (options.reset_mask !== undefined) {
    const m = options.reset_mask;
    resetMask = wireToBool(m, 'options.reset_mask');
    if (m.shape.length !== 1 || m.shape[0] !== env.numAgents) {
      throw new MfgError('MFG_ERR_ENV_BAD_OPTION', `options.reset_mask must have shape [${env.numAgents}], got [${m.shape.join(', ')}]`, {
        details: { option: 'reset_mask', expected: [env.numAgents], got: m.shape },
      });
    }
  }
  const seed = req.seed as number | number[] | null | undefined;
  const resetOptions = resetMask === undefined ? {} : { resetMask };
  if (env instanceof ContinuousVectorEnv) {
    const c = env.reset(seed, resetOptions);
    return { obs: continuousObsToWire(env, c.obs), infos: continuousInfosToWire(env, c.infos) };
  }
  const r = env.reset(seed, resetOptions);
  return { obs: obsToWire(env, r.obs, r.features), infos: infosToWire(env, r.infos) };
};
