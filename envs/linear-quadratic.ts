import { buildKernel } from '../src/core/kernel';
import type { FiniteGame } from '../src/core/finite-game';
import { singlePopulationGame } from '../src/core/single-population-game';
import type { EnvSpec } from '../src/registry/env-spec';

export interface LinearQuadraticKwargs extends Record<string, unknown> {
  el: number;
  m: number;
  sigma: number;
  delta: number;
  k: number;
  q: number;
  kappa: number;
  c_term: number;
  H: number;
}

const DEFAULTS: LinearQuadraticKwargs = { el: 5, m: 2, sigma: 3, delta: 0.1, k: 1, q: 0.01, kappa: 0.5, c_term: 1, H: 4 };

/** Rounds to the nearest integer, ties to even (numpy/torch `round`, unlike Math.round). */
export function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const frac = v - f; // exact: v and floor(v) share their exponent range
  if (frac < 0.5) return f;
  if (frac > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * LinearQuadratic (MFGLib `linear_quadratic`, T=3 so H=4): the discretised systemic-risk
 * model. Positions x in [-el, el], controls u in [-m, m]; agents are pulled towards the mean
 * m_t and pay for control and for straying from the mean, plus a terminal cost.
 */
export function linearQuadratic(kwargs: Partial<LinearQuadraticKwargs> = {}): FiniteGame {
  const { el, m, sigma, delta, k, q, kappa, c_term: cTerm, H } = { ...DEFAULTS, ...kwargs };
  const S = 2 * el + 1;
  const A = 2 * m + 1;
  // Noise eps_j = j·sigma for j = -3..3 with Gaussian weights; the step scales it by sigma
  // again (sigma·eps_j·sqrt(delta)), exactly as the reference does.
  const noise: number[] = [];
  const weight: number[] = [];
  let total = 0;
  for (let j = -3; j <= 3; j++) {
    const e = j * sigma;
    const w = Math.exp(-(e * e) / 2);
    noise.push(e);
    weight.push(w);
    total += w;
  }
  for (let j = 0; j < weight.length; j++) weight[j]! /= total;
  const sqrtDelta = Math.sqrt(delta);
  const meanOf = (mass: (s: number) => number): number => {
    let mt = 0;
    for (let s = 0; s < S; s++) mt += (s - el) * mass(s);
    return mt;
  };
  const meanOfField = (L: Float64Array): number =>
    meanOf((s) => {
      let mu = 0;
      for (let a = 0; a < A; a++) mu += L[s * A + a]!;
      return mu;
    });
  const rewardOf = (t: number, x: number, u: number, mt: number): number => {
    const gap = mt - x;
    if (t === H - 1) return (-cTerm * gap * gap) / 2;
    return delta * (-(u * u) / 2 + q * u * gap - (kappa * gap * gap) / 2);
  };
  return singlePopulationGame({
    name: 'banks',
    horizon: H,
    numStates: S,
    numActions: A,
    mu0: new Float64Array(S).fill(1 / S),
    dynamicsDependOnMeanField: true,
    reward(t, L, out) {
      const mt = meanOfField(L);
      for (let s = 0; s < S; s++) for (let a = 0; a < A; a++) out[s * A + a] = rewardOf(t, s - el, a - m, mt);
    },
    transition(_t, L) {
      const mt = meanOfField(L);
      return buildKernel(S * A, (row, emit) => {
        const s = Math.floor(row / A);
        const x = s - el;
        const u = row - s * A - m;
        const drift = x + (k * (mt - x) + u) * delta;
        for (let j = 0; j < noise.length; j++) {
          // The reference rounds a float32 position: fround first, then ties to even.
          const y = drift + sigma * noise[j]! * sqrtDelta;
          const next = Math.min(Math.max(roundHalfEven(Math.fround(y)), -el), el);
          emit(next + el, weight[j]!);
        }
      });
    },
    rewardAt: (t, s, a, query) => rewardOf(t, s - el, a - m, meanOf((x) => query.stateMass(0, x))),
  });
}

export const linearQuadraticSpec: EnvSpec<LinearQuadraticKwargs> = {
  id: 'LinearQuadratic-v0',
  kind: 'finite',
  description:
    'LinearQuadratic: a discretised linear-quadratic (systemic-risk) game. x = s - el in [-el, el], u = a - m in ' +
    '[-m, m], m_t the population mean; y = x + (k(m_t - x) + u)·delta + sigma·eps_j·sqrt(delta) with eps_j = j·sigma ' +
    '(j = -3..3, weights proportional to exp(-eps_j²/2)), x\' = clip(round-half-even(float32(y)), -el, el). Reward ' +
    'delta(-u²/2 + q·u(m_t - x) - kappa(m_t - x)²/2) before the last epoch, -c_term(m_t - x)²/2 at it. Uniform mu0, ' +
    'default horizon H=4 (MFGLib T=3). Source: Carmona, Fouque & Sun (2015), discretised by Perrin et al. (2020), as ' +
    'in MFGLib (Guo, Hu, Zhang et al. 2023), linear_quadratic example.',
  kwargsSchema: {
    type: 'object',
    properties: {
      el: { type: 'integer', minimum: 0, default: DEFAULTS.el, description: 'Positions are -el..el (2el+1 states).' },
      m: { type: 'integer', minimum: 0, default: DEFAULTS.m, description: 'Controls are -m..m (2m+1 actions).' },
      sigma: { type: 'number', minimum: 0, default: DEFAULTS.sigma, description: 'Noise scale (it enters twice, as in the reference).' },
      delta: { type: 'number', exclusiveMinimum: 0, default: DEFAULTS.delta, description: 'Time step.' },
      k: { type: 'number', default: DEFAULTS.k, description: 'Mean-reversion rate towards m_t.' },
      q: { type: 'number', default: DEFAULTS.q, description: 'Cross term weight q·u(m_t - x).' },
      kappa: { type: 'number', default: DEFAULTS.kappa, description: 'Running cost weight of (m_t - x)².' },
      c_term: { type: 'number', default: DEFAULTS.c_term, description: 'Terminal cost weight of (m_t - x)².' },
      H: { type: 'integer', minimum: 1, default: DEFAULTS.H, description: 'Horizon: number of decision epochs (MFGLib T + 1).' },
    },
    additionalProperties: false,
  },
  create: (kwargs) => linearQuadratic(kwargs),
  cost: (k) => ({ states: 2 * k.el + 1, actions: 2 * k.m + 1, horizon: k.H, branching: 7 }),
};
