import { MfgError } from '../src/core/errors';
import type { FiniteGame, SparseKernel } from '../src/core/finite-game';
import { singlePopulationGame } from '../src/core/single-population-game';
import type { EnvSpec, KwargsSchema } from '../src/registry/env-spec';

/** A cell as [x, y]: x is the column, y the row (OpenSpiel's `x|y`). */
export type Cell = readonly [number, number];

export interface CrowdModelling2DKwargs extends Record<string, unknown> {
  size: number;
  H: number;
  noise_intensity: number;
  crowd_aversion_coef: number;
  /** Cells no agent may enter. */
  forbidden_cells: readonly Cell[];
  /** Cells of mu0 as [x, y] or [x, y, weight]; empty means uniform over the free cells. */
  initial_cells: readonly (readonly number[])[];
  /** Targets [x, y, v]; null means one target at the centre with v = 1. */
  positional_rewards: readonly (readonly number[])[] | null;
  congestion: boolean;
  only_distribution_reward: boolean;
}

/** Actions 0..4 as (dx, dy), OpenSpiel's kActionToMoveX / kActionToMoveY. */
export const MOVES_2D: readonly Cell[] = [
  [0, -1],
  [-1, 0],
  [0, 0],
  [1, 0],
  [0, 1],
];
const A = 5;
const STAY = 2;
const EPS = 1e-25;

const DEFAULTS: CrowdModelling2DKwargs = {
  size: 10,
  H: 10,
  noise_intensity: 1,
  crowd_aversion_coef: 1,
  forbidden_cells: [],
  initial_cells: [],
  positional_rewards: null,
  congestion: false,
  only_distribution_reward: false,
};

/**
 * CrowdModelling2D (OpenSpiel `mfg_crowd_modelling_2d`; Lauriere et al. 2022): a size x size
 * torus, state s = y*size + x (stateShape [size, size] = [rows, cols]). Moves into a forbidden
 * cell are illegal; an illegal move, if a policy took it anyway, leaves the agent in place, as
 * OpenSpiel does. After the move to cell c, noise picks one of c's legal moves, each with
 * probability noise/|A(c)|, plus 1 - noise extra on staying.
 *
 * The kernel ignores the mean field, so it is built once (on first use), in CSR form directly (a
 * 200x200 grid has 200k rows of at most 5 entries), and every epoch returns the same object.
 */
