import { MfgError } from '../src/core/errors';
import type { FiniteGame, MeanFieldAt, MeanFieldQuery } from '../src/core/finite-game';
import type { EnvSpec } from '../src/registry/env-spec';
import { cellsDistribution, gridCellsSchema, gridKernel, gridPopulation, matrixSchema, squareMatrix, stateMasses, GRID_ACTIONS, type GridGeometry, type GridLayout } from './multi-population-grid';

export interface PredatorPreyKwargs extends Record<string, unknown> {
  /** 3 or 4: picks OpenSpiel's THREE_POPULATIONS or FOUR_POPULATIONS setting for the defaults. */
  populations: number;
  size: number;
  /** null: 10 with 3 populations, 20 with 4 (OpenSpiel's settings). */
  H: number | null;
  /** null: the cyclic matrix of the setting. */
  reward_matrix: number[][] | null;
  /** Per population, cells [x, y] or [x, y, weight]; null: one population per corner. */
  initial_cells: number[][][] | null;
  noise_probability: number;
  congestion_coeff: number;
  geometry: GridGeometry;
}

const EPS = 1e-25;

/**
 * OpenSpiel DEFAULT_REWARD_MATRIX_THREE_POPULATIONS / _FOUR_POPULATIONS. With r_p = ... + M[p]·mu,
 * population 0 of three is drawn to population 2 and repelled by 1 (OpenSpiel's comment says the
 * reverse; its code, followed here, does this); of four, drawn to 1 and repelled by 3.
 */
export const PREDATOR_PREY_REWARD_MATRIX: Readonly<Record<3 | 4, readonly (readonly number[])[]>> = {
  3: [
    [0, -1, 1],
    [1, 0, -1],
    [-1, 1, 0],
  ],
  4: [
    [0, 1, 0, -1],
    [-1, 0, 1, 0],
    [0, -1, 0, 1],
    [1, 0, -1, 0],
  ],
};

/**
 * OpenSpiel DEFAULT_INIT_DISTRIB_*_POPULATIONS as corner cells [x, y] (its arrays are rows y,
 * columns x, indexed by pos_to_merged = x + y*size): 3 populations at (0,0), (4,0), (0,4);
 * 4 populations at (0,0), (0,4), (4,4), (4,0). Corners of the default 5x5 grid; for another
 * size the same corners of that grid.
 */
function cornerCells(n: 3 | 4, size: number): number[][][] {
  const e = size - 1;
  return n === 3 ? [[[0, 0]], [[e, 0]], [[0, e]]] : [[[0, 0]], [[0, e]], [[e, e]], [[e, 0]]];
}

/**
 * PredatorPrey (OpenSpiel `python/mfg/games/predator_prey.py`; Perolat et al. 2022, §5.4):
 * n populations on a size x size square, each starting in its corner. Population p at cell s
 * earns at every epoch
 *   r_p(s) = -congestion_coeff · log(mu_p(s) + 1e-25) + sum_q M[p][q] · mu_q(s),
 * whatever the action (OpenSpiel's rewards() at decision nodes). Moves and noise follow
 * multi-population-grid.ts; every move is legal (a move off the square is clipped, as in
 * OpenSpiel's SQUARE geometry).
 */
