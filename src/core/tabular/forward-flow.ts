import type { FiniteGame, MeanFieldAt } from '../finite-game';
import type { TabularPolicy, TimeTable } from './policy';

/**
 * The mean field of a policy, L = Gamma(pi) (DESIGN §1):
 *   L_0 = mu0 · pi_0;  L_{t+1}(s', a') = pi_{t+1}(a' | s') · sum_{s,a} L_t(s, a) P_t(s' | s, a; L_t).
 * All populations advance together, because each one's kernel may read every L_t.
 * Writes into `out` when given (the layout of the policy).
 */
export function meanFieldFlow(game: FiniteGame, policy: TabularPolicy, out?: TimeTable): TimeTable {
  const H = game.horizon;
  const pops = game.populations;
  const flow = out ?? pops.map((pop) => new Float64Array(H * pop.numStates * pop.numActions));
  const mus = pops.map((pop) => new Float64Array(pop.numStates));
  pops.forEach((pop, p) => {
    const { numStates: S, numActions: A } = pop;
    const L = flow[p]!;
    const pi = policy[p]!;
    for (let s = 0; s < S; s++) {
      const m = pop.mu0[s]!;
      for (let a = 0; a < A; a++) L[s * A + a] = m * pi[s * A + a]!;
    }
  });
  for (let t = 0; t + 1 < H; t++) {
    const Lt = epochView(game, flow, t);
    pops.forEach((pop, p) => {
      const { numStates: S, numActions: A } = pop;
      const SA = S * A;
      const mu = mus[p]!;
      pushForward(Lt[p]!, game.transition(p, t, Lt), mu);
      const L = flow[p]!;
      const pi = policy[p]!;
      const base = (t + 1) * SA;
      for (let s = 0; s < S; s++) {
        const m = mu[s]!;
        const row = base + s * A;
        for (let a = 0; a < A; a++) L[row + a] = m * pi[row + a]!;
      }
    });
  }
  return flow;
}

/** mu_{t+1}(s') = sum_{s,a} L_t(s, a) P(s' | s, a), into mu (overwritten). */
export function pushForward(Lt: Float64Array, kernel: { rowStart: Int32Array; next: Int32Array; prob: Float64Array; numRows: number }, mu: Float64Array): Float64Array {
  mu.fill(0);
  const { rowStart, next, prob, numRows } = kernel;
  for (let r = 0; r < numRows; r++) {
    const m = Lt[r]!;
    if (m === 0) continue;
    for (let j = rowStart[r]!, end = rowStart[r + 1]!; j < end; j++) mu[next[j]!]! += m * prob[j]!;
  }
  return mu;
}

/** Views of every population's L_t at epoch t (no copy). */
export function epochView(game: FiniteGame, flow: TimeTable, t: number): MeanFieldAt {
  return game.populations.map((pop, p) => {
    const SA = pop.numStates * pop.numActions;
    return flow[p]!.subarray(t * SA, (t + 1) * SA);
  });
}