export function crowdModelling2D(kwargs: Partial<CrowdModelling2DKwargs> = {}): FiniteGame {
  const k: CrowdModelling2DKwargs = { ...DEFAULTS, ...kwargs };
  const { size, H: horizon } = k;
  const S = size * size;
  const bad = (msg: string): never => {
    throw new MfgError('MFG_ERR_GAME_INVALID', `CrowdModelling2D: ${msg}`);
  };
  const checkCell = (c: readonly number[], what: string): number => {
    const [x, y] = c as [number, number];
    if (!(Number.isInteger(x) && Number.isInteger(y) && x >= 0 && x < size && y >= 0 && y < size)) {
      bad(`${what} [${c.join(', ')}] is not a cell of the ${size}x${size} grid (x and y in 0..${size - 1})`);
    }
    return y * size + x;
  };

  const forbidden = new Uint8Array(S);
  k.forbidden_cells.forEach((c, i) => (forbidden[checkCell(c, `forbidden_cells[${i}]`)] = 1));

  // dest[s*A + a]: the cell a move leads to on the torus (itself when the move is illegal).
  const dest = new Int32Array(S * A);
  const legal = new Uint8Array(S * A);
  const numLegal = new Int32Array(S);
  let anyIllegal = false;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const s = y * size + x;
      for (let a = 0; a < A; a++) {
        const [dx, dy] = MOVES_2D[a]!;
        const to = ((y + dy + size) % size) * size + ((x + dx + size) % size);
        // Forbidden cells are unreachable; they keep a stay-only action so every state has one.
        const ok = forbidden[s] ? a === STAY : forbidden[to] === 0;
        legal[s * A + a] = ok ? 1 : 0;
        dest[s * A + a] = ok ? to : s;
        if (ok) numLegal[s]!++;
        else anyIllegal = true;
      }
    }
  }

  // The CSR kernel (25·10^6 entries at 1024²) is built on first use: an env stepping agents one
  // by one reads single rows (transitionRow) and never needs it.
  let kernel: SparseKernel | null = null;
  const row = { next: new Int32Array(A), prob: new Float64Array(A), start: 0, end: 0 };
  const mu0 = initialDistribution(k, S, forbidden, checkCell, bad);

  // pos[s]: positional reward r_x + r_y of the cell; cost[a]: the move cost of action a.
  const pos = new Float64Array(S);
  // The default target is the centre (size/2, size/2) exactly as DESIGN §2 writes it (a half-cell
  // for odd sizes); targets given by the user must be cells.
  const targets = k.positional_rewards ?? [[size / 2, size / 2, 1]];
  (k.positional_rewards ?? []).forEach((t, i) => {
    if (t.length !== 3) bad(`positional_rewards[${i}] must be [x, y, v], got [${t.join(', ')}]`);
    checkCell(t, `positional_rewards[${i}]`);
  });
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let rx = 1;
      let ry = 1;
      for (const [px, py, v] of targets as [number, number, number][]) {
        const w = (2 * v) / size;
        rx -= w * Math.abs(x - px);
        ry -= w * Math.abs(y - py);
      }
      pos[y * size + x] = rx + ry;
    }
  }
  const cost = MOVES_2D.map(([dx, dy]) => -(Math.abs(dx) + Math.abs(dy)) / size);
  const coef = k.crowd_aversion_coef;
  const onlyDistribution = k.only_distribution_reward;
  const congestion = k.congestion;

  // One expression shared by reward() and rewardAt(), so the two agree bit for bit.
  const rewardOf = (s: number, a: number, mu: number, crowd: number): number =>
    onlyDistribution ? crowd : pos[s]! + (congestion ? cost[a]! * mu : cost[a]!) + crowd;

  return singlePopulationGame({
    name: 'crowd',
    horizon,
    numStates: S,
    numActions: A,
    stateShape: [size, size],
    mu0,
    legal: anyIllegal ? legal : null,
    noopAction: STAY,
    actionLabels: ['up', 'left', 'stay', 'right', 'down'],
    dynamicsDependOnMeanField: false,
    reward(_t, L, out) {
      for (let s = 0, row = 0; s < S; s++, row += A) {
        const mu = L[row]! + L[row + 1]! + L[row + 2]! + L[row + 3]! + L[row + 4]!;
        const crowd = -coef * Math.log(mu + EPS);
        if (onlyDistribution) {
          out[row] = crowd;
          out[row + 1] = crowd;
          out[row + 2] = crowd;
          out[row + 3] = crowd;
          out[row + 4] = crowd;
        } else {
          for (let a = 0; a < A; a++) out[row + a] = rewardOf(s, a, mu, crowd);
        }
      }
    },
    transition: () => (kernel ??= noiseKernel(S, dest, legal, numLegal, k.noise_intensity)),
    transitionRow(_t, s, a) {
      // Without walls the destinations are arithmetic: no lookup in the S·A tables (cache misses at 1024²).
      row.end = anyIllegal ? noiseRow(s * A + a, dest, legal, numLegal, k.noise_intensity, row.next, row.prob, 0) : torusNoiseRow(s, a, size, k.noise_intensity, row.next, row.prob);
      return row;
    },
    rewardAt(_t, s, a, q) {
      const mu = q.stateMass(0, s);
      return rewardOf(s, a, mu, -coef * Math.log(mu + EPS));
    },
  });
}

/**
 * Row r = s*A + a of the static kernel, written at next/prob[at..]: move to dest[r], then a noise
 * move among that cell's legal moves. Returns the entries written. The CSR kernel and the
 * one-row query (transitionRow) both call it, so their rows are the same numbers in the same order.
 */
