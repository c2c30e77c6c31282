import type { FiniteGame } from '../finite-game';

/**
 * Greedy policy from Q: at each (t, s), uniform over the legal actions whose Q equals the
 * maximum exactly (float equality), as DESIGN §1 and MFGLib's Greedy_Policy do, so results
 * are reproducible and match the reference implementation.
 */
export function greedyPolicy(q: Float64Array, H: number, S: number, A: number, legal: Uint8Array | null, out = new Float64Array(H * S * A)): Float64Array {
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
      const isMax = (legal === null || legal[s * A + a] === 1) && q[row + a] === m;
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
export function greedyBestResponse(game: FiniteGame, qStar: readonly Float64Array[]): Float64Array[] {
  return game.populations.map((pop, p) => greedyPolicy(qStar[p]!, game.horizon, pop.numStates, pop.numActions, pop.legal));
}
