import { deterministicKernel } from '../src/core/kernel';
import type { FiniteGame } from '../src/core/finite-game';
import { singlePopulationGame } from '../src/core/single-population-game';
import type { EnvSpec } from '../src/registry/env-spec';

const START = 0;
const ROCK = 1;
const PAPER = 2;
const SCISSORS = 3;
const A = 3;

export interface RockPaperScissorsKwargs extends Record<string, unknown> {
  H: number;
}

/**
 * Payoff of a hand against the crowd, r(R) = 2mu(S) - mu(P), r(P) = 4mu(R) - 2mu(S),
 * r(S) = 6mu(P) - 3mu(R): Shapley's non-zero-sum variant, so the shares are not 1/3 each.
 */
function handReward(s: number, muR: number, muP: number, muS: number): number {
  if (s === ROCK) return 2 * muS - muP;
  if (s === PAPER) return 4 * muR - 2 * muS;
  if (s === SCISSORS) return 6 * muP - 3 * muR;
  return 0;
}

/**
 * RockPaperScissors (MFGLib `rock_paper_scissors`, T=1 so H=2): everyone starts in `start`
 * and plays a hand, s' = 1 + a; the hand pays against the population's hands at the next
 * epoch. The equilibrium plays (26, 20, 31)/77.
 */
export function rockPaperScissors(kwargs: Partial<RockPaperScissorsKwargs> = {}): FiniteGame {
  const H = kwargs.H ?? 2;
  // From any state, action a leads to hand 1 + a: with H > 2 agents replay a hand every epoch.
  const kernel = deterministicKernel(4, A, (_s, a) => 1 + a);
  const mass = (L: Float64Array, s: number): number => L[s * A]! + L[s * A + 1]! + L[s * A + 2]!;
  return singlePopulationGame({
    name: 'players',
    horizon: H,
    numStates: 4,
    numActions: A,
    mu0: Float64Array.of(1, 0, 0, 0),
    stateLabels: ['start', 'rock', 'paper', 'scissors'],
    actionLabels: ['rock', 'paper', 'scissors'],
    dynamicsDependOnMeanField: false,
    reward(_t, L, out) {
      const muR = mass(L, ROCK);
      const muP = mass(L, PAPER);
      const muS = mass(L, SCISSORS);
      for (let s = START; s <= SCISSORS; s++) {
        const r = handReward(s, muR, muP, muS);
        for (let a = 0; a < A; a++) out[s * A + a] = r;
      }
    },
    transition: () => kernel,
    rewardAt(_t, s, _a, q) {
      if (s === START) return 0;
      return handReward(s, q.stateMass(0, ROCK), q.stateMass(0, PAPER), q.stateMass(0, SCISSORS));
    },
  });
}

export const rockPaperScissorsSpec: EnvSpec<RockPaperScissorsKwargs> = {
  id: 'RockPaperScissors-v0',
  kind: 'finite',
  description:
    'RockPaperScissors: a generalised, non-zero-sum rock-paper-scissors played by a crowd. Everyone starts in a start ' +
    'state and plays a hand (s\' = 1 + a); at the next epoch rock earns 2mu(S) - mu(P), paper 4mu(R) - 2mu(S), ' +
    'scissors 6mu(P) - 3mu(R). Default horizon H=2 (epochs 0, 1); the equilibrium plays (26, 20, 31)/77. ' +
    'Source: Shapley (1964) via Cui & Koeppl (2021), as in MFGLib (Guo, Hu, Zhang et al. 2023), rock_paper_scissors example.',
  kwargsSchema: {
    type: 'object',
    properties: {
      H: { type: 'integer', minimum: 1, default: 2, description: 'Horizon: number of decision epochs (MFGLib T + 1).' },
    },
    additionalProperties: false,
  },
  create: (kwargs) => rockPaperScissors(kwargs),
  cost: (k) => ({ states: 4, actions: 3, horizon: k.H, branching: 1 }),
};
