import type { FiniteGame } from '../core/finite-game';
import { uniformRow } from '../core/tabular/policy';
import type { FinitePopulationFlow } from '../populations/population';

/** L_t(s, a) of population 0 for every epoch, [H*S*A], read from a population's tables. */
export function jointFlow(game: FiniteGame, population: FinitePopulationFlow): Float64Array {
  const pop = game.populations[0]!;
  const SA = pop.numStates * pop.numActions;
  const out = new Float64Array(game.horizon * SA);
  for (let t = 0; t < game.horizon; t++) out.set(population.meanFieldAt(t)![0]!, t * SA);
  return out;
}

/**
 * The policy a joint flow plays: pi_t(a|s) = L_t(s, a) / mu_t(s), uniform over the legal
 * actions where mu_t(s) = 0. Applied to fictitious play's averaged flow, this is the average
 * policy of the iterates (each weighted by its own state mass), without ever storing them.
 */
export function policyOfFlow(game: FiniteGame, L: Float64Array): Float64Array {
  const pop = game.populations[0]!;
  const { numStates: S, numActions: A } = pop;
  const uniform = uniformRow(pop);
  const out = new Float64Array(L.length);
  for (let ts = 0; ts < game.horizon * S; ts++) {
    const row = ts * A;
    const s = ts % S;
    let mu = 0;
    for (let a = 0; a < A; a++) mu += L[row + a]!;
    for (let a = 0; a < A; a++) out[row + a] = mu > 0 ? L[row + a]! / mu : uniform[s * A + a]!;
  }
  return out;
}
