import { buildKernel } from '../src/core/kernel';
import type { FiniteGame } from '../src/core/finite-game';
import { singlePopulationGame } from '../src/core/single-population-game';
import type { EnvSpec } from '../src/registry/env-spec';

const A = 6;

export interface BuildingEvacuationKwargs extends Record<string, unknown> {
  floors: number;
  L: number;
  W: number;
  H: number;
  eta: number;
  evac_r: number;
  eps: number;
}

const DEFAULTS: BuildingEvacuationKwargs = { floors: 5, L: 10, W: 10, H: 4, eta: 1, evac_r: 10, eps: 1e-20 };

/**
 * BuildingEvacuation (MFGLib `building_evacuation`, T=3 so H=4): a crowd in a building of
 * `floors` floors of L×W tiles wants to reach the ground floor (f = 0) while keeping its
 * distance. The staircases sit at opposite corners: down at (0, 0), up at (L-1, W-1), so the
 * crowd crosses every floor. State (f, l, w) flattened row-major; every action is legal
 * everywhere (a blocked move or a stair away from a staircase leaves the agent in place).
 */
export function buildingEvacuation(kwargs: Partial<BuildingEvacuationKwargs> = {}): FiniteGame {
  const { floors, L, W, H, eta, evac_r: evacR, eps } = { ...DEFAULTS, ...kwargs };
  const S = floors * L * W;
  const kernel = buildKernel(S * A, (row, emit) => {
    const s = Math.floor(row / A);
    const a = row - s * A;
    const f = Math.floor(s / (L * W));
    const l = Math.floor(s / W) % L;
    const w = s % W;
    let f2 = f;
    let l2 = l;
    let w2 = w;
    if (a === 0) l2 = Math.min(l + 1, L - 1);
    else if (a === 1) l2 = Math.max(l - 1, 0);
    else if (a === 2) w2 = Math.max(w - 1, 0);
    else if (a === 3) w2 = Math.min(w + 1, W - 1);
    else if (a === 4) f2 = l === 0 && w === 0 ? Math.max(f - 1, 0) : f;
    else f2 = l === L - 1 && w === W - 1 ? Math.min(f + 1, floors - 1) : f;
    emit((f2 * L + l2) * W + w2, 1);
  });
  const rewardOf = (s: number, mu: number): number => {
    const groundFloor = s < L * W ? evacR : 0;
    return -eta * Math.log(Math.max(mu, eps)) + groundFloor;
  };
  return singlePopulationGame({
    name: 'occupants',
    horizon: H,
    numStates: S,
    numActions: A,
    stateShape: [floors, L, W],
    mu0: new Float64Array(S).fill(1 / S),
    actionLabels: ['l+1', 'l-1', 'w-1', 'w+1', 'downstairs', 'upstairs'],
    dynamicsDependOnMeanField: false,
    reward(_t, Lt, out) {
      for (let s = 0; s < S; s++) {
        const row = s * A;
        let mu = 0;
        for (let a = 0; a < A; a++) mu += Lt[row + a]!;
        const r = rewardOf(s, mu);
        for (let a = 0; a < A; a++) out[row + a] = r;
      }
    },
    transition: () => kernel,
    rewardAt: (_t, s, _a, q) => rewardOf(s, q.stateMass(0, s)),
  });
}

export const buildingEvacuationSpec: EnvSpec<BuildingEvacuationKwargs> = {
  id: 'BuildingEvacuation-v0',
  kind: 'finite',
  description:
    'BuildingEvacuation: a crowd spread over a building of `floors` floors of L×W tiles wants to reach the ground floor ' +
    'while keeping its distance. State (f, l, w) flattened row-major; actions l+1, l-1, w-1, w+1 (clipped to the ' +
    'floor), downstairs (only at (l, w) = (0, 0)) and upstairs (only at (L-1, W-1)), which otherwise leave the agent in ' +
    'place. Reward -eta·log(max(mu_t(s), eps)) + evac_r·[f = 0]. Uniform mu0, default horizon H=4 (MFGLib T=3). ' +
    'Source: Perolat et al. (2022), "Scaling up mean field games with online mirror descent", as in MFGLib (Guo, Hu, ' +
    'Zhang et al. 2023), building_evacuation example.',
  kwargsSchema: {
    type: 'object',
    properties: {
      floors: { type: 'integer', minimum: 1, default: DEFAULTS.floors, description: 'Number of floors.' },
      L: { type: 'integer', minimum: 1, default: DEFAULTS.L, description: 'Tiles along l on every floor.' },
      W: { type: 'integer', minimum: 1, default: DEFAULTS.W, description: 'Tiles along w on every floor.' },
      H: { type: 'integer', minimum: 1, default: DEFAULTS.H, description: 'Horizon: number of decision epochs (MFGLib T + 1).' },
      eta: { type: 'number', default: DEFAULTS.eta, description: 'Weight of the crowd-aversion term -log(mu_t(s)).' },
      evac_r: { type: 'number', default: DEFAULTS.evac_r, description: 'Reward per epoch spent on the ground floor (f = 0).' },
      eps: { type: 'number', exclusiveMinimum: 0, default: DEFAULTS.eps, description: 'Floor of mu_t(s) inside the log.' },
    },
    additionalProperties: false,
  },
  create: (kwargs) => buildingEvacuation(kwargs),
  cost: (k) => ({ states: k.floors * k.L * k.W, actions: 6, horizon: k.H, branching: 6 }),
};
