import { MfgError } from '../errors';
import type { FiniteGame, FinitePopulation } from '../finite-game';

/**
 * A tabular policy: one Float64Array per population, pi[p][t*S*A + s*A + a] = pi_t(a | s).
 * Rows put all their mass on legal actions.
 */
export type TabularPolicy = Float64Array[];

/** A time-indexed table per population with the policy's layout (flows, Q values). */
export type TimeTable = Float64Array[];

export function tableSize(game: FiniteGame, p: number): number {
  const pop = game.populations[p]!;
  return game.horizon * pop.numStates * pop.numActions;
}

/** The uniform policy over legal actions at every state and epoch. */
export function uniformPolicy(game: FiniteGame): TabularPolicy {
  return game.populations.map((pop) => {
    const row = uniformRow(pop);
    const SA = row.length;
    const pi = new Float64Array(game.horizon * SA);
    for (let t = 0; t < game.horizon; t++) pi.set(row, t * SA);
    return pi;
  });
}

/** One epoch of the uniform-over-legal policy (length S*A). */
export function uniformRow(pop: FinitePopulation): Float64Array {
  const { numStates: S, numActions: A, legal } = pop;
  const out = new Float64Array(S * A);
  for (let s = 0; s < S; s++) {
    let n = 0;
    for (let a = 0; a < A; a++) n += legal === null || legal[s * A + a] === 1 ? 1 : 0;
    for (let a = 0; a < A; a++) out[s * A + a] = legal === null || legal[s * A + a] === 1 ? 1 / n : 0;
  }
  return out;
}

export function clonePolicy(pi: TabularPolicy): TabularPolicy {
  return pi.map((x) => x.slice());
}

/**
 * Checks a policy given from outside (a file, the wire): shape, non-negative rows summing to
 * one, no mass on illegal actions. Names the first offending entry.
 */
export function checkPolicy(game: FiniteGame, pi: TabularPolicy, tol = 1e-6): void {
  if (pi.length !== game.populations.length) {
    throw new MfgError('MFG_ERR_POLICY_BAD_SHAPE', `policy has ${pi.length} populations, the game has ${game.populations.length}`);
  }
  game.populations.forEach((pop, p) => {
    const { numStates: S, numActions: A, legal } = pop;
    const table = pi[p]!;
    if (table.length !== game.horizon * S * A) {
      throw new MfgError('MFG_ERR_POLICY_BAD_SHAPE', `policy of population ${p} has ${table.length} entries, expected H*S*A = ${game.horizon}*${S}*${A}`, {
        details: { population: p, expected: [game.horizon, S, A], got: table.length },
      });
    }
    for (let t = 0; t < game.horizon; t++) {
      for (let s = 0; s < S; s++) {
        let total = 0;
        for (let a = 0; a < A; a++) {
          const v = table[(t * S + s) * A + a]!;
          if (!(v >= 0) || (legal !== null && legal[s * A + a] === 0 && v !== 0)) {
            throw new MfgError('MFG_ERR_POLICY_NOT_DISTRIBUTION', `policy[${p}][t=${t}][s=${s}][a=${a}] = ${v} is not a probability of a legal action`, {
              details: { population: p, t, s, a, value: v },
            });
          }
          total += v;
        }
        if (Math.abs(total - 1) > tol) {
          throw new MfgError('MFG_ERR_POLICY_NOT_DISTRIBUTION', `policy[${p}][t=${t}][s=${s}] sums to ${total}, expected 1`, {
            details: { population: p, t, s, sum: total },
          });
        }
      }
    }
  });
}
