import { LQ_CONTINUOUS_DEFAULTS, lqClosedForm, type LqContinuousKwargs } from '../../envs/linear-quadratic-continuous';

/**
 * Exact values of LinearQuadraticContinuous for one agent facing a given flow of means m_t (the
 * only mean-field quantity the game reads), by discrete-time dynamic programming on the game as
 * it is stepped (not its continuous-time limit). With y = x - m_t and a mean that moves by
 * dm_t = m_{t+1} - m_t, the dynamics are y' = (1 - K·dt)·y + a·dt - dm_t + sigma·sqrt(dt)·xi
 * and the reward -(a²/2 + q·a·y + kappa/2·y²)·dt (- c/2·y² at t = H-1), so every value is a
 * quadratic V_t(y) = -(P_t·y² + B_t·y + C_t). Clipping of actions to the action box is ignored
 * (for the defaults an action of 10 needs |x - m| > 5 standard deviations).
 */
export interface LqValues {
  /** The best response's value E[V_0(x_0 - m_0)], x_0 ~ N(mean0, var0). */
  bestResponse: number;
  /** The best response's feedback: a_t = -(gain_t·y + offset_t). */
  gain: Float64Array;
  offset: Float64Array;
}

export function lqBestResponse(means: ArrayLike<number>, kwargs: Partial<LqContinuousKwargs> = {}): LqValues {
  const { H, dt, K, q, kappa, c, sigma, mean0, var0 } = { ...LQ_CONTINUOUS_DEFAULTS, ...kwargs };
  const alpha = 1 - K * dt;
  const gain = new Float64Array(H);
  const offset = new Float64Array(H);
  // Last epoch: no continuation; max_a -(a²/2 + q·a·y)dt gives a = -q·y.
  gain[H - 1] = q;
  let P = ((kappa - q * q) / 2) * dt + c / 2;
  let Bc = 0;
  let C = 0;
  for (let t = H - 2; t >= 0; t--) {
    const dm = means[t + 1]! - means[t]!;
    // y' = alpha·y + a·dt - dm + noise; maximise -(a²/2 + q a y + kappa/2 y²)dt - E[P y'² + B y' + C].
    // d/da: -(a + q y)dt - dt(2P(alpha y + a dt - dm) + B) = 0  =>  a = -(g y + o)
    const den = 1 + 2 * P * dt;
    const g = (q + 2 * P * alpha) / den;
    const o = (Bc - 2 * P * dm) / den;
    gain[t] = g;
    offset[t] = o;
    // Substitute a = -(g y + o): the mean of y' is (alpha - g dt) y - (o dt + dm).
    const f = alpha - g * dt;
    const e = o * dt + dm;
    const noise = sigma * sigma * dt;
    const P2 = dt * (g * g / 2 - q * g + kappa / 2) + P * f * f;
    const B2 = dt * (g * o - q * o) - 2 * P * f * e + Bc * f;
    const C2 = dt * (o * o / 2) + P * (e * e + noise) - Bc * e + C;
    P = P2;
    Bc = B2;
    C = C2;
  }
  const y0 = mean0 - means[0]!;
  const bestResponse = -(P * (var0 + y0 * y0) + Bc * y0 + C);
  return { bestResponse, gain, offset };
}

/**
 * The value of the closed-form equilibrium control a = (q + eta_t)(m_0 - x) under its own
 * Gaussian flow, exactly: E[y_t] = 0 and Var y_t = v_t (lqClosedForm), so each epoch contributes
 * -(g²/2 - q·g + kappa/2)·v_t·dt (plus -c/2·v_{H-1} at the end). This is the equilibrium value,
 * the target of a best response learned against the equilibrium flow.
 */
export function lqClosedFormValue(kwargs: Partial<LqContinuousKwargs> = {}): number {
  const p = { ...LQ_CONTINUOUS_DEFAULTS, ...kwargs };
  const { eta, variance } = lqClosedForm(p);
  let v = 0;
  for (let t = 0; t < p.H; t++) {
    const g = p.q + eta[t]!;
    v -= (g * g / 2 - p.q * g + p.kappa / 2) * variance[t]! * p.dt;
  }
  return v - (p.c / 2) * variance[p.H - 1]!;
}

/**
 * The variances of the stepped game's own equilibrium flow: the mean stays at mean0 (the control
 * pulls toward the mean, and the noise has mean zero), the best response to that flow is the
 * discrete Riccati feedback a_t = -gain_t·(x - mean0) (lqBestResponse, no offset), and under it
 * v_{t+1} = (1 - K·dt - gain_t·dt)²·v_t + sigma²·dt. Why: the closed-form flow (lqClosedForm)
 * uses the continuous-time gain q + eta_t (0.707 at the defaults against the discrete 0.683), so
 * even an exact solver of the game as stepped sits at a small W2 from it.
 */
export function lqDiscreteEquilibriumVariance(kwargs: Partial<LqContinuousKwargs> = {}): Float64Array {
  const { H, dt, K, sigma, mean0, var0 } = { ...LQ_CONTINUOUS_DEFAULTS, ...kwargs };
  const { gain } = lqBestResponse(new Float64Array(H).fill(mean0), kwargs);
  const v = new Float64Array(H);
  v[0] = var0;
  for (let t = 0; t + 1 < H; t++) v[t + 1] = (1 - K * dt - gain[t]! * dt) ** 2 * v[t]! + sigma * sigma * dt;
  return v;
}
