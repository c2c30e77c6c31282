import { MfgError } from '../src/core/errors';
import { buildKernel } from '../src/core/kernel';
import type { FiniteGame } from '../src/core/finite-game';
import { Rng } from '../src/core/rng';
import { singlePopulationGame } from '../src/core/single-population-game';
import type { EnvSpec } from '../src/registry/env-spec';

/** Moves (and the noise set): (+1,0), (-1,0), (0,+1), (0,-1), (0,0). */
const MOVES: readonly (readonly [number, number])[] = [
  [1, 0],
  [-1, 0],
  [0, 1],
  [0, -1],
  [0, 0],
];
const A = MOVES.length;

/** Epochs between two moves of the default bar (MFGLib's loc_change_freq). */
const BAR_PERIOD = 2;

export interface CrowdMotionKwargs extends Record<string, unknown> {
  l: number;
  w: number;
  H: number;
  c: number;
  eps: number;
  p_still: number;
  seed: number;
  barPath?: [number, number][];
}

const DEFAULTS = { l: 20, w: 20, H: 4, c: 10, eps: 1e-10, p_still: 0.5, seed: 0 };

/**
 * The default bar path: b_0 at the centre (floor(l/2), floor(w/2)); at every epoch t that is a
 * multiple of 2 the bar takes a diagonal step (±1, ±1), the x sign drawn before the y sign
 * from Rng(seed), and stays put when the step would leave the grid (as MFGLib does).
 */
export function defaultBarPath(l: number, w: number, H: number, seed: number): [number, number][] {
  const rng = new Rng(seed);
  let bar: [number, number] = [Math.floor(l / 2), Math.floor(w / 2)];
  const path: [number, number][] = [bar];
  for (let t = 1; t < H; t++) {
    if (t % BAR_PERIOD === 0) {
      const dx = rng.int(2) === 0 ? -1 : 1;
      const dy = rng.int(2) === 0 ? -1 : 1;
      const x = bar[0] + dx;
      const y = bar[1] + dy;
      if (x >= 0 && x < l && y >= 0 && y < w) bar = [x, y];
    }
    path.push(bar);
  }
  return path;
}

/**
 * CrowdMotion (MFGLib `crowd_motion`, T=3 so H=4): BeachBar in two dimensions. Agents on an
 * l×w grid (clipped, not a torus despite the reference's names) follow a moving bar b_t and
 * avoid crowds. State (x, y) flattened row-major as x·w + y.
 */
export function crowdMotion(kwargs: Partial<CrowdMotionKwargs> = {}): FiniteGame {
  const { l, w, H, c, eps, p_still: pStill, seed } = { ...DEFAULTS, ...kwargs };
  const barPath = kwargs.barPath ?? defaultBarPath(l, w, H, seed);
  if (barPath.length !== H) {
    throw new MfgError('MFG_ERR_REGISTRY_BAD_KWARGS', `kwarg "barPath" has ${barPath.length} entries, expected one [x, y] per epoch (H = ${H})`, {
      details: { kwarg: 'barPath', length: barPath.length, H },
    });
  }
  barPath.forEach(([x, y], t) => {
    if (!(x >= 0 && x < l && y >= 0 && y < w)) {
      throw new MfgError('MFG_ERR_REGISTRY_BAD_KWARGS', `kwarg "barPath"[${t}] = [${x}, ${y}] is outside the ${l}×${w} grid (x in [0, ${l - 1}], y in [0, ${w - 1}])`, {
        details: { kwarg: 'barPath', t, bar: [x, y], l, w },
      });
    }
  });
  const S = l * w;
  // Action then noise, summed and clipped once; the four moves share 1 - p_still.
  const side = (1 - pStill) / 4;
  const noiseProb = [side, side, side, side, pStill];
  const kernel = buildKernel(S * A, (row, emit) => {
    const s = Math.floor(row / A);
    const [ax, ay] = MOVES[row - s * A]!;
    const x = Math.floor(s / w);
    const y = s - x * w;
    for (let j = 0; j < A; j++) {
      const [nx, ny] = MOVES[j]!;
      const x2 = Math.min(Math.max(x + ax + nx, 0), l - 1);
      const y2 = Math.min(Math.max(y + ay + ny, 0), w - 1);
      emit(x2 * w + y2, noiseProb[j]!);
    }
  });
  // The positional part c(1 - L1(s, b_t)/(l + w)), one table per epoch.
  const position = barPath.map(([bx, by]) => {
    const table = new Float64Array(S);
    for (let s = 0; s < S; s++) {
      const x = Math.floor(s / w);
      const y = s - x * w;
      table[s] = c * (1 - (Math.abs(x - bx) + Math.abs(y - by)) / (l + w));
    }
    return table;
  });
  return singlePopulationGame({
    name: 'crowd',
    horizon: H,
    numStates: S,
    numActions: A,
    stateShape: [l, w],
    mu0: new Float64Array(S).fill(1 / S),
    actionLabels: ['x+1', 'x-1', 'y+1', 'y-1', 'stay'],
    dynamicsDependOnMeanField: false,
    reward(t, L, out) {
      const pos = position[t]!;
      for (let s = 0; s < S; s++) {
        const row = s * A;
        let mu = 0;
        for (let a = 0; a < A; a++) mu += L[row + a]!;
        const r = pos[s]! - Math.log(mu + eps);
        for (let a = 0; a < A; a++) out[row + a] = r;
      }
    },
    transition: () => kernel,
    rewardAt: (t, s, _a, q) => position[t]![s]! - Math.log(q.stateMass(0, s) + eps),
  });
}

