import type { ContinuousGame, ContinuousMeanField, ContinuousPolicy } from '../src/core/continuous-game';
import { MfgError } from '../src/core/errors';
import { Box } from '../src/core/spaces/box';
import type { EnvSpec } from '../src/registry/env-spec';

export interface LqContinuousKwargs extends Record<string, unknown> {
  H: number;
  dt: number;
  K: number;
  q: number;
  kappa: number;
  c: number;
  sigma: number;
  mean0: number;
  var0: number;
  action_bound: number;
}

export const LQ_CONTINUOUS_DEFAULTS: LqContinuousKwargs = { H: 100, dt: 0.1, K: 0, q: 0.01, kappa: 0.5, c: 1, sigma: 1, mean0: 0, var0: 1, action_bound: 10 };

/**
 * The systemic-risk linear-quadratic MFG of Carmona, Fouque and Sun (2015), time-discretised
 * (DESIGN §2): epochs k = 0..H-1 at times k·dt, terminal time T = H·dt (H = 100, dt = 0.1 give
 * T = 10), x' = x + (K(m_k - x) + a)dt + sigma·sqrt(dt)·xi, reward
 * -(a²/2 - q·a·(m_k - x) + kappa/2·(m_k - x)²)·dt at every epoch, and -c/2·(m_k - x)² as well
 * at the last one; m_k the mean of mu_k. Actions are clipped to [-action_bound, action_bound].
 * Its reference policy is the closed-form equilibrium control and its exactFlow the Gaussian
 * flow that control produces (lqClosedForm).
 */
export function linearQuadraticContinuous(kwargs: Partial<LqContinuousKwargs> = {}): ContinuousGame {
  const p = checkLq({ ...LQ_CONTINUOUS_DEFAULTS, ...kwargs });
  const { H, dt, K, q, kappa, c, sigma, mean0, var0, action_bound: bound } = p;
  const noise = sigma * Math.sqrt(dt);
  const sd0 = Math.sqrt(var0);
  const clip = (a: number): number => Math.min(bound, Math.max(-bound, a));
  return {
    referencePolicy: lqEquilibriumPolicy(p),
    exactFlow() {
      const { mean, variance } = lqClosedForm(p);
      return { mean: [...mean].map((m) => Float64Array.of(m)), variance: [...variance].map((v) => Float64Array.of(v)) };
    },
    kind: 'continuous',
    horizon: H,
    stateSpace: new Box(-Infinity, Infinity, [1]),
    actionSpace: new Box(-bound, bound, [1]),
    needs: ['mean'],
    sampleInitial(n, rng, out) {
      for (let i = 0; i < n; i++) out[i] = mean0 + sd0 * rng.normal();
    },
    reward(t, x, a, n, mf, _rng, out) {
      const m = mf.mean()[0]!;
      const terminal = t === H - 1 ? c / 2 : 0;
      for (let i = 0; i < n; i++) {
        const u = clip(a[i]!);
        const gap = m - x[i]!;
        out[i] = -(u * u / 2 - q * u * gap + (kappa / 2) * gap * gap) * dt - terminal * gap * gap;
      }
    },
    step(_t, x, a, n, mf, rng, out) {
      const m = mf.mean()[0]!;
      for (let i = 0; i < n; i++) {
        const xi = x[i]!;
        out[i] = xi + (K * (m - xi) + clip(a[i]!)) * dt + noise * rng.normal();
      }
    },
  };
}

/** The kwargs must make the Riccati equation's roots real and distinct: (K+q)² + kappa - q² > 0. */
function checkLq(p: LqContinuousKwargs): LqContinuousKwargs {
  const disc = (p.K + p.q) ** 2 + p.kappa - p.q * p.q;
  if (!(disc > 0)) {
    throw new MfgError('MFG_ERR_GAME_INVALID', `LinearQuadraticContinuous needs (K+q)² + kappa - q² > 0 for its closed form, got ${disc} (K=${p.K}, q=${p.q}, kappa=${p.kappa})`, {
      details: { K: p.K, q: p.q, kappa: p.kappa },
    });
  }
  return p;
}

/**
 * The closed-form equilibrium feedback coefficient eta(t) at continuous time t in [0, T],
 * T = H·dt: the solution of eta' = 2(K+q)·eta + eta² - (kappa - q²), eta(T) = c (Carmona,
 * Fouque and Sun 2015, with delta± = -(K+q) ± sqrt((K+q)² + kappa - q²)).
 */
export function lqEta(t: number, kwargs: Partial<LqContinuousKwargs> = {}): number {
  const { H: horizon, dt, K, q, kappa, c } = checkLq({ ...LQ_CONTINUOUS_DEFAULTS, ...kwargs });
  const root = Math.sqrt((K + q) ** 2 + kappa - q * q);
  const dp = -(K + q) + root;
  const dm = -(K + q) - root;
  const E = Math.exp((dp - dm) * (horizon * dt - t));
  return (-(kappa - q * q) * (E - 1) - c * (dp * E - dm)) / (dm * E - dp - c * (E - 1));
}

