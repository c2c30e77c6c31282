import type { FiniteGame } from '../finite-game';
import { epochView } from './forward-flow';
import type { TimeTable } from './policy';

export interface QTables {
  /** Q*_t(s, a) against the flow (optimal continuation), or null when not asked for. */
  qStar: Float64Array | null;
  /** Q^pi_t(s, a) against the flow, or null when no policy was given. */
  qPolicy: Float64Array | null;
}

/**
 * Backward induction for population p against a fixed flow L (DESIGN §1):
 *   Q_{H-1} = r_{H-1};  Q*_t = r_t + P_t · max_{a' legal} Q*_{t+1};  Q^pi_t = r_t + P_t · sum_a' pi_{t+1} Q^pi_{t+1}.
 * One pass computes both, sharing the reward and kernel of each epoch.
 */
export function backwardInduction(game: FiniteGame, flow: TimeTable, p: number, options: { optimal: boolean; policy?: Float64Array | null }): QTables {
  const pop = game.populations[p]!;
  const { numStates: S, numActions: A, legal } = pop;
  const SA = S * A;
  const H = game.horizon;
  const policy = options.policy ?? null;
  const qStar = options.optimal ? new Float64Array(H * SA) : null;
  const qPolicy = policy ? new Float64Array(H * SA) : null;
  const reward = new Float64Array(SA);
  const vStar = new Float64Array(S);
  const vPolicy = new Float64Array(S);
  for (let t = H - 1; t >= 0; t--) {
    const Lt = epochView(game, flow, t);
    game.reward(p, t, Lt, reward);
    const base = t * SA;
    if (qStar) qStar.set(reward, base);
    if (qPolicy) qPolicy.set(reward, base);
    if (t === H - 1) continue;
    const next = base + SA;
    if (qStar) maxOverLegal(qStar, next, S, A, legal, vStar);
    if (qPolicy) expectationUnder(qPolicy, policy!, next, S, A, vPolicy);
    const k = game.transition(p, t, Lt);
    const { rowStart, next: to, prob } = k;
    for (let r = 0; r < SA; r++) {
      let cs = 0;
      let cp = 0;
      for (let j = rowStart[r]!, end = rowStart[r + 1]!; j < end; j++) {
        const q = prob[j]!;
        const s2 = to[j]!;
        cs += q * vStar[s2]!;
        cp += q * vPolicy[s2]!;
      }
      if (qStar) qStar[base + r]! += cs;
      if (qPolicy) qPolicy[base + r]! += cp;
    }
  }
  return { qStar, qPolicy };
}

/** V(s) = max over legal a of Q[offset + s*A + a], into out. */
export function maxOverLegal(q: Float64Array, offset: number, S: number, A: number, legal: Uint8Array | null, out: Float64Array): Float64Array {
  for (let s = 0; s < S; s++) {
    let m = -Infinity;
    const row = offset + s * A;
    for (let a = 0; a < A; a++) {
      if (legal !== null && legal[s * A + a] === 0) continue;
      const v = q[row + a]!;
      if (v > m) m = v;
    }
    out[s] = m;
  }
  return out;
}

/** V(s) = sum_a pi[offset + s*A + a] Q[offset + s*A + a], into out. */
export function expectationUnder(q: Float64Array, pi: Float64Array, offset: number, S: number, A: number, out: Float64Array): Float64Array {
  for (let s = 0; s < S; s++) {
    let v = 0;
    const row = offset + s * A;
    for (let a = 0; a < A; a++) {
      const w = pi[row + a]!;
      if (w !== 0) v += w * q[row + a]!;
    }
    out[s] = v;
  }
  return out;
}
