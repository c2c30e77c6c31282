/**
 * A Newton step for the mean of a linear-Gaussian policy, mu_k(x) = theta_k · [phi(x), 1],
 * a ~ N(mu, diag(sigma²)), from one rollout's advantages: a natural actor-critic update (Peters and
 * Schaal 2008) whose compatible features carry a quadratic term, so the step has its own length.
 *
 * For each action dimension k, with e = a_k - mu_k(x) the exploration noise, the advantages are
 * regressed by least squares on
 *   [phi(x), 1]·e        (the compatible features: their coefficients w_k are the natural gradient),
 *   e² - sigma_k²        (its coefficient is -c_k, the curvature of Q in a_k, one for all states),
 *   [phi(x), 1]          (nuisance: a state-dependent offset, the critic's error, soaks up here),
 * i.e. A ≈ w_k·[phi, 1]·e - c_k·(e² - sigma²) + v·[phi, 1]. The maximiser of the fitted quadratic
 * in a_k is mu_k + w_k·[phi, 1]/(2 c_k), so the step is Delta theta_k = w_k/(2 c_k): policy
 * iteration's step where Q is quadratic in a (LQ, exactly), and free of the advantages' scale.
 * The fit only sees actions within a few sigma of the mean, so a step whose mean shift over the
 * rollout's states has a root mean square above sigma_k is scaled down to it (a trust region:
 * a small rollout or a lagging critic can fit c_k near 0, and w/(2c) then leaves the data).
 *
 * Why: a first-order step (PPO's Adam) moves a linear actor along the value's flat directions
 * (LQ's gain and intercept) by steps that do not grow with the distance to the optimum, so a
 * best response learned in a fixed budget stops short or wanders (LQ: a gain of 0.62-0.75 against
 * Riccati's 0.683 after 60-240 PPO iterations); the Newton step contracts every direction alike.
 */
export interface NaturalLinearStep {
  /** Delta theta as [inputDim + 1, actionDim]: rows 0..inputDim-1 the weights, the last the bias. */
  step: Float64Array;
  /** The fitted curvature c_k per action dimension (a step is only taken where c_k > 0). */
  curvature: Float64Array;
}

/**
 * The Newton step from `rows` samples: inputs [rows, D], actions and means [rows, dA], sigma
 * the exploration standard deviations [dA], advantages [rows]. A dimension whose fitted
 * curvature is not positive (Q not concave in a there, or noise) gets a zero step.
 */
export function naturalLinearStep(inputs: ArrayLike<number>, actions: ArrayLike<number>, means: ArrayLike<number>, sigma: ArrayLike<number>, advantages: ArrayLike<number>, rows: number, D: number, dA: number): NaturalLinearStep {
  const F = D + 1;
  const m = 2 * F + 1;
  const step = new Float64Array(F * dA);
  const curvature = new Float64Array(dA);
  const row = new Float64Array(m);
  for (let k = 0; k < dA; k++) {
    const xtx = new Float64Array(m * m);
    const xty = new Float64Array(m);
    const s2 = sigma[k]! * sigma[k]!;
    for (let r = 0; r < rows; r++) {
      const e = actions[r * dA + k]! - means[r * dA + k]!;
      for (let j = 0; j < D; j++) {
        const f = inputs[r * D + j]!;
        row[j] = f * e;
        row[F + j] = f;
      }
      row[D] = e;
      row[F + D] = 1;
      row[2 * F] = e * e - s2;
      const y = advantages[r]!;
      for (let i = 0; i < m; i++) {
        const ri = row[i]!;
        if (ri === 0) continue;
        xty[i]! += ri * y;
        for (let j = i; j < m; j++) xtx[i * m + j]! += ri * row[j]!;
      }
    }
    for (let i = 0; i < m; i++) for (let j = 0; j < i; j++) xtx[i * m + j] = xtx[j * m + i]!;
    const beta = solveSymmetric(xtx, xty, m);
    const c = -beta[2 * F]!;
    curvature[k] = c;
    if (!(c > 0)) continue;
    let shift2 = 0;
    for (let r = 0; r < rows; r++) {
      let d = beta[D]! / (2 * c);
      for (let j = 0; j < D; j++) d += (inputs[r * D + j]! * beta[j]!) / (2 * c);
      shift2 += (d * d) / rows;
    }
    const scale = shift2 > s2 ? Math.sqrt(s2 / shift2) : 1;
    for (let j = 0; j < F; j++) step[j * dA + k] = (scale * beta[j]!) / (2 * c);
  }
  return { step, curvature };
}

/**
 * Solves (A + ridge·I) x = b for a symmetric positive semi-definite A [m, m] by Cholesky, with a
 * ridge of 1e-10 times A's mean diagonal: a feature that never varies in the rollout (a one-hot
 * epoch that is all zero, say) then gets a zero coefficient instead of a singular system.
 */
export function solveSymmetric(a: Float64Array, b: Float64Array, m: number): Float64Array {
  let trace = 0;
  for (let i = 0; i < m; i++) trace += a[i * m + i]!;
  const ridge = 1e-10 * (trace / m) + 1e-300;
  const l = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * m + j]! + (i === j ? ridge : 0);
      for (let q = 0; q < j; q++) s -= l[i * m + q]! * l[j * m + q]!;
      l[i * m + j] = i === j ? Math.sqrt(Math.max(s, ridge)) : s / l[j * m + j]!;
    }
  }
  const y = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = b[i]!;
    for (let q = 0; q < i; q++) s -= l[i * m + q]! * y[q]!;
    y[i] = s / l[i * m + i]!;
  }
  const x = new Float64Array(m);
  for (let i = m - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let q = i + 1; q < m; q++) s -= l[q * m + i]! * x[q]!;
    x[i] = s / l[i * m + i]!;
  }
  return x;
}
