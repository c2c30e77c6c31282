import { missingMeanField, type ContinuousGame } from '../src/core/continuous-game';
import { Box } from '../src/core/spaces/box';
import type { EnvSpec } from '../src/registry/env-spec';

export interface CrowdAversionNDKwargs extends Record<string, unknown> {
  d: number;
  H: number;
  dt: number;
  sigma: number;
  c_target: number;
  c_crowd: number;
  target: number;
}

export const CROWD_AVERSION_ND_DEFAULTS: CrowdAversionNDKwargs = { d: 2, H: 20, dt: 0.1, sigma: 1, c_target: 1, c_crowd: 1, target: 1 };

/**
 * Crowd aversion in R^d (DESIGN §2): x' = x + a·dt + sigma·sqrt(dt)·xi with a in [-1, 1]^d
 * (clipped), mu0 = N(0, I), reward -(c_target·|x - target|² + |a|²/2 + c_crowd·log mu_t(x))·dt at
 * every epoch. The target is the point (target, ..., target). The agent pays for the density
 * of the population at its own point, which only a density model (KDE of particles, or the
 * generator) gives in R^10; the dynamics ignore the mean field.
 */
export function crowdAversionND(kwargs: Partial<CrowdAversionNDKwargs> = {}): ContinuousGame {
  const { d, H: horizon, dt, sigma, c_target: cTarget, c_crowd: cCrowd, target } = { ...CROWD_AVERSION_ND_DEFAULTS, ...kwargs };
  const noise = sigma * Math.sqrt(dt);
  const point = new Float64Array(d);
  return {
    // Under the passive policy (a = 0, the default reference) the flow is the heat flow
    // N(0, (1 + sigma²·t·dt) I): a closed form for every d, what the benches measure against.
    exactFlow() {
      const mean = Array.from({ length: horizon }, () => new Float64Array(d));
      const variance = Array.from({ length: horizon }, (_, t) => new Float64Array(d).fill(1 + sigma * sigma * t * dt));
      return { mean, variance };
    },
    kind: 'continuous',
    horizon,
    stateSpace: new Box(-Infinity, Infinity, [d]),
    actionSpace: new Box(-1, 1, [d]),
    needs: ['logDensity'],
    sampleInitial(n, rng, out) {
      for (let i = 0; i < n * d; i++) out[i] = rng.normal();
    },
    reward(_t, x, a, n, mf, _rng, out) {
      if (!mf.logDensity) missingMeanField('CrowdAversionND-v0', 'logDensity');
      for (let i = 0; i < n; i++) {
        let dist2 = 0;
        let act2 = 0;
        for (let k = 0; k < d; k++) {
          const xk = x[i * d + k]!;
          const z = xk - target;
          const u = Math.min(1, Math.max(-1, a[i * d + k]!));
          dist2 += z * z;
          act2 += u * u;
          point[k] = xk;
        }
        out[i] = -(cTarget * dist2 + act2 / 2 + cCrowd * mf.logDensity(point)) * dt;
      }
    },
    step(_t, x, a, n, _mf, rng, out) {
      for (let i = 0; i < n * d; i++) out[i] = x[i]! + Math.min(1, Math.max(-1, a[i]!)) * dt + noise * rng.normal();
    },
  };
}

export const crowdAversionNDSpec: EnvSpec<CrowdAversionNDKwargs> = {
  id: 'CrowdAversionND-v0',
  kind: 'continuous',
  description:
    'CrowdAversionND: agents in R^d (d = 1..10) steer with bounded velocity a in [-1,1]^d towards the point ' +
    '(target, ..., target) under Brownian noise, and pay c_crowd·log mu_t(x), the log density of the population at their ' +
    'own position: an entropy-regularised crowd-aversion MFG in the spirit of Lasry and Lions (2007) and of the ' +
    'exploration MFGs of Lauriere et al. (2022). mu0 = N(0, I). Needs a density-carrying population (KDE particles or generative).',
  kwargsSchema: {
    type: 'object',
    properties: {
      d: { type: 'integer', minimum: 1, maximum: 10, default: 2, description: 'Dimension d of the state space.' },
      H: { type: 'integer', minimum: 1, default: 20, description: 'Number of epochs H.' },
      dt: { type: 'number', exclusiveMinimum: 0, default: 0.1, description: 'Time step.' },
      sigma: { type: 'number', minimum: 0, default: 1, description: 'Noise intensity.' },
      c_target: { type: 'number', minimum: 0, default: 1, description: 'Weight of the squared distance to the target.' },
      c_crowd: { type: 'number', minimum: 0, default: 1, description: 'Weight of the crowd term log mu_t(x).' },
      target: { type: 'number', default: 1, description: 'Every coordinate of the target point.' },
    },
    additionalProperties: false,
  },
  continuousCost: (k) => ({ stateDim: k.d, actionDim: k.d, horizon: k.H }),
  create: (kwargs) => crowdAversionND(kwargs),
};
