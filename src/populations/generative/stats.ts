/**
 * The statistics of the honesty report: the binomial tail of a classifier two-sample test,
 * energy distances (unbiased U-statistics, so their null mean is 0), total variation, and the
 * 2-Wasserstein distance between Gaussians.
 */

/** Lanczos coefficients (g = 7, n = 9), built once: logGamma runs thousands of times a C2ST. */
const LANCZOS = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];

/** log Gamma(x) for x > 0 (Lanczos, g = 7, n = 9; ~15 significant digits). */
export function logGamma(x: number): number {
  const c = LANCZOS;
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  x -= 1;
  let a = c[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** P(X >= k) for X ~ Binomial(n, p): the one-sided p-value of k correct out of n under chance p. */
export function binomialUpperTail(k: number, n: number, p = 0.5): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  const lp = Math.log(p);
  const lq = Math.log1p(-p);
  const lcn = logGamma(n + 1);
  let m = -Infinity;
  const terms: number[] = [];
  for (let i = k; i <= n; i++) {
    const v = lcn - logGamma(i + 1) - logGamma(n - i + 1) + i * lp + (n - i) * lq;
    terms.push(v);
    if (v > m) m = v;
  }
  let s = 0;
  for (const v of terms) s += Math.exp(v - m);
  return Math.min(1, Math.exp(m + Math.log(s)));
}

/**
 * Energy distance between two samples of a finite space under the discrete metric
 * (|x - y| = 1 when x != y), unbiased: its expectation is sum_k (p_k - q_k)^2, 0 under the null.
 */
export function discreteEnergyDistance(a: Int32Array, b: Int32Array): number {
  const ca = counts(a);
  const cb = counts(b);
  const n = a.length;
  const m = b.length;
  let cross = 0;
  for (const [k, v] of ca) cross += (v / n) * ((cb.get(k) ?? 0) / m);
  const self = (c: Map<number, number>, N: number): number => {
    let s = 0;
    for (const v of c.values()) s += v * (v - 1);
    return s / (N * (N - 1));
  };
  return self(ca, n) + self(cb, m) - 2 * cross;
}

function counts(a: Int32Array): Map<number, number> {
  const c = new Map<number, number>();
  for (let i = 0; i < a.length; i++) c.set(a[i]!, (c.get(a[i]!) ?? 0) + 1);
  return c;
}

/** Euclidean energy distance 2E|X-Y| - E|X-X'| - E|Y-Y'| (U-statistics) between n×d and m×d samples. */
export function energyDistance(x: Float64Array, y: Float64Array, d: number): number {
  const n = x.length / d;
  const m = y.length / d;
  const dist = (u: Float64Array, i: number, v: Float64Array, j: number): number => {
    let s = 0;
    for (let k = 0; k < d; k++) s += (u[i * d + k]! - v[j * d + k]!) ** 2;
    return Math.sqrt(s);
  };
  let xy = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) xy += dist(x, i, y, j);
  let xx = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) xx += dist(x, i, x, j);
  let yy = 0;
  for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) yy += dist(y, i, y, j);
  return (2 * xy) / (n * m) - (2 * xx) / (n * (n - 1)) - (2 * yy) / (m * (m - 1));
}

/** Total variation 1/2 sum |p - q| of two probability vectors. */
export function totalVariation(p: ArrayLike<number>, q: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += Math.abs(p[i]! - q[i]!);
  return s / 2;
}

/** Sample mean and (unbiased) covariance of n×d points. */
export function meanCovariance(x: Float64Array, d: number): { mean: Float64Array; cov: Float64Array } {
  const n = x.length / d;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) mean[k]! += x[i * d + k]! / n;
  const cov = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      const da = x[i * d + a]! - mean[a]!;
      for (let b = 0; b < d; b++) cov[a * d + b]! += (da * (x[i * d + b]! - mean[b]!)) / (n - 1);
    }
  }
  return { mean, cov };
}

/** Eigen-decomposition of a symmetric d×d matrix by cyclic Jacobi rotations: values and column vectors. */
export function symmetricEigen(A: Float64Array, d: number): { values: Float64Array; vectors: Float64Array } {
  const a = A.slice();
  const v = new Float64Array(d * d);
  for (let i = 0; i < d; i++) v[i * d + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) off += a[p * d + q]! ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < d; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = a[p * d + q]!;
        if (apq === 0) continue;
        const theta = (a[q * d + q]! - a[p * d + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          const akp = a[k * d + p]!;
          const akq = a[k * d + q]!;
          a[k * d + p] = c * akp - s * akq;
          a[k * d + q] = s * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = a[p * d + k]!;
          const aqk = a[q * d + k]!;
          a[p * d + k] = c * apk - s * aqk;
          a[q * d + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < d; k++) {
          const vkp = v[k * d + p]!;
          const vkq = v[k * d + q]!;
          v[k * d + p] = c * vkp - s * vkq;
          v[k * d + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(d);
  for (let i = 0; i < d; i++) values[i] = a[i * d + i]!;
  return { values, vectors: v };
}

/** Symmetric PSD square root (negative eigenvalues from rounding clipped to 0). */
export function sqrtPsd(A: Float64Array, d: number): Float64Array {
  const { values, vectors } = symmetricEigen(A, d);
  const out = new Float64Array(d * d);
  for (let k = 0; k < d; k++) {
    const r = Math.sqrt(Math.max(values[k]!, 0));
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) out[i * d + j]! += r * vectors[i * d + k]! * vectors[j * d + k]!;
  }
  return out;
}

/**
 * W2 between N(m1, C1) and N(m2, C2) (Dowson & Landau 1982):
 * W2^2 = |m1 - m2|^2 + tr(C1 + C2 - 2 (C2^1/2 C1 C2^1/2)^1/2).
 */
export function gaussianW2(m1: ArrayLike<number>, C1: Float64Array, m2: ArrayLike<number>, C2: Float64Array, d: number): number {
  let w = 0;
  for (let k = 0; k < d; k++) w += (m1[k]! - m2[k]!) ** 2;
  const r2 = sqrtPsd(C2, d);
  const M = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) for (let l = 0; l < d; l++) s += r2[i * d + k]! * C1[k * d + l]! * r2[l * d + j]!;
      M[i * d + j] = s;
    }
  }
  const root = sqrtPsd(M, d);
  for (let k = 0; k < d; k++) w += C1[k * d + k]! + C2[k * d + k]! - 2 * root[k * d + k]!;
  return Math.sqrt(Math.max(w, 0));
}
