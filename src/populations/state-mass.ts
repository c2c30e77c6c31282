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
