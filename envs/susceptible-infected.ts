import { buildKernel } from '../src/core/kernel';
import type { FiniteGame } from '../src/core/finite-game';
import { singlePopulationGame } from '../src/core/single-population-game';
import type { EnvSpec } from '../src/registry/env-spec';

const SUSCEPTIBLE = 0;
const INFECTED = 1;
const GO_OUT = 0;
const DISTANCE = 1;

/** Infection rate of a susceptible agent who goes out, per unit of infected mass (0.9²). */
const INFECTION = 0.81;
const RECOVERY = 0.3;

/** r(s, a): distancing costs 0.5, being infected costs 1 (DESIGN §2). Indexed s*2 + a. */
const REWARD = Float64Array.of(0, -0.5, -1, -1.5);

export interface SusceptibleInfectedKwargs extends Record<string, unknown> {
  H: number;
}

/**
 * SusceptibleInfected (MFGLib `susceptible_infected`, T=50 so H=51): a susceptible agent who
 * goes out is infected w.p. 0.81·mu_t(I); distancing keeps it safe at a cost; the infected
 * recover w.p. 0.3 whatever they do. The dynamics read the mean field, the rewards do not.
 */
export function susceptibleInfected(kwargs: Partial<SusceptibleInfectedKwargs> = {}): FiniteGame {
  const H = kwargs.H ?? 51;
  return singlePopulationGame({
    name: 'agents',
    horizon: H,
    numStates: 2,
    numActions: 2,
    mu0: Float64Array.of(0.4, 0.6),
    stateLabels: ['susceptible', 'infected'],
    actionLabels: ['go out', 'distance'],
    dynamicsDependOnMeanField: true,
    reward(_t, _L, out) {
      out.set(REWARD);
    },
    transition(_t, L) {
      const infected = L[INFECTED * 2 + GO_OUT]! + L[INFECTED * 2 + DISTANCE]!;
      const pInfect = INFECTION * infected;
      return buildKernel(4, (row, emit) => {
        const s = row >> 1;
        const a = row & 1;
        if (s === INFECTED) {
          emit(SUSCEPTIBLE, RECOVERY);
          emit(INFECTED, 1 - RECOVERY);
        } else if (a === GO_OUT) {
          emit(SUSCEPTIBLE, 1 - pInfect);
          emit(INFECTED, pInfect);
        } else {
          emit(SUSCEPTIBLE, 1);
        }
      });
    },
    rewardAt: (_t, s, a) => REWARD[s * 2 + a]!,
  });
}

export const susceptibleInfectedSpec: EnvSpec<SusceptibleInfectedKwargs> = {
  id: 'SusceptibleInfected-v0',
  kind: 'finite',
  description:
    'SusceptibleInfected: an SIS epidemic in which each agent chooses to go out or to keep its distance. A susceptible ' +
    'agent going out is infected with probability 0.81·mu_t(I); distancing keeps it susceptible but costs 0.5 per ' +
    'epoch; being infected costs 1 per epoch and recovery happens with probability 0.3. mu0 = (0.4, 0.6), default ' +
    'horizon H=51 (MFGLib T=50). Source: Cui & Koeppl (2021), as in MFGLib (Guo, Hu, Zhang et al. 2023), ' +
    'susceptible_infected example.',
  kwargsSchema: {
    type: 'object',
    properties: {
      H: { type: 'integer', minimum: 1, default: 51, description: 'Horizon: number of decision epochs (MFGLib T + 1).' },
    },
    additionalProperties: false,
  },
  create: (kwargs) => susceptibleInfected(kwargs),
  cost: (k) => ({ states: 2, actions: 2, horizon: k.H, branching: 2 }),
};