export interface LqClosedForm {
  /** eta_k = eta(k·dt), k = 0..H-1. */
  readonly eta: Float64Array;
  /** Mean of mu_k under the equilibrium control: m_0 at every epoch. */
  readonly mean: Float64Array;
  /** Variance of mu_k: v_0 = var0, v_{k+1} = (1 - (K + q + eta_k)dt)²·v_k + sigma²·dt. */
  readonly variance: Float64Array;
}

/**
 * The exact flow under the closed-form control a = (q + eta_k)(m_k - x): the population stays
 * Gaussian (an affine map of a Gaussian plus independent Gaussian noise), its mean never moves
 * (E[m - x] = 0 makes the drift vanish on average) and its variance follows the recursion
 * above. Every population representation of this game is checked against it.
 */
export function lqClosedForm(kwargs: Partial<LqContinuousKwargs> = {}): LqClosedForm {
  const p = checkLq({ ...LQ_CONTINUOUS_DEFAULTS, ...kwargs });
  const H = p.H;
  const eta = new Float64Array(H);
  const mean = new Float64Array(H).fill(p.mean0);
  const variance = new Float64Array(H);
  for (let k = 0; k < H; k++) eta[k] = lqEta(k * p.dt, p);
  variance[0] = p.var0;
  for (let k = 0; k + 1 < H; k++) {
    const f = 1 - (p.K + p.q + eta[k]!) * p.dt;
    variance[k + 1] = f * f * variance[k]! + p.sigma * p.sigma * p.dt;
  }
  return { eta, mean, variance };
}

/**
 * The closed-form equilibrium control a = (q + eta_k)(m_k - x) as a batch policy. By default
 * m_k is the equilibrium mean m_0 (the control the exact flow assumes); with useEmpiricalMean
 * it reads the population's mean instead (the N-player feedback).
 */
export function lqEquilibriumPolicy(kwargs: Partial<LqContinuousKwargs> = {}, options: { useEmpiricalMean?: boolean } = {}): ContinuousPolicy {
  const p = checkLq({ ...LQ_CONTINUOUS_DEFAULTS, ...kwargs });
  const { eta } = lqClosedForm(p);
  return (t: number, x: Float64Array, n: number, mf: ContinuousMeanField) => {
    const m = options.useEmpiricalMean ? mf.mean()[0]! : p.mean0;
    const gain = p.q + eta[t]!;
    const a = new Float64Array(n);
    for (let i = 0; i < n; i++) a[i] = gain * (m - x[i]!);
    return a;
  };
}

const num = (d: number, description: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ type: 'number', default: d, description, ...extra });

export const linearQuadraticContinuousSpec: EnvSpec<LqContinuousKwargs> = {
  id: 'LinearQuadraticContinuous-v0',
  kind: 'continuous',
  description:
    'LinearQuadraticContinuous: the systemic-risk linear-quadratic MFG of Carmona, Fouque and Sun (2015) on x in R, ' +
    'Euler-discretised with step dt over H epochs (T = H·dt). Agents are pulled towards the population mean m_t ' +
    '(rate K), pay a quadratic control cost, a cross term q, a running cost kappa/2·(m_t - x)² and a terminal cost ' +
    'c/2·(m_T - x)². The closed-form equilibrium control a = (q + eta_t)(m_t - x) keeps the population Gaussian with ' +
    'mean m_0 and an explicit variance recursion (lqClosedForm), the exact flow every population representation is checked against.',
  kwargsSchema: {
    type: 'object',
    properties: {
      H: { type: 'integer', minimum: 1, default: 100, description: 'Number of epochs H (terminal time T = H·dt).' },
      dt: num(0.1, 'Time step.', { exclusiveMinimum: 0 }),
      K: num(0, 'Mean-reversion rate towards m_t in the dynamics.'),
      q: num(0.01, 'Incentive to borrow/lend: cross term q·a·(m_t - x).'),
      kappa: num(0.5, 'Running cost kappa/2·(m_t - x)².', { minimum: 0 }),
      c: num(1, 'Terminal cost c/2·(m_T - x)².', { minimum: 0 }),
      sigma: num(1, 'Noise intensity.', { minimum: 0 }),
      mean0: num(0, 'Mean of the initial distribution N(mean0, var0).'),
      var0: num(1, 'Variance of the initial distribution.', { minimum: 0 }),
      action_bound: num(10, 'Actions are clipped to [-action_bound, action_bound].', { exclusiveMinimum: 0 }),
    },
    additionalProperties: false,
  },
  continuousCost: (k) => ({ stateDim: 1, actionDim: 1, horizon: k.H }),
  create: (kwargs) => linearQuadraticContinuous(kwargs),
};
