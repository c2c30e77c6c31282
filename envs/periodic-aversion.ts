import type { FiniteGame } from '../src/core/finite-game';
import { buildKernel } from '../src/core/kernel';
import { singlePopulationGame } from '../src/core/single-population-game';
import type { EnvSpec } from '../src/registry/env-spec';

export interface PeriodicAversionKwargs extends Record<string, unknown> {
  size: number;
  H: number;
  dt: number;
  xmin: number;
  xmax: number;
  n_actions_per_side: number;
  volatility: number;
  coef_aversion: number;
}

const DEFAULTS: PeriodicAversionKwargs = {
  size: 21,
  H: 20,
  dt: 0.01,
  xmin: 0,
  xmax: 1,
  n_actions_per_side: 10,
  volatility: 1,
  coef_aversion: 1,
};
const EPS = 1e-15;

/**
 * PeriodicAversion (OpenSpiel `python_mfg_periodic_aversion`): a discretised ergodic MFG on the
 * circle [xmin, xmax) with an explicit solution (Almulla, Ferreira, Gomes 2017). Cell x sits at
 * xmin + x*dx, dx = (xmax - xmin)/(size - 1); action a moves by (a - n) cells, then a noise of
 * (k - n) cells, k in 0..2n, with weights ∝ the N(0, volatility²·dt) density at (k - n)·dx.
 *
 * Reward at t, charged for the action taken at t (OpenSpiel pays the action cost one epoch
 * later; the same-epoch convention of DESIGN §1):
 *   (-v²/2 + coef·(-log(mu_t(x)/dx + 1e-15)) + g(x))·dt, v = (a - n)·dx/dt,
 *   g(x) = volatility·2π²·sin(2πx) - 2π²·cos²(2πx) + (2/volatility²)·sin(2πx).
 */
export function periodicAversion(kwargs: Partial<PeriodicAversionKwargs> = {}): FiniteGame {
  const k: PeriodicAversionKwargs = { ...DEFAULTS, ...kwargs };
  const { size, n_actions_per_side: n, dt, volatility, coef_aversion: coef } = k;
  const A = 2 * n + 1;
  const dx = (k.xmax - k.xmin) / (size - 1);

  // Noise weights ∝ exp(-z²/2σ²): the Gaussian density's constant cancels in the normalisation.
  const sigma = volatility * Math.sqrt(dt);
  const noise = new Float64Array(A);
  let total = 0;
  for (let j = 0; j < A; j++) {
    const z = ((j - n) * dx) / sigma;
    noise[j] = Math.exp(-0.5 * z * z);
    total += noise[j]!;
  }
  for (let j = 0; j < A; j++) noise[j]! /= total;

  const wrap = (x: number): number => ((x % size) + size) % size;
  const kernel = buildKernel(size * A, (row, emit) => {
    const x = Math.floor(row / A);
    const moved = x + row - x * A - n;
    for (let j = 0; j < A; j++) emit(wrap(moved + j - n), noise[j]!);
  });

  // base[x*A + a] = (-v²/2 + g(x))·dt and the crowd term coef·(-log(mu/dx + eps))·dt is added.
  const base = new Float64Array(size * A);
  const pi2 = Math.PI * Math.PI;
  for (let x = 0; x < size; x++) {
    const angle = 2 * Math.PI * (k.xmin + x * dx);
    const geom = volatility * 2 * pi2 * Math.sin(angle) - 2 * pi2 * Math.cos(angle) ** 2 + (2 / volatility ** 2) * Math.sin(angle);
    for (let a = 0; a < A; a++) {
      const v = ((a - n) * dx) / dt;
      base[x * A + a] = -0.5 * v * v + geom;
    }
  }
  const rewardOf = (row: number, mu: number): number => (base[row]! - coef * Math.log(mu / dx + EPS)) * dt;

  return singlePopulationGame({
    name: 'crowd',
    horizon: k.H,
    numStates: size,
    numActions: A,
    mu0: new Float64Array(size).fill(1 / size),
    dynamicsDependOnMeanField: false,
    reward(_t, L, out) {
      for (let x = 0; x < size; x++) {
        const row = x * A;
        let mu = 0;
        for (let a = 0; a < A; a++) mu += L[row + a]!;
        for (let a = 0; a < A; a++) out[row + a] = rewardOf(row + a, mu);
      }
    },
    transition: () => kernel,
    rewardAt: (_t, x, a, q) => rewardOf(x * A + a, q.stateMass(0, x)),
  });
}

export const periodicAversionSpec: EnvSpec<PeriodicAversionKwargs> = {
  id: 'PeriodicAversion-v0',
  kind: 'finite',
  description:
    'PeriodicAversion: a discretised MFG on the circle with crowd aversion and an explicit ergodic solution. Action a moves ' +
    'by (a - n) cells, then a discretised Gaussian noise of variance volatility²·dt moves by (k - n) cells; reward ' +
    '(-v²/2 - coef·log(mu_t(x)/dx + 1e-15) + volatility·2π²sin(2πx) - 2π²cos²(2πx) + (2/volatility²)sin(2πx))·dt with ' +
    'v = (a - n)dx/dt charged at the epoch of the action (OpenSpiel charges it one epoch later); mu0 uniform. Source: ' +
    'Almulla, Ferreira, Gomes, "Two numerical approaches to stationary mean-field games" (Dyn. Games Appl. 2017); Elie et al. ' +
    '(AAAI 2020); OpenSpiel python_mfg_periodic_aversion.',
  kwargsSchema: {
    type: 'object',
    properties: {
      size: { type: 'integer', minimum: 2, default: 21, description: 'Number of cells on the circle.' },
      H: { type: 'integer', minimum: 1, default: 20, description: 'Horizon: number of decision epochs (t = 0..H-1).' },
      dt: { type: 'number', exclusiveMinimum: 0, default: 0.01, description: 'Time step.' },
      xmin: { type: 'number', default: 0, description: 'Position of cell 0.' },
      xmax: { type: 'number', default: 1, description: 'Position of cell size-1; dx = (xmax - xmin)/(size - 1).' },
      n_actions_per_side: { type: 'integer', minimum: 0, default: 10, description: 'Moves range over -n..n cells (2n+1 actions); the noise too.' },
      volatility: { type: 'number', exclusiveMinimum: 0, default: 1, description: 'Noise standard deviation per unit time.' },
      coef_aversion: { type: 'number', default: 1, description: 'Weight of the crowd-aversion term.' },
    },
    additionalProperties: false,
  },
  create: (kwargs) => periodicAversion(kwargs),
  cost: (k) => ({ states: k.size, actions: 2 * k.n_actions_per_side + 1, horizon: k.H, branching: 2 * k.n_actions_per_side + 1 }),
};
