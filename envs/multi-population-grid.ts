import { MfgError } from '../src/core/errors';
import type { FinitePopulation, SparseKernel } from '../src/core/finite-game';
import { buildKernel } from '../src/core/kernel';
import { checkPopulation } from '../src/core/single-population-game';

/**
 * The grid shared by OpenSpiel's multi-population MFGs (`python/mfg/games/predator_prey.py`,
 * `crowd_avoidance.py`): a size x size grid, state s = y*size + x (OpenSpiel's pos_to_merged),
 * five actions and five noise outcomes with the moves of OpenSpiel's _ACTION_TO_MOVE.
 * One step: the chosen move, then a noise move (stay with probability 1 - p, each of the four
 * directions with p/4). A move is applied as OpenSpiel's update_pos does: a candidate cell that
 * is forbidden leaves the agent in place; otherwise the candidate wraps (torus) or is clipped
 * to the square.
 */
export const GRID_MOVES: readonly (readonly [number, number])[] = [
  [0, 0],
  [1, 0],
  [0, 1],
  [0, -1],
  [-1, 0],
];
export const GRID_ACTIONS = GRID_MOVES.length;
export const GRID_ACTION_LABELS = ['stay', 'x+1', 'y+1', 'y-1', 'x-1'];
export type GridGeometry = 'square' | 'torus';

export interface GridLayout {
  readonly size: number;
  readonly geometry: GridGeometry;
  /** forbidden[s] = 1 for a wall. */
  readonly forbidden: Uint8Array;
}

/** Where move m takes an agent from cell s (OpenSpiel update_pos). */
export function moveDestination(grid: GridLayout, s: number, m: number): number {
  const { size, geometry, forbidden } = grid;
  const x = s % size;
  const y = (s - x) / size;
  const [dx, dy] = GRID_MOVES[m]!;
  let cx = x + dx;
  let cy = y + dy;
  const inside = cx >= 0 && cx < size && cy >= 0 && cy < size;
  if (inside && forbidden[cy * size + cx]) return s;
  if (geometry === 'torus') {
    cx = (cx + size) % size;
    cy = (cy + size) % size;
  } else {
    cx = Math.min(Math.max(cx, 0), size - 1);
    cy = Math.min(Math.max(cy, 0), size - 1);
  }
  return cy * size + cx;
}

/**
 * The static kernel: the chosen move, then the noise move from where it landed. It ignores
 * the mean field, so it is built once per game.
 */
export function gridKernel(grid: GridLayout, noise: number): SparseKernel {
  const S = grid.size * grid.size;
  const A = GRID_ACTIONS;
  const noiseProb = [1 - noise, noise / 4, noise / 4, noise / 4, noise / 4];
  return buildKernel(S * A, (row, emit) => {
    const s = Math.floor(row / A);
    const c = moveDestination(grid, s, row - s * A);
    for (let m = 0; m < A; m++) emit(moveDestination(grid, c, m), noiseProb[m]!);
  });
}

/**
 * Legal moves: a move whose candidate cell is a wall is not legal (it would only duplicate
 * staying, DESIGN §1's action masks); a wall cell keeps the stay action only (walls are
 * unreachable, every state needs one legal action). Null when nothing is forbidden.
 */
export function gridLegal(grid: GridLayout): Uint8Array | null {
  const { size, forbidden } = grid;
  const S = size * size;
  const A = GRID_ACTIONS;
  const legal = new Uint8Array(S * A);
  let any = false;
  for (let s = 0; s < S; s++) {
    const x = s % size;
    const y = (s - x) / size;
    for (let m = 0; m < A; m++) {
      const [dx, dy] = GRID_MOVES[m]!;
      const cx = x + dx;
      const cy = y + dy;
      const intoWall = cx >= 0 && cx < size && cy >= 0 && cy < size && forbidden[cy * size + cx] === 1;
      const ok = forbidden[s] ? m === 0 : !intoWall;
      legal[s * A + m] = ok ? 1 : 0;
      if (!ok) any = true;
    }
  }
  return any ? legal : null;
}

/** mu0 of one population from cells [x, y] or [x, y, weight] (weights normalised). */
export function cellsDistribution(game: string, grid: GridLayout, cells: readonly (readonly number[])[], what: string): Float64Array {
  const { size, forbidden } = grid;
  const bad = (msg: string): never => {
    throw new MfgError('MFG_ERR_GAME_INVALID', `${game}: ${what}: ${msg}`);
  };
  const mu0 = new Float64Array(size * size);
  if (cells.length === 0) bad('needs at least one cell');
  let total = 0;
  cells.forEach((c, i) => {
    if (c.length !== 2 && c.length !== 3) bad(`cell ${i} must be [x, y] or [x, y, weight], got [${c.join(', ')}]`);
    const [x, y] = c as [number, number];
    if (!(Number.isInteger(x) && Number.isInteger(y) && x >= 0 && x < size && y >= 0 && y < size)) {
      bad(`cell ${i} [${c.join(', ')}] is not a cell of the ${size}x${size} grid (x and y in 0..${size - 1})`);
    }
    if (forbidden[y * size + x]) bad(`cell ${i} [${c.join(', ')}] is a wall`);
    const w = c.length === 3 ? c[2]! : 1;
    if (!(w >= 0)) bad(`cell ${i} has weight ${w}; weights must be non-negative`);
    mu0[y * size + x]! += w;
    total += w;
  });
  if (!(total > 0)) bad('weights sum to 0');
  for (let s = 0; s < mu0.length; s++) mu0[s]! /= total;
  return mu0;
}

/** Checks an n x n interaction matrix given as rows (the reward or congestion matrix). */
export function squareMatrix(game: string, rows: readonly (readonly number[])[], n: number, what: string): number[][] {
  if (rows.length !== n || rows.some((r) => r.length !== n)) {
    throw new MfgError('MFG_ERR_GAME_INVALID', `${game}: ${what} must be ${n}x${n} (one row and one column per population), got ${rows.length} rows of lengths [${rows.map((r) => r.length).join(', ')}]`);
  }
  return rows.map((r) => [...r]);
}

/** One population of a grid game, checked. */
export function gridPopulation(name: string, grid: GridLayout, mu0: Float64Array, legal: Uint8Array | null): FinitePopulation {
  const pop: FinitePopulation = {
    name,
    numStates: grid.size * grid.size,
    numActions: GRID_ACTIONS,
    stateShape: [grid.size, grid.size],
    actionShape: [GRID_ACTIONS],
    mu0,
    legal,
    actionLabels: GRID_ACTION_LABELS,
  };
  checkPopulation(pop);
  return pop;
}

/** mu_t(s) of every population at one epoch, from the joint tables: out[q][s]. */
export function stateMasses(L: readonly Float64Array[], S: number, out: Float64Array[]): Float64Array[] {
  const A = GRID_ACTIONS;
  L.forEach((Lq, q) => {
    const mu = out[q]!;
    for (let s = 0, row = 0; s < S; s++, row += A) mu[s] = Lq[row]! + Lq[row + 1]! + Lq[row + 2]! + Lq[row + 3]! + Lq[row + 4]!;
  });
  return out;
}

export const gridCellsSchema = {
  type: 'array',
  items: { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 3 },
  minItems: 1,
};
export const matrixSchema = { type: 'array', items: { type: 'array', items: { type: 'number' } }, minItems: 1 };
