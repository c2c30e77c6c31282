import type { MfgVectorEnv } from '../../gym/vector-env';
import { float64ToWire, int32ToWire, type WireArray } from '../wire-array';

/**
 * Observations on the wire: <i8 [N, d+1] (state coordinates, t); with population features a
 * <f8 [N, d+1+F] whose rows continue with the F features (the Box of make's observation_space).
 */
export function obsToWire(env: MfgVectorEnv, obs: Int32Array, features: Float64Array | undefined): WireArray {
  const N = env.numAgents;
  const D = env.obsDim;
  const F = env.features.dim;
  if (F === 0 || features === undefined) return int32ToWire(obs, [N, D]);
  const out = new Float64Array(N * (D + F));
  for (let i = 0; i < N; i++) {
    const row = i * (D + F);
    for (let j = 0; j < D; j++) out[row + j] = obs[i * D + j]!;
    for (let f = 0; f < F; f++) out[row + D + f] = features[i * F + f]!;
  }
  return float64ToWire(out, [N, D + F]);
}
