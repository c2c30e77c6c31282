import type { FinitePopulation } from '../core/finite-game';

/**
 * Log-space policies for the mirror-descent solvers (OMD, Munchausen OMD, prior descent).
 *
 * Those updates multiply a policy by exp(alpha·Q) again and again. Done on probabilities, an
 * entry below ~1e-308 underflows to exactly 0 and log 0 = -inf then freezes it for good (the
 * action is lost even if it becomes the best one). Kept as log-probabilities, every legal entry
 * stays finite however far it falls, so it can always come back.
 */

/**
 * The mass a zero of a given initial policy is read as: log 1e-12 = -27.6. Mirror descent lives
 * in the interior of the simplex (its mirror map, the entropy, has an infinite gradient on the
 * boundary), so a deterministic initial policy is taken as the nearest interior start, within
 * 1e-12 of the given one in every entry. Entries >= 1e-12 are kept exactly; the run still
 * records the given policy itself as iteration 0.
 */
export const INITIAL_LOG_FLOOR = Math.log(1e-12);

/** log of an initial policy, legal zeros read as INITIAL_LOG_FLOOR, illegal entries -inf. */
export function initialLogPolicy(pi: Float64Array, horizon: number, pop: FinitePopulation): Float64Array {
  const S = pop.numStates;
  const A = pop.numActions;
  const legal = pop.legal;
  const out = new Float64Array(pi.length);
  for (let ts = 0; ts < horizon * S; ts++) {
    const s = ts % S;
    for (let a = 0; a < A; a++) {
      const j = ts * A + a;
      out[j] = legal !== null && legal[s * A + a] === 0 ? -Infinity : Math.max(Math.log(pi[j]!), INITIAL_LOG_FLOOR);
    }
  }
  return logSoftmax(out, horizon, pop, out);
}

/**
 * log-softmax over the legal actions of every (t, s) row: y - logsumexp(y), the maximum taken
 * out first. Illegal entries are -inf. `out` may be `y` itself.
 */
export function logSoftmax(y: Float64Array, horizon: number, pop: FinitePopulation, out: Float64Array = new Float64Array(y.length)): Float64Array {
  const S = pop.numStates;
  const A = pop.numActions;
  const legal = pop.legal;
  for (let ts = 0; ts < horizon * S; ts++) {
    const row = ts * A;
    const s = ts % S;
    const m = legalRowMax(y, row, s, A, legal);
    let z = 0;
    for (let a = 0; a < A; a++) if (legal === null || legal[s * A + a] === 1) z += Math.exp(y[row + a]! - m);
    // (y - m) - log z, not y - (m + log z): m + log z would round to the ulp of m, which is
    // large once OMD's accumulated logits are (|y| ~ 1e6 on Maze after 200 steps).
    const logZ = Math.log(z);
    for (let a = 0; a < A; a++) out[row + a] = legal === null || legal[s * A + a] === 1 ? y[row + a]! - m - logZ : -Infinity;
  }
  return out;
}

/**
 * The probability table of a normalised log-policy. A legal entry whose probability is below
 * the smallest positive double (log pi < -744.4) is rounded up to that double (5e-324) rather
 * than to 0, so the table's support is the legal set, as it is exactly; the change is below
 * what any sum of probabilities can register (1 + 5e-324 === 1). Illegal entries are 0.
 */
export function policyFromLog(logPi: Float64Array): Float64Array {
  const out = new Float64Array(logPi.length);
  for (let j = 0; j < logPi.length; j++) {
    const l = logPi[j]!;
    out[j] = l === -Infinity ? 0 : Math.max(Math.exp(l), Number.MIN_VALUE);
  }
  return out;
}

/**
 * Subtracts from every (t, s) row of y its maximum over the legal actions, in place. The softmax
 * does not change; the logits stay near 0 instead of growing with the accumulated sum, so each
 * addition rounds at the scale of the gaps between actions rather than of |y|.
 */
export function shiftToRowMax(y: Float64Array, horizon: number, pop: FinitePopulation): Float64Array {
  const S = pop.numStates;
  const A = pop.numActions;
  const legal = pop.legal;
  for (let ts = 0; ts < horizon * S; ts++) {
    const row = ts * A;
    const s = ts % S;
    const m = legalRowMax(y, row, s, A, legal);
    if (m !== -Infinity) for (let a = 0; a < A; a++) y[row + a]! -= m;
  }
  return y;
}

/** max over the legal actions of row `row` of y (state s), -inf when none is legal. */
function legalRowMax(y: Float64Array, row: number, s: number, A: number, legal: Uint8Array | null): number {
  let m = -Infinity;
  for (let a = 0; a < A; a++) if ((legal === null || legal[s * A + a] === 1) && y[row + a]! > m) m = y[row + a]!;
  return m;
}
