import type { FiniteGame } from '../core/finite-game';
import { evaluatePolicy } from '../core/tabular/exploitability';

/** Floor of the probabilities inside D-MOMD's log terms (OpenSpiel's MIN_ACTION_PROB). */
export const MIN_ACTION_PROB = 1e-6;

/**
 * The tabular fixed point of the regression one D-MOMD iteration runs (d-momd.ts, Munchausen
 * alpha = 1) when the flow is the exact one of pi_k (exactFlow 1):
 *   Q*_{k+1}(t, s, a) = tau·log max(pi_k(a|s), MIN_ACTION_PROB) + Q^{pi_k}(t, s, a; Gamma(pi_k)).
 * Why: write the target's solution as Q = tau·lp_k + G (lp_k the floored log-policy). The
 * next-state term sum_a' pi_k(a'|s')·(Q(s', a') - tau·lp_k(a'|s')) is then sum_a' pi_k·G, so G
 * solves pi_k's own evaluation recursion, G = Q^{pi_k} (at t = H-1, Q = r + tau·lp_k directly).
 * softmax(Q*_{k+1}/tau) is exact MOMD's step pi_k·exp(Q^{pi_k}/tau) wherever pi_k is above the
 * floor. [H·S·A], population 0; illegal actions hold whatever (their policy entry is 0).
 */
export function exactMunchausenTarget(game: FiniteGame, piK: Float64Array, tau: number): Float64Array {
  const qPi = evaluatePolicy(game, [piK]).qPolicy[0]!;
  const out = new Float64Array(qPi.length);
  for (let j = 0; j < out.length; j++) out[j] = tau * Math.log(Math.max(piK[j]!, MIN_ACTION_PROB)) + qPi[j]!;
  return out;
}
