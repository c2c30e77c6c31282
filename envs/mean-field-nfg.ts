import type { FiniteGame } from '../src/core/finite-game';
import { deterministicKernel } from '../src/core/kernel';
import { singlePopulationGame } from '../src/core/single-population-game';
import type { EnvSpec } from '../src/registry/env-spec';

export type MeanFieldNFGName = 'coop' | 'dom' | 'biased_indirect_rps';

export interface MeanFieldNFGKwargs extends Record<string, unknown> {
  game: MeanFieldNFGName;
}

/** Payoff of action i against the action shares nu = (nu_a, nu_b, nu_c) (OpenSpiel normal_form_game.py). */
const PAYOFFS: Record<MeanFieldNFGName, (i: number, na: number, nb: number, nc: number) => number> = {
  // A game incentivising cooperation.
  coop: (i, na, nb, nc) =>
    i === 0 ? 10 * na - (200 / 9) * (na - nc) * nc - 20 * nb : i === 1 ? 20 * (na - nb) - 2380 * nc : (2000 / 9) * (na - nc) * nc,
  // Action 2 is dominated by action 0 (it pays 0.25 less against every population).
  dom: (i, na, nb, nc) => (i === 0 ? na + nc : i === 1 ? nb : na + nc - 0.25),
  // Rock-paper-scissors on the shares weighted 0.7, 0.5, 0.3.
  biased_indirect_rps: (i, na, nb, nc) => {
    const a = 0.7 * na;
    const b = 0.5 * nb;
    const c = 0.3 * nc;
    return i === 0 ? b - c : i === 1 ? c - a : a - b;
  },
};

/**
 * MeanFieldNFG: OpenSpiel's static mean-field normal-form games (`mean_field_nfg`) in the
 * one-convention model: H = 2, everyone starts in `start` (state 0), action i leads to state
 * 1 + i, and at t = 1 state 1 + i pays the game's payoff of i against the shares
 * nu = (mu_1(1), mu_1(2), mu_1(3)); `start` pays 0. As for RockPaperScissors-v0.
 */
export function meanFieldNFG(kwargs: Partial<MeanFieldNFGKwargs> = {}): FiniteGame {
  const payoff = PAYOFFS[kwargs.game ?? 'coop'];
  const A = 3;
  const kernel = deterministicKernel(4, A, (_s, a) => 1 + a);
  const rewardOf = (s: number, mu: (s: number) => number): number => (s === 0 ? 0 : payoff(s - 1, mu(1), mu(2), mu(3)));
  return singlePopulationGame({
    name: 'agents',
    horizon: 2,
    numStates: 4,
    numActions: A,
    mu0: Float64Array.of(1, 0, 0, 0),
    stateLabels: ['start', 'a', 'b', 'c'],
    actionLabels: ['a', 'b', 'c'],
    dynamicsDependOnMeanField: false,
    reward(_t, L, out) {
      const mu = (s: number): number => L[s * A]! + L[s * A + 1]! + L[s * A + 2]!;
      for (let s = 0; s < 4; s++) {
        const r = rewardOf(s, mu);
        for (let a = 0; a < A; a++) out[s * A + a] = r;
      }
    },
    transition: () => kernel,
    rewardAt: (_t, s, _a, q) => rewardOf(s, (x) => q.stateMass(0, x)),
  });
}

export const meanFieldNFGSpec: EnvSpec<MeanFieldNFGKwargs> = {
  id: 'MeanFieldNFG-v0',
  kind: 'finite',
  description:
    'MeanFieldNFG: static mean-field normal-form games with three actions, played once (H=2: the action at t=0 leads to its ' +
    'own state, paid at t=1 against the population\'s action shares nu). game="coop": 10nu_a - (200/9)(nu_a - nu_c)nu_c - ' +
    '20nu_b, 20(nu_a - nu_b) - 2380nu_c, (2000/9)(nu_a - nu_c)nu_c; "dom": nu_a + nu_c, nu_b, nu_a + nu_c - 0.25 (a dominated ' +
    'action); "biased_indirect_rps": rock-paper-scissors on 0.7nu_a, 0.5nu_b, 0.3nu_c. Source: Muller, Rowland, Elie, ' +
    'Piliouras, Perolat, Lauriere, Marinier, Pietquin, Tuyls, "Learning equilibria in mean-field games: introducing mean-field ' +
    'PSRO" (AAMAS 2022); OpenSpiel python/mfg/games/normal_form_game.py.',
  kwargsSchema: {
    type: 'object',
    properties: {
      game: { type: 'string', enum: ['coop', 'dom', 'biased_indirect_rps'], default: 'coop', description: 'Which payoff table.' },
    },
    additionalProperties: false,
  },
  create: (kwargs) => meanFieldNFG(kwargs),
  cost: () => ({ states: 4, actions: 3, horizon: 2, branching: 1 }),
};
