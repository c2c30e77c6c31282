/**
 * A two-population test game with hand-computable rewards, also served to the Python client's
 * parallel-env tests (`mfgym serve --load dist/test/gym/coupled-left-right.js`).
 *
 * Both populations start in the centre (H = 2). "red" picks left or right; "blue" picks left,
 * right or stays (state 0 again). At t = 1, with mu_p the own population's and mu_q the other's:
 *   r_p(left) = -(mu_p(left) + c·mu_q(left)),  r_p(right) = -2(mu_p(right) + c·mu_q(right)),
 *   r_p(center) = 0 for red, -stayCost for blue. At t = 0 every reward is 0.
 */
import type { FiniteGame, FinitePopulation } from '../../src/core/finite-game';
import { deterministicKernel } from '../../src/core/kernel';
import type { EnvSpec } from '../../src/registry/env-spec';

export interface CoupledLeftRightKwargs extends Record<string, unknown> {
  c: number;
  stayCost: number;
}

const mass = (L: Float64Array, s: number, A: number): number => {
  let m = 0;
  for (let a = 0; a < A; a++) m += L[s * A + a]!;
  return m;
};

export function coupledLeftRight(kwargs: Partial<CoupledLeftRightKwargs> = {}): FiniteGame {
  const c = kwargs.c ?? 0.5;
  const stayCost = kwargs.stayCost ?? 0.25;
  const pop = (name: string, A: number, labels: string[]): FinitePopulation => ({
    name,
    numStates: 3,
    numActions: A,
    stateShape: [3],
    actionShape: [A],
    mu0: Float64Array.of(1, 0, 0),
    legal: null,
    stateLabels: ['center', 'left', 'right'],
    actionLabels: labels,
  });
  const populations = [pop('red', 2, ['left', 'right']), pop('blue', 3, ['left', 'right', 'stay'])];
  const kernels = [deterministicKernel(3, 2, (s, a) => (s === 0 ? 1 + a : s)), deterministicKernel(3, 3, (s, a) => (s === 0 ? (a === 2 ? 0 : 1 + a) : s))];
  return {
    kind: 'finite',
    horizon: 2,
    populations,
    dynamicsDependOnMeanField: false,
    reward(p, t, L, out) {
      const A = populations[p]!.numActions;
      const q = 1 - p;
      const Aq = populations[q]!.numActions;
      const left = mass(L[p]!, 1, A) + c * mass(L[q]!, 1, Aq);
      const right = mass(L[p]!, 2, A) + c * mass(L[q]!, 2, Aq);
      for (let a = 0; a < A; a++) {
        out[a] = t === 0 ? 0 : p === 1 ? -stayCost : 0;
        out[A + a] = t === 0 ? 0 : -left;
        out[2 * A + a] = t === 0 ? 0 : -2 * right;
      }
    },
    transition: (p) => kernels[p]!,
  };
}

export const coupledLeftRightSpec: EnvSpec<CoupledLeftRightKwargs> = {
  id: 'test/CoupledLeftRight-v0',
  kind: 'finite',
  description: 'Two coupled LeftRight populations (red: 2 actions, blue: 3 with stay), a test fixture with hand-computable rewards.',
  kwargsSchema: {
    type: 'object',
    properties: {
      c: { type: 'number', default: 0.5, description: "weight of the other population's crowd" },
      stayCost: { type: 'number', default: 0.25, description: 'blue: reward -stayCost for staying in the centre' },
    },
    additionalProperties: false,
  },
  create: (kwargs) => coupledLeftRight(kwargs),
};

/** For `--load`: the module registers the specs in `envs`. */
export const envs = [coupledLeftRightSpec];
