import type { MfgVectorEnv, VectorInfos } from '../../gym/vector-env';
import { boolToWire, int32ToWire } from '../wire-array';
import { obsToWire } from './obs-to-wire';

/** Vector infos in the wire form: arrays over the N agents, Gymnasium's "_key" masks. */
export function infosToWire(env: MfgVectorEnv, infos: VectorInfos): Record<string, unknown> {
  const N = env.numAgents;
  const A = env.numActions;
  const out: Record<string, unknown> = {
    action_mask: boolToWire(infos.actionMask, [N, A]),
    t: int32ToWire(infos.t, [N]),
  };
  if (infos.illegalAction !== undefined) out.illegal_action = boolToWire(infos.illegalAction, [N]);
  if (infos.finalObs !== undefined) {
    out.final_obs = obsToWire(env, infos.finalObs, infos.finalFeatures);
    out._final_obs = boolToWire(infos.finalObsMask!, [N]);
    out.final_info = { action_mask: boolToWire(infos.finalInfo!.actionMask, [N, A]), t: int32ToWire(infos.finalInfo!.t, [N]) };
    out._final_info = boolToWire(infos.finalInfoMask!, [N]);
  }
  return out;
}
