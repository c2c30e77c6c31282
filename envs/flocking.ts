import { missingMeanField, type ContinuousGame } from '../src/core/continuous-game';
import { Box } from '../src/core/spaces/box';
import type { EnvSpec } from '../src/registry/env-spec';

export interface FlockingKwargs extends Record<string, unknown> {
  d: number;
  H: number;
  dt: number;
  sigma: number;
  beta: number;
  neighbor_samples: number;
  position_std0: number;
  velocity_std0: number;
  action_bound: number;
}

export const FLOCKING_DEFAULTS: FlockingKwargs = { d: 2, H: 50, dt: 0.1, sigma: 0.1, beta: 0.5, neighbor_samples: 256, position_std0: 1, velocity_std0: 1, action_bound: 5 };

/**
 * Flocking (Perrin, Laurière, Pérolat, Geist, Élie, Pietquin, "Mean Field Games Flock! The
 * Reinforcement Learning Way", IJCAI 2021). The state is (x, v) in R^d × R^d (d = 2 or 3, stored
 * x then v), the action an acceleration a (clipped to the box):
 *   x' = x + v·dt,  v' = v + a·dt + sigma·sqrt(dt)·xi;
 * reward -|F(x, v)|² - |a|²/2 with the Cucker–Smale flocking term of the paper
 *   F(x, v) = ∫ (v - v') / (1 + |x - x'|²)^beta dmu_t(x', v')  =  W(x)·(v - vbar_W(x)),
 * W(x) the population's Cucker–Smale weight around x and vbar_W(x) its weighted mean velocity
 * there: an agent is paid for matching the velocity of its neighbours, nearer ones counting more.
 * The integral is estimated from `neighbor_samples` samples of mu_t drawn once per epoch call and
 * shared by the batch (a sample-based mean-field term, unbiased for F, so the squared norm
 * carries a small O(1/M) bias; documented, not corrected). mu0: x ~ N(0, position_std0²·I),
 * v ~ N(0, velocity_std0²·I). As in the paper's reward the running terms are not scaled by dt.
 */
export function flocking(kwargs: Partial<FlockingKwargs> = {}): ContinuousGame {
  const { d, H: horizon, dt, sigma, beta, neighbor_samples: M, position_std0: positionStd0, velocity_std0: velocityStd0, action_bound: bound } = { ...FLOCKING_DEFAULTS, ...kwargs };
  const D = 2 * d;
  const noise = sigma * Math.sqrt(dt);
  const force = new Float64Array(d);
  return {
    kind: 'continuous',
    horizon,
    stateSpace: new Box(-Infinity, Infinity, [D]),
    actionSpace: new Box(-bound, bound, [d]),
    needs: ['samples'],
    sampleInitial(n, rng, out) {
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < d; k++) out[i * D + k] = positionStd0 * rng.normal();
        for (let k = 0; k < d; k++) out[i * D + d + k] = velocityStd0 * rng.normal();
      }
    },
    reward(_t, x, a, n, mf, rng, out) {
      if (!mf.samples) missingMeanField('Flocking-v0', 'samples');
      const others = mf.samples(M, rng);
      for (let i = 0; i < n; i++) {
        const o = i * D;
        force.fill(0);
        for (let j = 0; j < M; j++) {
          const oj = j * D;
          let r2 = 0;
          for (let k = 0; k < d; k++) {
            const z = x[o + k]! - others[oj + k]!;
            r2 += z * z;
          }
          const w = beta === 0 ? 1 : Math.pow(1 + r2, -beta);
          for (let k = 0; k < d; k++) force[k]! += w * (x[o + d + k]! - others[oj + d + k]!);
        }
        let f2 = 0;
        let a2 = 0;
        for (let k = 0; k < d; k++) {
          const f = force[k]! / M;
          const u = Math.min(bound, Math.max(-bound, a[i * d + k]!));
          f2 += f * f;
          a2 += u * u;
        }
        out[i] = -f2 - a2 / 2;
      }
    },
    step(_t, x, a, n, _mf, rng, out) {
      for (let i = 0; i < n; i++) {
        const o = i * D;
        for (let k = 0; k < d; k++) {
          const v = x[o + d + k]!;
          out[o + k] = x[o + k]! + v * dt;
          out[o + d + k] = v + Math.min(bound, Math.max(-bound, a[i * d + k]!)) * dt + noise * rng.normal();
        }
      }
    },
  };
}

export const flockingSpec: EnvSpec<FlockingKwargs> = {
  id: 'Flocking-v0',
  kind: 'continuous',
  description:
    'Flocking: agents with position and velocity in R^d (d = 2 or 3) choose an acceleration and are rewarded for ' +
    'matching the velocity of the population around them, weighted by the Cucker-Smale kernel (1 + |x - x\'|²)^-beta, ' +
    'minus a quadratic control cost: the flocking MFG of Perrin, Lauriere, Perolat, Geist, Elie and Pietquin, ' +
    '"Mean Field Games Flock! The Reinforcement Learning Way" (IJCAI 2021). The mean-field term is estimated from ' +
    'samples of the population.',
  kwargsSchema: {
    type: 'object',
    properties: {
      d: { type: 'integer', enum: [2, 3], default: 2, description: 'Dimension d of positions and velocities (state is 2d).' },
      H: { type: 'integer', minimum: 1, default: 50, description: 'Number of epochs H.' },
      dt: { type: 'number', exclusiveMinimum: 0, default: 0.1, description: 'Time step.' },
      sigma: { type: 'number', minimum: 0, default: 0.1, description: 'Noise on the velocity.' },
      beta: { type: 'number', minimum: 0, default: 0.5, description: 'Cucker-Smale exponent: weight (1 + |x - x\'|²)^-beta.' },
      neighbor_samples: { type: 'integer', minimum: 1, default: 256, description: 'Population samples per reward call for the flocking term.' },
      position_std0: { type: 'number', minimum: 0, default: 1, description: 'Initial positions ~ N(0, position_std0²·I).' },
      velocity_std0: { type: 'number', minimum: 0, default: 1, description: 'Initial velocities ~ N(0, velocity_std0²·I).' },
      action_bound: { type: 'number', exclusiveMinimum: 0, default: 5, description: 'Accelerations are clipped to [-action_bound, action_bound]^d.' },
    },
    additionalProperties: false,
  },
  continuousCost: (k) => ({ stateDim: 2 * k.d, actionDim: k.d, horizon: k.H }),
  create: (kwargs) => flocking(kwargs),
};
