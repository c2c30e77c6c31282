import { MfgError } from '../src/core/errors';
import type { FiniteGame, MeanFieldAt, MeanFieldQuery } from '../src/core/finite-game';
import type { EnvSpec } from '../src/registry/env-spec';
import { layoutToForbiddenCells } from './crowd-modelling-2d';
import { cellsDistribution, gridCellsSchema, gridKernel, gridLegal, gridPopulation, matrixSchema, squareMatrix, stateMasses, GRID_ACTIONS, type GridGeometry, type GridLayout } from './multi-population-grid';

export interface CrowdAvoidanceKwargs extends Record<string, unknown> {
  size: number;
  H: number;
  congestion_matrix: number[][];
  /** Per population, cells [x, y] or [x, y, weight]; null: OpenSpiel's default. */
  initial_cells: number[][][] | null;
  /** Walls [x, y]; null: OpenSpiel's layout. */
  forbidden_cells: number[][] | null;
  /** One target cell [x, y] per population. */
  targets: number[][];
  proba_noise: number;
  coef_congestion: number;
  coef_target: number;
  geometry: GridGeometry;
}

/** OpenSpiel crowd_avoidance.py forbidden_states_grid: '#' a wall, rows are y. */
export const CROWD_AVOIDANCE_LAYOUT: readonly string[] = ['#######', '#  #  #', '#     #', '#  #  #', '#     #', '#  #  #', '#######'];

/**
 * OpenSpiel _DEFAULT_INIT_DISTRIB as cells [x, y, weight]: its arrays are rows y, columns x
 * (chance_outcomes reads entry y*size + x for the cell [x, y]).
 */
const DEFAULT_INITIAL_CELLS: number[][][] = [
  [
    [1, 2, 0.4],
    [2, 2, 0.4],
    [1, 4, 0.2],
  ],
  [
    [5, 2, 0.2],
    [4, 4, 0.4],
    [5, 4, 0.4],
  ],
];

const DEFAULTS: CrowdAvoidanceKwargs = {
  size: 7,
  H: 10,
  congestion_matrix: [
    [0, 1],
    [1, 0],
  ],
  initial_cells: null,
  forbidden_cells: null,
  // OpenSpiel's target_positions (fixed there, a kwarg here): population 0 aims right, 1 left.
  targets: [
    [5, 3],
    [1, 3],
  ],
  proba_noise: 0.5,
  coef_congestion: 0,
  coef_target: 1,
  geometry: 'square',
};

/**
 * CrowdAvoidance (OpenSpiel `python/mfg/games/crowd_avoidance.py`): populations on a walled
 * grid, each heading for its target across the other's path. Population p at cell s earns at
 * every epoch
 *   r_p(s) = -coef_congestion · sum_q C[p][q] · mu_q(s) + coef_target · [s = target_p],
 * whatever the action. Moves and noise follow multi-population-grid.ts. Departure from
 * OpenSpiel, by the project's convention (DESIGN §1): a move into a wall is not a legal action
 * (there it leaves the agent in place, the same as staying); noise still bumps into walls.
 * coef_congestion defaults to 0 as in OpenSpiel, where the populations then only share the
 * corridors; set it > 0 for the crowd-avoidance coupling.
 */