export function predatorPrey(kwargs: Partial<PredatorPreyKwargs> = {}): FiniteGame {
  const setting = kwargs.populations ?? 3;
  if (setting !== 3 && setting !== 4) throw new MfgError('MFG_ERR_GAME_INVALID', `PredatorPrey: populations must be 3 or 4 (OpenSpiel's two settings), got ${setting}`);
  // As in OpenSpiel, a reward matrix given explicitly sets the number of populations.
  const n = kwargs.reward_matrix?.length ?? setting;
  const size = kwargs.size ?? 5;
  const H = kwargs.H ?? (setting === 3 ? 10 : 20);
  const M = squareMatrix('PredatorPrey', kwargs.reward_matrix ?? PREDATOR_PREY_REWARD_MATRIX[setting], n, 'reward_matrix');
  if (!kwargs.initial_cells && n !== setting) throw new MfgError('MFG_ERR_GAME_INVALID', `PredatorPrey: a ${n}-population reward matrix needs initial_cells (the corners are defined for 3 and 4 populations)`);
  const cells = kwargs.initial_cells ?? cornerCells(setting, size);
  if (cells.length !== n) throw new MfgError('MFG_ERR_GAME_INVALID', `PredatorPrey: initial_cells has ${cells.length} populations, expected ${n}`);
  const noise = kwargs.noise_probability ?? 0.8;
  const c = kwargs.congestion_coeff ?? 1;
  const grid: GridLayout = { size, geometry: kwargs.geometry ?? 'square', forbidden: new Uint8Array(size * size) };
  const S = size * size;
  const A = GRID_ACTIONS;
  const kernel = gridKernel(grid, noise);
  const populations = cells.map((cs, p) => gridPopulation(`population ${p}`, grid, cellsDistribution('PredatorPrey', grid, cs, `initial_cells[${p}]`), null));
  const mus = populations.map(() => new Float64Array(S));

  // The one expression reward() and rewardAt() share, so the two agree bit for bit.
  const rewardOf = (p: number, mass: (q: number) => number): number => {
    const row = M[p]!;
    let dot = 0;
    for (let q = 0; q < n; q++) dot += row[q]! * mass(q);
    return -c * Math.log(mass(p) + EPS) + dot;
  };

  return {
    kind: 'finite',
    horizon: H,
    populations,
    dynamicsDependOnMeanField: false,
    reward(p: number, _t: number, L: MeanFieldAt, out: Float64Array) {
      stateMasses(L, S, mus);
      for (let s = 0; s < S; s++) {
        const r = rewardOf(p, (q) => mus[q]![s]!);
        for (let a = 0; a < A; a++) out[s * A + a] = r;
      }
    },
    transition: () => kernel,
    rewardAt(p: number, _t: number, s: number, _a: number, q: MeanFieldQuery) {
      return rewardOf(p, (k) => q.stateMass(k, s));
    },
  };
}

export const predatorPreySpec: EnvSpec<PredatorPreyKwargs> = {
  id: 'PredatorPrey-v0',
  kind: 'finite',
  description:
    'PredatorPrey: 3 (or 4) populations on a 5x5 square, one per corner, each drawn to one neighbour in a cycle of populations and repelled by the other. ' +
    'An agent moves (stay, x+1, y+1, y-1, x-1; clipped at the edges), then noise moves it in a random direction with ' +
    'probability noise_probability (stay otherwise). Population p at cell s earns -congestion_coeff*log(mu_p(s) + 1e-25) + ' +
    'sum_q M[p][q] mu_q(s) at every epoch, M the cyclic reward matrix. populations = 4 is OpenSpiel\'s four-population ' +
    'setting (its matrix and corners, H = 20). Source: Perolat, Perrin, Elie, Lauriere, Piliouras, Geist, Tuyls, Pietquin, ' +
    '"Scaling up mean field games with online mirror descent" (AAMAS 2022), section 5.4; OpenSpiel python/mfg/games/predator_prey.py.',
  kwargsSchema: {
    type: 'object',
    properties: {
      populations: { type: 'integer', enum: [3, 4], default: 3, description: "3 or 4: OpenSpiel's THREE_POPULATIONS or FOUR_POPULATIONS setting (reward matrix, corners, H)." },
      size: { type: 'integer', minimum: 1, default: 5, description: 'Side of the square grid.' },
      H: { type: ['integer', 'null'], minimum: 1, default: null, description: 'Horizon (decision epochs); null means 10 with 3 populations and 20 with 4.' },
      reward_matrix: { ...matrixSchema, type: ['array', 'null'], default: null, description: 'M[p][q]: the weight of mu_q(s) in the reward of population p (its size sets the number of populations); null means the cyclic matrix of the setting.' },
      initial_cells: {
        type: ['array', 'null'],
        items: gridCellsSchema,
        default: null,
        description: 'mu0 per population as cells [x, y] or [x, y, weight]; null means one population per corner (OpenSpiel default).',
      },
      noise_probability: { type: 'number', minimum: 0, maximum: 1, default: 0.8, description: 'Probability that noise moves the agent in one of the four directions (each p/4).' },
      congestion_coeff: { type: 'number', default: 1, description: 'Weight of the crowd term -log(mu_p(s) + 1e-25).' },
      geometry: { type: 'string', enum: ['square', 'torus'], default: 'square', description: 'square: moves clipped at the edges (OpenSpiel default); torus: they wrap.' },
    },
    additionalProperties: false,
  },
  create: (kwargs) => predatorPrey(kwargs),
  cost: (k) => {
    const setting = k.populations ?? 3;
    return { states: (k.size ?? 5) ** 2, actions: 5, horizon: k.H ?? (setting === 3 ? 10 : 20), branching: 5, populations: k.reward_matrix?.length ?? setting };
  },
};