function noiseRow(r: number, dest: Int32Array, legal: Uint8Array, numLegal: Int32Array, noise: number, next: Int32Array, prob: Float64Array, at: number): number {
  let n = at;
  const c = dest[r]!;
  const each = noise / numLegal[c]!;
  for (let m = 0; m < A; m++) {
    if (legal[c * A + m] === 0) continue;
    const p = m === STAY ? 1 - noise + each : each;
    if (p === 0) continue;
    n = addEntry(next, prob, at, n, dest[c * A + m]!, p);
  }
  return n - at;
}

/**
 * Adds probability p of reaching `to` to the row entries [at, n): merged into its entry when one
 * already goes there (on grids of side 1 or 2 two moves can reach the same cell), else appended.
 * Returns the new end.
 */
function addEntry(next: Int32Array, prob: Float64Array, at: number, n: number, to: number, p: number): number {
  let j = at;
  while (j < n && next[j] !== to) j++;
  if (j < n) prob[j]! += p;
  else {
    next[n] = to;
    prob[n] = p;
    n++;
  }
  return n;
}

const DX = Int32Array.from(MOVES_2D, ([dx]) => dx);
const DY = Int32Array.from(MOVES_2D, ([, dy]) => dy);

/** The cell move m leads to from cell c on a torus without walls (dest[c*A + m] computed). */
function torusMove(c: number, m: number, size: number): number {
  const y = (c / size) | 0;
  const x = c - y * size;
  return ((y + DY[m]! + size) % size) * size + ((x + DX[m]! + size) % size);
}

/**
 * noiseRow(s*A + a) on a grid without walls, where every move is legal (numLegal = A) and
 * dest is torusMove: the same arithmetic in the same order, so the same entries.
 */
function torusNoiseRow(s: number, a: number, size: number, noise: number, next: Int32Array, prob: Float64Array): number {
  let n = 0;
  const c = torusMove(s, a, size);
  const each = noise / A;
  for (let m = 0; m < A; m++) {
    const p = m === STAY ? 1 - noise + each : each;
    if (p === 0) continue;
    n = addEntry(next, prob, 0, n, torusMove(c, m, size), p);
  }
  return n;
}

/** The static kernel in CSR form (every row by noiseRow). */
function noiseKernel(S: number, dest: Int32Array, legal: Uint8Array, numLegal: Int32Array, noise: number): SparseKernel {
  const rows = S * A;
  const rowStart = new Int32Array(rows + 1);
  const next = new Int32Array(rows * A);
  const prob = new Float64Array(rows * A);
  let n = 0;
  for (let r = 0; r < rows; r++) {
    rowStart[r] = n;
    n += noiseRow(r, dest, legal, numLegal, noise, next, prob, n);
  }
  rowStart[rows] = n;
  return { numRows: rows, rowStart, next: next.slice(0, n), prob: prob.slice(0, n) };
}

function initialDistribution(
  k: CrowdModelling2DKwargs,
  S: number,
  forbidden: Uint8Array,
  checkCell: (c: readonly number[], what: string) => number,
  bad: (msg: string) => never,
): Float64Array {
  const mu0 = new Float64Array(S);
  if (k.initial_cells.length === 0) {
    let free = 0;
    for (let s = 0; s < S; s++) free += forbidden[s] ? 0 : 1;
    if (free === 0) bad('every cell is forbidden');
    for (let s = 0; s < S; s++) mu0[s] = forbidden[s] ? 0 : 1 / free;
    return mu0;
  }
  let total = 0;
  k.initial_cells.forEach((c, i) => {
    if (c.length !== 2 && c.length !== 3) bad(`initial_cells[${i}] must be [x, y] or [x, y, weight], got [${c.join(', ')}]`);
    const s = checkCell(c, `initial_cells[${i}]`);
    if (forbidden[s]) bad(`initial_cells[${i}] [${c.join(', ')}] is a forbidden cell`);
    const w = c.length === 3 ? c[2]! : 1;
    if (!(w >= 0)) bad(`initial_cells[${i}] has weight ${w}; weights must be non-negative`);
    mu0[s]! += w;
    total += w;
  });
  if (!(total > 0)) bad('initial_cells weights sum to 0');
  for (let s = 0; s < S; s++) mu0[s]! /= total;
  return mu0;
}