export function crowdAvoidance(kwargs: Partial<CrowdAvoidanceKwargs> = {}): FiniteGame {
  const k: CrowdAvoidanceKwargs = { ...DEFAULTS, ...kwargs };
  const { size } = k;
  const initialCells = k.initial_cells ?? DEFAULT_INITIAL_CELLS;
  const forbiddenCells = k.forbidden_cells ?? layoutToForbiddenCells(CROWD_AVOIDANCE_LAYOUT);
  const n = initialCells.length;
  const bad = (msg: string): never => {
    throw new MfgError('MFG_ERR_GAME_INVALID', `CrowdAvoidance: ${msg}`);
  };
  const C = squareMatrix('CrowdAvoidance', k.congestion_matrix, n, 'congestion_matrix');
  if (k.targets.length !== n) bad(`targets has ${k.targets.length} cells, expected one per population (${n})`);
  const S = size * size;
  const A = GRID_ACTIONS;
  const forbidden = new Uint8Array(S);
  const cellIndex = (c: readonly number[], what: string): number => {
    const [x, y] = c as [number, number];
    if (c.length !== 2 || !(Number.isInteger(x) && Number.isInteger(y) && x >= 0 && x < size && y >= 0 && y < size)) {
      bad(`${what} [${c.join(', ')}] is not a cell [x, y] of the ${size}x${size} grid`);
    }
    return y * size + x;
  };
  forbiddenCells.forEach((c, i) => (forbidden[cellIndex(c, `forbidden_cells[${i}]`)] = 1));
  // A target off the grid (OpenSpiel's fixed targets on its 2x2 test grid) is never reached.
  const targets = k.targets.map((c, i) => {
    if (c.length !== 2) bad(`targets[${i}] must be [x, y], got [${c.join(', ')}]`);
    const [x, y] = c as [number, number];
    return x >= 0 && x < size && y >= 0 && y < size ? y * size + x : -1;
  });
  const grid: GridLayout = { size, geometry: k.geometry, forbidden };
  const kernel = gridKernel(grid, k.proba_noise);
  const legal = gridLegal(grid);
  const populations = initialCells.map((cs, p) => gridPopulation(`population ${p}`, grid, cellsDistribution('CrowdAvoidance', grid, cs, `initial_cells[${p}]`), legal));
  const mus = populations.map(() => new Float64Array(S));
  const { coef_congestion: cc, coef_target: ct } = k;

  const rewardOf = (p: number, s: number, mass: (q: number) => number): number => {
    const row = C[p]!;
    let dot = 0;
    for (let q = 0; q < n; q++) dot += row[q]! * mass(q);
    return -cc * dot + (s === targets[p] ? ct : 0);
  };

  return {
    kind: 'finite',
    horizon: k.H,
    populations,
    dynamicsDependOnMeanField: false,
    reward(p: number, _t: number, L: MeanFieldAt, out: Float64Array) {
      stateMasses(L, S, mus);
      for (let s = 0; s < S; s++) {
        const r = rewardOf(p, s, (q) => mus[q]![s]!);
        for (let a = 0; a < A; a++) out[s * A + a] = r;
      }
    },
    transition: () => kernel,
    rewardAt(p: number, _t: number, s: number, _a: number, q: MeanFieldQuery) {
      return rewardOf(p, s, (j) => q.stateMass(j, s));
    },
  };
}

const cell = { type: 'array', items: { type: 'integer' }, minItems: 2, maxItems: 2 };

export const crowdAvoidanceSpec: EnvSpec<CrowdAvoidanceKwargs> = {
  id: 'CrowdAvoidance-v0',
  kind: 'finite',
  description:
    'CrowdAvoidance: two populations on a 7x7 grid with walls (two rooms joined by two doors), population 0 starting on ' +
    'the left and heading for (5, 3), population 1 starting on the right and heading for (1, 3). An agent moves (stay, x+1, ' +
    'y+1, y-1, x-1; moves into walls are not legal), then noise moves it in a random direction with probability proba_noise ' +
    '(into a wall: it stays). Population p at cell s earns -coef_congestion*sum_q C[p][q] mu_q(s) + coef_target*[s = target_p] ' +
    'at every epoch, C the congestion matrix (default: each population minds the other; coef_congestion 0 by default, as in ' +
    'OpenSpiel). Source: OpenSpiel python/mfg/games/crowd_avoidance.py (Lauriere et al.).',
  kwargsSchema: {
    type: 'object',
    properties: {
      size: { type: 'integer', minimum: 1, default: 7, description: 'Side of the square grid.' },
      H: { type: 'integer', minimum: 1, default: 10, description: 'Horizon: number of decision epochs.' },
      congestion_matrix: { ...matrixSchema, default: DEFAULTS.congestion_matrix, description: 'C[p][q]: how much population p minds the mass of population q on its cell.' },
      initial_cells: {
        type: ['array', 'null'],
        items: gridCellsSchema,
        minItems: 1,
        default: null,
        description: "mu0 per population as cells [x, y] or [x, y, weight] (one entry per population); null means OpenSpiel's: (1,2) 0.4, (2,2) 0.4, (1,4) 0.2 and (5,2) 0.2, (4,4) 0.4, (5,4) 0.4.",
      },
      forbidden_cells: { type: ['array', 'null'], items: cell, default: null, description: "Walls as cells [x, y] (x column, y row); null means OpenSpiel's layout (CROWD_AVOIDANCE_LAYOUT: two rooms, two doors)." },
      targets: { type: 'array', items: cell, default: DEFAULTS.targets, description: 'One target cell [x, y] per population (OpenSpiel target_positions).' },
      proba_noise: { type: 'number', minimum: 0, maximum: 1, default: 0.5, description: 'Probability that noise moves the agent in one of the four directions (each p/4).' },
      coef_congestion: { type: 'number', default: 0, description: 'Weight of the congestion term (0 in OpenSpiel\'s defaults).' },
      coef_target: { type: 'number', default: 1, description: 'Reward for standing on the population\'s target.' },
      geometry: { type: 'string', enum: ['square', 'torus'], default: 'square', description: 'square: moves clipped at the edges (OpenSpiel default); torus: they wrap.' },
    },
    additionalProperties: false,
  },
  create: (kwargs) => crowdAvoidance(kwargs),
  cost: (k) => ({ states: k.size * k.size, actions: 5, horizon: k.H, branching: 5, populations: k.congestion_matrix.length }),
};
