import { MfgError } from '../errors';
import type { FiniteGame } from '../finite-game';

/**
 * How a greedy policy splits exact ties (float equality) between maximisers:
 * - 'uniform': uniform over every legal maximiser (DESIGN §1, MFGLib's Greedy_Policy), the default;
 * - 'first': all the mass on the lowest-index legal maximiser (OpenSpiel's np.argmax), which is
 *   what reproduces OpenSpiel's fictitious-play traces.
 */
export type TieBreak = 'uniform' | 'first';
export const TIE_BREAKS: readonly TieBreak[] = ['uniform', 'first'];

/** Checks a tie rule given from outside (a CLI flag, an API caller), naming the bad value. */
export function checkTieBreak(value: unknown, where = 'tieBreak'): TieBreak {
  if (!TIE_BREAKS.includes(value as TieBreak)) {
    throw new MfgError('MFG_ERR_SOLVER_BAD_PARAM', `${where} = ${JSON.stringify(value)} is invalid, expected one of ${TIE_BREAKS.join(', ')}`, {
      details: { param: 'tieBreak', value, expected: TIE_BREAKS },
    });
  }
  return value as TieBreak;
}

/**
 * Greedy policy from Q: at each (t, s), over the legal actions whose Q equals the maximum
 * exactly, uniform ('uniform', DESIGN §1 and MFGLib) or the first of them ('first', OpenSpiel),
 * so results are reproducible and match the reference implementation chosen.
 */
export function greedyPolicy(
  q: Float64Array,
  H: number,
  S: number,
  A: number,
  legal: Uint8Array | null,
  out = new Float64Array(H * S * A),
  tieBreak: TieBreak = 'uniform',
): Float64Array {
  const first = tieBreak === 'first';
  for (let ts = 0; ts < H * S; ts++) {
    const row = ts * A;
    const s = ts % S;
    let m = -Infinity;
    for (let a = 0; a < A; a++) {
      if (legal !== null && legal[s * A + a] === 0) continue;
      if (q[row + a]! > m) m = q[row + a]!;
    }
    let n = 0;
    for (let a = 0; a < A; a++) {
      const isMax = (legal === null || legal[s * A + a] === 1) && q[row + a] === m && !(first && n > 0);
      out[row + a] = isMax ? 1 : 0;
      n += isMax ? 1 : 0;
    }
    for (let a = 0; a < A; a++) out[row + a]! /= n;
  }
  return out;
}

/**
 * Softmax policy pi(a|s) ∝ exp(scale · y(s, a)) over legal actions (illegal get 0), with the
 * maximum subtracted first for stability. Used by mirror descent, Boltzmann iteration and
 * softmax best responses (scale = 1/temperature).
 */
export function softmaxPolicy(y: Float64Array, scale: number, H: number, S: number, A: number, legal: Uint8Array | null, out = new Float64Array(H * S * A)): Float64Array {
  for (let ts = 0; ts < H * S; ts++) {
    const row = ts * A;
    const s = ts % S;
    let m = -Infinity;
    for (let a = 0; a < A; a++) {
      if (legal !== null && legal[s * A + a] === 0) continue;
      const v = scale * y[row + a]!;
      if (v > m) m = v;
    }
    let z = 0;
    for (let a = 0; a < A; a++) {
      if (legal !== null && legal[s * A + a] === 0) {
        out[row + a] = 0;
        continue;
      }
      const e = Math.exp(scale * y[row + a]! - m);
      out[row + a] = e;
      z += e;
    }
    for (let a = 0; a < A; a++) out[row + a]! /= z;
  }
  return out;
}

/** Greedy best response of every population to the given Q* tables. */
export function greedyBestResponse(game: FiniteGame, qStar: readonly Float64Array[], tieBreak: TieBreak = 'uniform'): Float64Array[] {
  return game.populations.map((pop, p) => greedyPolicy(qStar[p]!, game.horizon, pop.numStates, pop.numActions, pop.legal, undefined, tieBreak));
}
