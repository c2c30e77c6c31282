import type { FiniteGame, SparseKernel } from '../src/core/finite-game';
import { buildKernel, kernelRowOf } from '../src/core/kernel';
import { singlePopulationGame } from '../src/core/single-population-game';
import type { EnvSpec } from '../src/registry/env-spec';

export interface CrowdModelling1DKwargs extends Record<string, unknown> {
  size: number;
  H: number;
}

/** Actions 0, 1, 2 move by -1, 0, +1 on the ring (OpenSpiel's _ACTION_TO_MOVE). */
const MOVES = [-1, 0, 1] as const;
const EPS = 1e-25;

/**
 * CrowdModelling1D (Perrin et al. 2020, §4.2; OpenSpiel `python_mfg_crowd_modelling`): a ring of
 * `size` cells, agents move -1/0/+1 then take a uniform -1/0/+1 step of noise. The reward
 * prefers the centre, charges the move, and repels crowds through -log(mu_t(x)).
 *
 * Timing differs from OpenSpiel on purpose (DESIGN §2): the move cost of the action taken at t is
 * paid at t, not at t+1. The centre is size/2 exactly as DESIGN §2 writes it (OpenSpiel's integer
 * division gives the same for even sizes, the default).
 */
export function crowdModelling1D(kwargs: Partial<CrowdModelling1DKwargs> = {}): FiniteGame {
  const size = kwargs.size ?? 10;
  const horizon = kwargs.H ?? 10;
  const A = 3;
  const half = size / 2;
  // base[x*A + a]: the part of the reward that does not depend on the mean field.
  const base = new Float64Array(size * A);
  for (let x = 0; x < size; x++) {
    const position = 1 - Math.abs(x - half) / half;
    for (let a = 0; a < A; a++) base[x * A + a] = position - Math.abs(MOVES[a]!) / size;
  }
  const wrap = (x: number): number => ((x % size) + size) % size;
  const fill = (row: number, emit: (next: number, prob: number) => void): void => {
    const x = Math.floor(row / A);
    const moved = x + MOVES[row - x * A]!;
    for (const noise of MOVES) emit(wrap(moved + noise), 1 / 3);
  };
  // Built on first use: an env stepping agents one by one reads rows alone (transitionRow).
  let kernel: SparseKernel | null = null;
  const row = kernelRowOf(fill);
  const mu0 = new Float64Array(size).fill(1 / size);
  return singlePopulationGame({
    name: 'crowd',
    horizon,
    numStates: size,
    numActions: A,
    mu0,
    actionLabels: ['left', 'stay', 'right'],
    dynamicsDependOnMeanField: false,
    reward(_t, L, out) {
      for (let x = 0; x < size; x++) {
        const row = x * A;
        const crowd = Math.log(L[row]! + L[row + 1]! + L[row + 2]! + EPS);
        for (let a = 0; a < A; a++) out[row + a] = base[row + a]! - crowd;
      }
    },
    transition: () => (kernel ??= buildKernel(size * A, fill)),
    transitionRow: (_t, x, a) => row(x * A + a),
    rewardAt: (_t, x, a, q) => base[x * A + a]! - Math.log(q.stateMass(0, x) + EPS),
  });
}

export const crowdModelling1DSpec: EnvSpec<CrowdModelling1DKwargs> = {
  id: 'CrowdModelling1D-v0',
  kind: 'finite',
  description:
    'CrowdModelling1D: a ring of `size` cells; each agent moves left, stays or moves right, then a uniform -1/0/+1 noise step ' +
    'follows. Reward 1 - |x - size/2|/(size/2) - |move|/size - log(mu_t(x) + 1e-25) at every epoch, with the move cost ' +
    'charged at the epoch of the move (a documented difference from OpenSpiel, which charges it one epoch later); mu0 ' +
    'uniform; centre size/2. Source: Perrin, Perolat, Lauriere, Geist, Elie, Pietquin, "Fictitious play for mean ' +
    'field games: continuous time analysis and applications" (NeurIPS 2020), §4.2; OpenSpiel python_mfg_crowd_modelling.',
  kwargsSchema: {
    type: 'object',
    properties: {
      size: { type: 'integer', minimum: 2, default: 10, description: 'Number of cells on the ring.' },
      H: { type: 'integer', minimum: 1, default: 10, description: 'Horizon: number of decision epochs (t = 0..H-1).' },
    },
    additionalProperties: false,
  },
  create: (kwargs) => crowdModelling1D(kwargs),
  cost: (k) => ({ states: k.size, actions: 3, horizon: k.H, branching: 3 }),
};
