import { deterministicKernel } from '../src/core/kernel';
import type { FiniteGame } from '../src/core/finite-game';
import { singlePopulationGame } from '../src/core/single-population-game';
import type { EnvSpec } from '../src/registry/env-spec';

const CENTER = 0;
const LEFT = 1;
const RIGHT = 2;

/**
 * LeftRight (MFGLib `left_right`, T=1 so H=2): everyone starts in the centre and picks a side;
 * a side costs its crowd (left: mu, right: 2·mu). The equilibrium sends 2/3 left.
 */
export function leftRight(): FiniteGame {
  const kernel = deterministicKernel(3, 2, (_s, a) => 1 + a);
  return singlePopulationGame({
    name: 'agents',
    horizon: 2,
    numStates: 3,
    numActions: 2,
    mu0: Float64Array.of(1, 0, 0),
    stateLabels: ['center', 'left', 'right'],
    actionLabels: ['left', 'right'],
    dynamicsDependOnMeanField: false,
    reward(_t, L, out) {
      const muLeft = L[LEFT * 2]! + L[LEFT * 2 + 1]!;
      const muRight = L[RIGHT * 2]! + L[RIGHT * 2 + 1]!;
      for (let a = 0; a < 2; a++) {
        out[CENTER * 2 + a] = 0;
        out[LEFT * 2 + a] = -muLeft;
        out[RIGHT * 2 + a] = -2 * muRight;
      }
    },
    transition: () => kernel,
    rewardAt(_t, s, _a, q) {
      if (s === LEFT) return -q.stateMass(0, LEFT);
      if (s === RIGHT) return -2 * q.stateMass(0, RIGHT);
      return 0;
    },
  });
}

export const leftRightSpec: EnvSpec = {
  id: 'LeftRight-v0',
  kind: 'finite',
  description:
    'LeftRight: a one-shot crowd-aversion game. The population starts in the centre and each agent moves left or right; ' +
    'being on the left costs the share of agents there, on the right twice that share. Horizon H=2 (epochs 0, 1). ' +
    'The unique equilibrium sends 2/3 of the population left. Source: MFGLib (Guo, Hu, Zhang et al. 2023), left_right example.',
  kwargsSchema: { type: 'object', properties: {}, additionalProperties: false },
  create: () => leftRight(),
  cost: () => ({ states: 3, actions: 2, horizon: 2, branching: 1 }),
};
