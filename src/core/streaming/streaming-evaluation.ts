import type { FiniteGame } from '../finite-game';
import type { PopulationEvaluation } from '../tabular/exploitability';
import type { TieBreak } from '../tabular/best-response';
import { MaskPolicy, type ActionMasks, type PolicySource } from './policy-source';
import { jointAt, type StateFlow } from './state-flow';

/** What a streaming evaluation returns: the values of evaluatePolicy, and the greedy best response compactly. */
export interface StreamingEvaluation {
  populations: PopulationEvaluation[];
  exploitability: number;
  bestResponseValue: number;
  policyValue: number;
  /** The greedy best response to the flow (uniform over exact maximisers), as masks; null when not asked for. */
  bestResponse: MaskPolicy | null;
  /** Peak bytes of the per-epoch working set (buffers of size S·A and S), excluding the inputs. */
  workingBytes: number;
}

/**
 * Exact evaluation against a flow, walking the epochs backward with O(S·A) working memory per
 * population (issue 7): at each t it rebuilds L_t = mu_t·pi_t from the flow's state marginals,
 * asks the game for r_t and P_t, and carries only V*_{t+1} and V^pi_{t+1} (length S) back:
 *   Q*_t = r_t + P_t·V*_{t+1},  Q^pi_t = r_t + P_t·V^pi_{t+1},
 *   V*_t = max_{a legal} Q*_t,   V^pi_t = sum_a pi_t Q^pi_t.
 * No Q table of size H·S·A is held. The arithmetic is backwardInduction's and valuesFromQ's, so
 * with the exact flow (forwardStateFlow) the values equal evaluatePolicy's. When asked, the greedy
 * best response is recorded on the way as one action bitmask per (t, s) (MaskPolicy), the exact
 * maximisers greedyPolicy would play.
 */
export function streamingEvaluation(game: FiniteGame, policy: PolicySource, flow: StateFlow, options: { bestResponse?: boolean; tieBreak?: TieBreak } = {}): StreamingEvaluation {
  const firstOnly = options.tieBreak === 'first';
  const H = game.horizon;
  const pops = game.populations;
  const br = options.bestResponse ? MaskPolicy.allocate(game) : null;
  const buf = pops.map((pop) => {
    const { numStates: S, numActions: A } = pop;
    return {
      mu: new Float64Array(S),
      pi: new Float64Array(S * A),
      L: new Float64Array(S * A),
      reward: new Float64Array(S * A),
      qStar: new Float64Array(S * A),
      qPolicy: new Float64Array(S * A),
      vStar: new Float64Array(S),
      vPolicy: new Float64Array(S),
    };
  });
  const workingBytes = buf.reduce((n, b) => n + Object.values(b).reduce((m, x) => m + x.byteLength, 0), 0);
  const L = buf.map((b) => b.L);
  const pis: Float64Array[] = new Array<Float64Array>(pops.length);
  for (let t = H - 1; t >= 0; t--) {
    pops.forEach((pop, p) => {
      const b = buf[p]!;
      pis[p] = policy.epoch(p, t, b.pi);
      jointAt(flow.statesAt(p, t, b.mu), pis[p]!, pop.numActions, b.L);
    });
    pops.forEach((pop, p) => {
      const { numStates: S, numActions: A, legal } = pop;
      const SA = S * A;
      const b = buf[p]!;
      game.reward(p, t, L, b.reward);
      b.qStar.set(b.reward);
      b.qPolicy.set(b.reward);
      if (t < H - 1) {
        // vStar / vPolicy hold V_{t+1} here; add the continuation as backwardInduction does.
        const { rowStart, next, prob } = game.transition(p, t, L);
        for (let r = 0; r < SA; r++) {
          let cs = 0;
          let cp = 0;
          for (let j = rowStart[r]!, end = rowStart[r + 1]!; j < end; j++) {
            const q = prob[j]!;
            const s2 = next[j]!;
            cs += q * b.vStar[s2]!;
            cp += q * b.vPolicy[s2]!;
          }
          b.qStar[r]! += cs;
          b.qPolicy[r]! += cp;
        }
      }
      valuesAt(b.qStar, b.qPolicy, pis[p]!, S, A, legal, b.vStar, b.vPolicy, br ? br.masks[p]!.subarray(t * S, (t + 1) * S) : null, firstOnly);
    });
  }
  const populations = pops.map((pop, p): PopulationEvaluation => {
    const b = buf[p]!;
    let best = 0;
    let value = 0;
    for (let s = 0; s < pop.numStates; s++) {
      const m = pop.mu0[s]!;
      if (m === 0) continue;
      best += m * b.vStar[s]!;
      value += m * b.vPolicy[s]!;
    }
    return { bestResponseValue: best, policyValue: value, exploitability: best - value };
  });
  const sum = (f: (e: PopulationEvaluation) => number): number => populations.reduce((acc, e) => acc + f(e), 0);
  return {
    populations,
    exploitability: sum((e) => e.exploitability),
    bestResponseValue: sum((e) => e.bestResponseValue),
    policyValue: sum((e) => e.policyValue),
    bestResponse: br,
    workingBytes,
  };
}

/**
 * V*(s) = max over legal a of Q*(s, a) and V^pi(s) = sum_a pi(a|s) Q^pi(s, a) (skipping zero
 * weights, as expectationUnder and valuesFromQ do), and the mask of the exact maximisers (or of
 * the first one, with the 'first' tie rule).
 */
function valuesAt(qStar: Float64Array, qPolicy: Float64Array, pi: Float64Array, S: number, A: number, legal: Uint8Array | null, vStar: Float64Array, vPolicy: Float64Array, masks: ActionMasks | null, firstOnly: boolean): void {
  for (let s = 0; s < S; s++) {
    const row = s * A;
    let m = -Infinity;
    let v = 0;
    for (let a = 0; a < A; a++) {
      const w = pi[row + a]!;
      if (w !== 0) v += w * qPolicy[row + a]!;
      if (legal !== null && legal[row + a] === 0) continue;
      if (qStar[row + a]! > m) m = qStar[row + a]!;
    }
    vStar[s] = m;
    vPolicy[s] = v;
    if (masks !== null) {
      let bits = 0;
      for (let a = 0; a < A; a++) if ((legal === null || legal[row + a] === 1) && qStar[row + a] === m) bits |= 1 << a;
      // 'first' keeps the lowest-index maximiser only (greedyPolicy's rule), 'uniform' all of them.
      masks[s] = (firstOnly ? bits & -bits : bits) >>> 0;
    }
  }
}