export const crowdMotionSpec: EnvSpec<CrowdMotionKwargs> = {
  id: 'CrowdMotion-v0',
  kind: 'finite',
  description:
    'CrowdMotion: BeachBar in two dimensions. Agents on an l×w grid move by (+1,0), (-1,0), (0,+1), (0,-1) or (0,0), ' +
    'then noise adds one of the same moves (each of the first four w.p. (1-p_still)/4, none w.p. p_still), clipped to ' +
    'the grid. Reward c(1 - L1(s, b_t)/(l + w)) - log(mu_t(s) + eps) with b_t the bar at epoch t: `barPath` (one [x, y] ' +
    'per epoch) or by default the centre moved by a diagonal step (±1, ±1) drawn from `seed` every 2 epochs. Uniform ' +
    'mu0, default horizon H=4 (MFGLib T=3). Source: adapted from Perolat et al. (2022), "Scaling up mean field games ' +
    'with online mirror descent", as in MFGLib (Guo, Hu, Zhang et al. 2023), crowd_motion example.',
  kwargsSchema: {
    type: 'object',
    properties: {
      l: { type: 'integer', minimum: 1, default: DEFAULTS.l, description: 'Grid size along x.' },
      w: { type: 'integer', minimum: 1, default: DEFAULTS.w, description: 'Grid size along y.' },
      H: { type: 'integer', minimum: 1, default: DEFAULTS.H, description: 'Horizon: number of decision epochs (MFGLib T + 1).' },
      c: { type: 'number', default: DEFAULTS.c, description: 'Weight of the closeness-to-the-bar reward.' },
      eps: { type: 'number', exclusiveMinimum: 0, default: DEFAULTS.eps, description: 'Added inside the log of the crowd-aversion term.' },
      p_still: { type: 'number', minimum: 0, maximum: 1, default: DEFAULTS.p_still, description: 'Probability that the noise does not move the agent.' },
      seed: {
        type: 'integer',
        minimum: 0,
        maximum: Number.MAX_SAFE_INTEGER,
        default: DEFAULTS.seed,
        description: 'Seed of the default bar path (ignored when barPath is given).',
      },
      barPath: {
        type: 'array',
        items: { type: 'array', items: { type: 'integer', minimum: 0 }, minItems: 2, maxItems: 2 },
        description: 'Bar position [x, y] at every epoch t = 0..H-1 (length H); default: the seeded path described above.',
      },
    },
    additionalProperties: false,
  },
  create: (kwargs) => crowdMotion(kwargs),
  cost: (k) => ({ states: k.l * k.w, actions: MOVES.length, horizon: k.H, branching: MOVES.length }),
};
