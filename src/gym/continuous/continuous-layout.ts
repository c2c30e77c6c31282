import type { ContinuousGame } from '../../core/continuous-game';
import { MfgError } from '../../core/errors';
import { Box } from '../../core/spaces/box';
import { CONTINUOUS_DTYPES, OUT_OF_BOUNDS_MODES, type ContinuousDtype, type OutOfBoundsMode } from './continuous-env-types';

/**
 * One agent's observation in a continuous game, following the finite env's convention (state
 * coordinates, then the epoch): Box of shape [d + 1] = (x_1, ..., x_d, t) with the state Box's
 * bounds and t in [0, H] (t = H in the terminal observation), in the env's dtype. For float32
 * the bounds are rounded to float32 (infinite bounds stay infinite).
 */
export function continuousObservationSpace(game: ContinuousGame, dtype: ContinuousDtype): Box {
  const s = game.stateSpace;
  const low = [...s.low, 0].map((x) => roundTo(x, dtype));
  const high = [...s.high, game.horizon].map((x) => roundTo(x, dtype));
  return new Box(low, high, [low.length], dtype);
}

/** The game's action Box in the env's dtype (bounds rounded to float32 for float32). */
export function continuousActionSpace(game: ContinuousGame, dtype: ContinuousDtype): Box {
  const a = game.actionSpace;
  return new Box([...a.low].map((x) => roundTo(x, dtype)), [...a.high].map((x) => roundTo(x, dtype)), [a.size], dtype);
}

/** A fresh float array of the dtype. */
export function floatArray(dtype: ContinuousDtype, n: number): Float32Array | Float64Array {
  return dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
}

/** Rows (x_i, t_i) of the N agents into a fresh array of the dtype. */
export function observationRows(state: Float64Array, epoch: Int32Array, d: number, dtype: ContinuousDtype): Float32Array | Float64Array {
  const N = epoch.length;
  const out = floatArray(dtype, N * (d + 1));
  for (let i = 0; i < N; i++) {
    for (let k = 0; k < d; k++) out[i * (d + 1) + k] = state[i * d + k]!;
    out[i * (d + 1) + d] = epoch[i]!;
  }
  return out;
}

export function checkDtype(x: unknown): ContinuousDtype {
  if (CONTINUOUS_DTYPES.includes(x as ContinuousDtype)) return x as ContinuousDtype;
  throw new MfgError('MFG_ERR_ENV_BAD_OPTION', `dtype must be one of ${CONTINUOUS_DTYPES.join(', ')}, got ${JSON.stringify(x)}`, { details: { option: 'dtype', value: String(x) } });
}

export function checkOutOfBounds(x: unknown): OutOfBoundsMode {
  if (OUT_OF_BOUNDS_MODES.includes(x as OutOfBoundsMode)) return x as OutOfBoundsMode;
  throw new MfgError('MFG_ERR_ENV_BAD_OPTION', `outOfBounds must be one of ${OUT_OF_BOUNDS_MODES.join(', ')}, got ${JSON.stringify(x)}`, {
    details: { option: 'out_of_bounds', value: String(x) },
  });
}

function roundTo(x: number, dtype: ContinuousDtype): number {
  return dtype === 'float32' ? Math.fround(x) : x;
}
