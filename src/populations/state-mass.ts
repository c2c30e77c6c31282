import type { Rng } from '../core/rng';

/**
 * State masses of a stack of joint tables: out[i] = sum_a table[i*A + a] for every row i
 * (rows = H*S for a whole flow, S for one epoch).
 */
export function stateMasses(table: Float64Array, rows: number, numActions: number, out = new Float64Array(rows)): Float64Array {
  for (let i = 0, k = 0; i < rows; i++) {
    let m = 0;
    for (let a = 0; a < numActions; a++, k++) m += table[k]!;
    out[i] = m;
  }
  return out;
}

/**
 * Total variation between exp(logMass) over S states and the state marginal of one epoch of a
 * joint table, joint[offset + s*A + a]: half the L1 distance, the exact TV a finite fit reports.
 */
export function tvToJointEpoch(logMass: Float64Array, joint: Float64Array, offset: number, numStates: number, numActions: number): number {
  let tv = 0;
  for (let s = 0, k = offset; s < numStates; s++) {
    let m = 0;
    for (let a = 0; a < numActions; a++, k++) m += joint[k]!;
    tv += Math.abs(Math.exp(logMass[s]!) - m);
  }
  return tv / 2;
}

/**
 * One index drawn from the cumulative masses cdf (non-decreasing, need not end at 1), by binary
 * search: O(log S) a draw, so sampling a 512x512 grid costs no more than a 3-state one. A state
 * of zero mass is never drawn (the search returns the first cdf[s] > u).
 */
export function drawFromCdf(cdf: Float64Array, rng: Rng): number {
  const u = rng.random() * cdf[cdf.length - 1]!;
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid]! > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** n indices drawn from the cumulative masses cdf (drawFromCdf n times). */
export function sampleFromCdf(cdf: Float64Array, n: number, rng: Rng, out = new Int32Array(n)): Int32Array {
  for (let i = 0; i < n; i++) out[i] = drawFromCdf(cdf, rng);
  return out;
}