const cellSchema = { type: 'array', items: { type: 'integer', minimum: 0 }, minItems: 2, maxItems: 2 };

/** The kwargs schema, shared with the FourRooms and Maze presets (which fix some of them). */
export const crowdModelling2DProperties: KwargsSchema['properties'] = {
  size: { type: 'integer', minimum: 1, default: 10, description: 'Side of the square torus.' },
  H: { type: 'integer', minimum: 1, default: 10, description: 'Horizon: number of decision epochs (t = 0..H-1).' },
  noise_intensity: {
    type: 'number',
    minimum: 0,
    maximum: 1,
    default: 1,
    description: 'After the move, each legal move of the new cell is taken with probability noise_intensity/|A(c)|, plus 1 - noise_intensity extra on staying.',
  },
  crowd_aversion_coef: { type: 'number', default: 1, description: 'coef in the crowd term -coef*log(mu_t(s) + 1e-25).' },
  forbidden_cells: { type: 'array', items: cellSchema, default: [], description: 'Walls: cells [x, y] (x column, y row) no agent may enter.' },
  initial_cells: {
    type: 'array',
    items: { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 3 },
    default: [],
    description: 'mu0 as cells [x, y] or [x, y, weight] (weights normalised); empty means uniform over the free cells.',
  },
  positional_rewards: {
    type: ['array', 'null'],
    items: { type: 'array', items: { type: 'number' }, minItems: 3, maxItems: 3 },
    default: null,
    description: 'Targets [x, y, v] giving 1 - sum_i (2 v_i/size)|x - x_i| plus the same in y; null means one target at (size/2, size/2) rounded down with v = 1.',
  },
  congestion: { type: 'boolean', default: false, description: 'Multiply the move cost by mu_t(s) (OpenSpiel with_congestion).' },
  only_distribution_reward: { type: 'boolean', default: false, description: 'Keep only the crowd term -coef*log(mu_t(s) + 1e-25).' },
};

export const crowdModelling2DSpec: EnvSpec<CrowdModelling2DKwargs> = {
  id: 'CrowdModelling2D-v0',
  kind: 'finite',
  description:
    'CrowdModelling2D: agents on a size x size torus move up, left, stay, right or down (moves into forbidden cells are illegal), ' +
    'then a noise move among the new cell\'s legal moves. Reward at every epoch: -coef*log(mu_t(s) + 1e-25), plus unless ' +
    'only_distribution_reward the positional terms 1 - sum_i (2 v_i/size)|x - x_i| and the same in y, and the move cost ' +
    '-(|dx| + |dy|)/size of the action taken at t (times mu_t(s) with congestion). The grid size is a kwarg, so the population ' +
    'can outgrow a table. Source: Lauriere, Perrin, Girgin, Muller, Jain, Cabannes, Piliouras, Perolat, Elie, Pietquin, Geist, ' +
    '"Scalable deep reinforcement learning algorithms for mean field games" (ICML 2022); OpenSpiel mfg_crowd_modelling_2d.',
  kwargsSchema: { type: 'object', properties: crowdModelling2DProperties, additionalProperties: false },
  create: (kwargs) => crowdModelling2D(kwargs),
  cost: (k) => ({ states: k.size * k.size, actions: 5, horizon: k.H, branching: 5, perAgent: true, stateShape: [k.size, k.size] }),
};

/**
 * Forbidden cells of a layout drawn as rows of text, '#' a wall (OpenSpiel's
 * grid_to_forbidden_states): row index is y, column index x.
 */
export function layoutToForbiddenCells(rows: readonly string[]): Cell[] {
  const cells: Cell[] = [];
  rows.forEach((row, y) => {
    if (row.length !== rows[0]!.length) throw new MfgError('MFG_ERR_GAME_INVALID', `layout row ${y} has ${row.length} columns, expected ${rows[0]!.length}`);
    for (let x = 0; x < row.length; x++) if (row[x] === '#') cells.push([x, y]);
  });
  return cells;
}
