import { MfgError } from '../../core/errors';
import type { Box } from '../../core/spaces/box';
import type { OutOfBoundsMode } from './continuous-env-types';

/**
 * Validates one step's actions: N rows of the action dimension dA, row-major, each component a
 * number inside the action Box. NaN is refused (reason 'nan'); a value outside the Box (±Infinity
 * included) is refused with reason 'range', or clipped into the Box in 'clip' mode. Agents with
 * stepping(i) false (being reset by next_step) are not checked: their action is ignored. Writes
 * the actions as float64 into out, clipped where the mode says so (the caller's array is never written).
 */
export function checkContinuousActions(
  actions: ArrayLike<number>,
  N: number,
  space: Box,
  mode: OutOfBoundsMode,
  stepping: (i: number) => boolean,
  out: Float64Array = new Float64Array(N * space.size),
): Float64Array {
  const dA = space.size;
  if (actions.length !== N * dA) {
    throw new MfgError('MFG_ERR_ENV_BAD_ACTION', `expected ${N * dA} action values (shape [${N}, ${dA}]: one row of ${dA} per agent), got ${actions.length}`, {
      details: { reason: 'shape', expected: [N, dA], got: [actions.length] },
    });
  }
  for (let j = 0; j < out.length; j++) out[j] = actions[j]!;
  const { low, high } = space;
  for (let i = 0; i < N; i++) {
    if (!stepping(i)) continue;
    for (let k = 0; k < dA; k++) {
      const j = i * dA + k;
      const a = out[j]!;
      if (Number.isNaN(a)) {
        throw new MfgError('MFG_ERR_ENV_BAD_ACTION', `action of agent ${i} (component ${k}) is NaN`, { details: { agent: i, component: k, value: 'NaN', reason: 'nan' } });
      }
      if (a >= low[k]! && a <= high[k]! && Number.isFinite(a)) continue;
      if (mode === 'clip') {
        out[j] = Math.min(high[k]!, Math.max(low[k]!, a));
        continue;
      }
      throw new MfgError('MFG_ERR_ENV_BAD_ACTION', `action of agent ${i} (component ${k}) is ${a}, outside the action Box [${low[k]}, ${high[k]}]`, {
        details: { agent: i, component: k, value: Number.isFinite(a) ? a : String(a), reason: 'range', low: boundForJson(low[k]!), high: boundForJson(high[k]!) },
      });
    }
  }
  return out;
}

function boundForJson(x: number): number | string {
  return Number.isFinite(x) ? x : x > 0 ? 'inf' : '-inf';
}
