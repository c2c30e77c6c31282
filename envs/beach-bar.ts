import { MfgError } from '../src/core/errors';
import { buildKernel, kernelRowOf } from '../src/core/kernel';
import type { FiniteGame, SparseKernel } from '../src/core/finite-game';
import { singlePopulationGame } from '../src/core/single-population-game';
import type { EnvSpec } from '../src/registry/env-spec';

const A = 3;
const STAY = 1;

export interface BeachBarKwargs extends Record<string, unknown> {
  n: number;
  bar: number;
  H: number;
  p_still: number;
  eps: number;
}

const DEFAULTS: BeachBarKwargs = { n: 4, bar: 2, H: 3, p_still: 0.5, eps: 1e-20 };

/**
 * BeachBar (MFGLib `beach_bar`, T=2 so H=3): agents on a beach of n cells walk towards a bar
 * and away from crowds. Motion is clipped at the ends of the beach, but the distance to the
 * bar is circular, as DESIGN §2 fixes it (MFGLib's beach is described as a torus).
 */
export function beachBar(kwargs: Partial<BeachBarKwargs> = {}): FiniteGame {
  const { n, bar, H, p_still: pStill, eps } = { ...DEFAULTS, ...kwargs };
  if (bar >= n) {
    throw new MfgError('MFG_ERR_REGISTRY_BAD_KWARGS', `kwarg "bar" = ${bar} must be a cell of the beach, in [0, n-1] = [0, ${n - 1}]`, {
      details: { kwarg: 'bar', value: bar, n },
    });
  }
  // The noise is drawn after the move and the sum is clipped once, so walls pile up mass.
  const noiseProb = [(1 - pStill) / 2, pStill, (1 - pStill) / 2];
  const fill = (row: number, emit: (next: number, prob: number) => void): void => {
    const s = Math.floor(row / A);
    const a = row - s * A;
    for (let e = -1; e <= 1; e++) emit(Math.min(Math.max(s + (a - 1) + e, 0), n - 1), noiseProb[e + 1]!);
  };
  // Built on first use: an env stepping agents one by one reads rows alone (transitionRow).
  let kernel: SparseKernel | null = null;
  const row = kernelRowOf(fill);
  const base = new Float64Array(n * A);
  for (let s = 0; s < n; s++) {
    const d = Math.min((((s - bar) % n) + n) % n, (((bar - s) % n) + n) % n);
    for (let a = 0; a < A; a++) base[s * A + a] = -d - (a === STAY ? 0 : 1) / n;
  }
  const mu0 = new Float64Array(n).fill(1 / n);
  return singlePopulationGame({
    name: 'bathers',
    horizon: H,
    numStates: n,
    numActions: A,
    mu0,
    actionLabels: ['left', 'stay', 'right'],
    dynamicsDependOnMeanField: false,
    reward(_t, L, out) {
      for (let s = 0; s < n; s++) {
        const crowd = Math.log(L[s * A]! + L[s * A + 1]! + L[s * A + 2]! + eps);
        for (let a = 0; a < A; a++) out[s * A + a] = base[s * A + a]! - crowd;
      }
    },
    transition: () => (kernel ??= buildKernel(n * A, fill)),
    transitionRow: (_t, s, a) => row(s * A + a),
    rewardAt: (_t, s, a, q) => base[s * A + a]! - Math.log(q.stateMass(0, s) + eps),
  });
}

export const beachBarSpec: EnvSpec<BeachBarKwargs> = {
  id: 'BeachBar-v0',
  kind: 'finite',
  description:
    'BeachBar: agents on a beach of n cells want to be near the bar but away from crowds. Actions left/stay/right, then ' +
    'noise -1/0/+1 with probabilities ((1-p_still)/2, p_still, (1-p_still)/2), positions clipped to the beach; reward ' +
    '-d(s) - [moved]/n - log(mu_t(s) + eps) with d the circular distance to the bar. Uniform mu0, default horizon H=3 ' +
    '(MFGLib T=2). Source: Perrin et al. (2020), "Fictitious play for mean field games", as in MFGLib (Guo, Hu, ' +
    'Zhang et al. 2023), beach_bar example.',
  kwargsSchema: {
    type: 'object',
    properties: {
      n: { type: 'integer', minimum: 1, default: DEFAULTS.n, description: 'Number of cells of the beach.' },
      bar: { type: 'integer', minimum: 0, default: DEFAULTS.bar, description: 'Cell of the bar, in [0, n-1].' },
      H: { type: 'integer', minimum: 1, default: DEFAULTS.H, description: 'Horizon: number of decision epochs (MFGLib T + 1).' },
      p_still: { type: 'number', minimum: 0, maximum: 1, default: DEFAULTS.p_still, description: 'Probability that the noise does not move the agent.' },
      eps: { type: 'number', exclusiveMinimum: 0, default: DEFAULTS.eps, description: 'Added inside the log of the crowd-aversion term.' },
    },
    additionalProperties: false,
  },
  create: (kwargs) => beachBar(kwargs),
  cost: (k) => ({ states: k.n, actions: 3, horizon: k.H, branching: 3 }),
};
