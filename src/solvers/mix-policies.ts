import type { FiniteGame } from '../core/finite-game';
import { uniformRow, type TabularPolicy, type TimeTable } from '../core/tabular/index';

/**
 * Mixes two policies so that the result's flow is (1-w)·Gamma(pi) + w·Gamma(pi_br) when the
 * dynamics ignore the mean field, as MFGLib's FictitiousPlay does:
 *   pi_new = [(1-w)·mu·pi + w·mu_br·pi_br] / [(1-w)·mu + w·mu_br]   per (t, s),
 * with mu, mu_br the state marginals of the two flows, and uniform over the legal actions where
 * both masses are 0 (MFGLib's nan_to_num). Mixing the policies themselves instead would weight
 * rarely visited states as much as crowded ones and not average the mean fields.
 * w = 1 returns pi_br itself, so an undamped fixed point stays greedy off its own path.
 */
export function mixPolicies(game: FiniteGame, pi: TabularPolicy, flow: TimeTable, piBr: TabularPolicy, flowBr: TimeTable, w: number): TabularPolicy {
  if (w === 1) return piBr.map((x) => x.slice());
  return game.populations.map((pop, p) => {
    const { numStates: S, numActions: A } = pop;
    const uniform = uniformRow(pop);
    const a0 = pi[p]!;
    const b0 = piBr[p]!;
    const L = flow[p]!;
    const Lb = flowBr[p]!;
    const out = new Float64Array(a0.length);
    const rows = game.horizon * S;
    for (let ts = 0; ts < rows; ts++) {
      const row = ts * A;
      let mu = 0;
      let muBr = 0;
      for (let a = 0; a < A; a++) {
        mu += L[row + a]!;
        muBr += Lb[row + a]!;
      }
      const wa = (1 - w) * mu;
      const wb = w * muBr;
      const denom = wa + wb;
      if (denom === 0) {
        const u = (ts % S) * A;
        for (let a = 0; a < A; a++) out[row + a] = uniform[u + a]!;
        continue;
      }
      for (let a = 0; a < A; a++) out[row + a] = (wa * a0[row + a]! + wb * b0[row + a]!) / denom;
    }
    return out;
  });
}
