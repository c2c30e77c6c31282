import { expect } from 'chai';
import {
  LQ_CONTINUOUS_DEFAULTS,
  linearQuadraticContinuous,
  lqClosedForm,
  lqEquilibriumPolicy,
  lqEta,
  type LqContinuousKwargs,
} from '../../envs/linear-quadratic-continuous';
import { Rng } from '../../src/core/rng';
import { makeGame } from '../../src/registry/registry';
import { simulateContinuous } from '../../src/populations/simulate-continuous';
import '../../src/index';

/**
 * Exact expected cost of a linear feedback a_k = g_k (m_0 - x) for one agent in the
 * discretised game when the population is the closed-form Gaussian flow (mean m_0 constant):
 * the deviation y = x - m_0 has E[y_{k+1}²] = (1 - (K + g_k)dt)² E[y_k²] + sigma² dt and
 * pays (g_k²/2 - q g_k + kappa/2) E[y_k²] dt per epoch plus c/2 E[y²] at the last.
 */
function linearFeedbackCost(g: ArrayLike<number>, p: LqContinuousKwargs): number {
  let s = p.var0;
  let cost = 0;
  for (let k = 0; k < p.H; k++) {
    cost += (g[k]! * g[k]! / 2 - p.q * g[k]! + p.kappa / 2) * s * p.dt;
    if (k === p.H - 1) cost += (p.c / 2) * s;
    else s = (1 - (p.K + g[k]!) * p.dt) ** 2 * s + p.sigma * p.sigma * p.dt;
  }
  return cost;
}

/**
 * The exact best response of the discretised game against the same flow, by the scalar
 * discrete Riccati recursion on the cost-to-go P_k y² + r_k (an independent computation).
 */
function bestResponseCost(p: LqContinuousKwargs): number {
  const b = 1 - p.K * p.dt;
  let P = (p.kappa / 2 - p.q * p.q / 2) * p.dt + p.c / 2; // last epoch: a = -q y is optimal
  let r = 0;
  for (let k = p.H - 2; k >= 0; k--) {
    const g = (p.q + 2 * P * b) / (1 + 2 * P * p.dt);
    r += P * p.sigma * p.sigma * p.dt;
    P = (g * g / 2 - p.q * g + p.kappa / 2) * p.dt + P * (b - g * p.dt) ** 2;
  }
  return P * p.var0 + r;
}

describe('LinearQuadraticContinuous-v0', () => {
  const p = LQ_CONTINUOUS_DEFAULTS;

  it('eta solves the Riccati ODE eta\' = 2(K+q)eta + eta² - (kappa - q²) (central differences) with eta_T = c', () => {
    for (const kw of [{}, { K: 0.5, c: 0 }, { q: 0.3, kappa: 2, c: 3 }]) {
      const P = { ...p, ...kw };
      const T = P.H * P.dt;
      expect(lqEta(T, P)).to.be.closeTo(P.c, 1e-12);
      for (const t of [0, 2.5, 7, 9.5, 9.99]) {
        const h = 1e-5;
        const e = lqEta(t, P);
        const derivative = (lqEta(t + h, P) - lqEta(t - h, P)) / (2 * h);
        expect(derivative, `t=${t} ${JSON.stringify(kw)}`).to.be.closeTo(2 * (P.K + P.q) * e + e * e - (P.kappa - P.q * P.q), 1e-6);
      }
    }
    // far from T, eta sits at the stable root delta+ = -(K+q) + sqrt((K+q)² + kappa - q²)
    expect(lqEta(0)).to.be.closeTo(-0.01 + Math.sqrt(0.5), 1e-6);
  });

  it('10^4 particles under the closed-form control match the exact Gaussian flow at every epoch (mean and variance within 4 standard errors)', () => {
    const N = 10000;
    const exact = lqClosedForm(p);
    const sim = simulateContinuous(linearQuadraticContinuous(p), lqEquilibriumPolicy(p), N, new Rng(3));
    expect(sim.points.length).to.equal(100);
    for (let k = 0; k < 100; k++) {
      const x = sim.points[k]!;
      let m = 0;
      for (const v of x) m += v;
      m /= N;
      let v2 = 0;
      for (const v of x) v2 += (v - m) ** 2;
      v2 /= N - 1;
      const v = exact.variance[k]!;
      expect(Math.abs(m - exact.mean[k]!), `mean at k=${k}`).to.be.below(4 * Math.sqrt(v / N));
      expect(Math.abs(v2 - v), `variance at k=${k}`).to.be.below(4 * v * Math.sqrt(2 / (N - 1))); // Gaussian: Var(s²) = 2v²/(N-1)
    }
    expect(exact.variance[99]).to.be.closeTo(0.6306, 1e-4);
  });

  it('the simulated returns agree with the exact expected cost of the closed-form control', () => {
    const N = 10000;
    const sim = simulateContinuous(linearQuadraticContinuous(p), lqEquilibriumPolicy(p), N, new Rng(8), { withRewards: true });
    const returns = new Float64Array(N);
    for (const r of sim.rewards!) for (let i = 0; i < N; i++) returns[i]! += r[i]!;
    const mean = returns.reduce((a, b) => a + b, 0) / N;
    const sd = Math.sqrt(returns.reduce((a, b) => a + (b - mean) ** 2, 0) / (N - 1));
    const gains = lqClosedForm(p).eta.map((e) => e + p.q);
    expect(mean).to.be.closeTo(-linearFeedbackCost(gains, p), 4 * sd / Math.sqrt(N));
  });

  it('the closed form is an O(dt)-equilibrium of the discretised game: exploitability 0.0307 at dt = 0.1, halving with dt', () => {
    const gaps = [0.1, 0.05, 0.025].map((dt) => {
      const P = { ...p, dt, H: Math.round(10 / dt) };
      const gains = lqClosedForm(P).eta.map((e) => e + P.q);
      return linearFeedbackCost(gains, P) - bestResponseCost(P);
    });
    expect(gaps[0]).to.be.closeTo(0.0307, 1e-4);
    expect(gaps[1]! / gaps[0]!).to.be.within(0.45, 0.55);
    expect(gaps[2]! / gaps[1]!).to.be.within(0.45, 0.55);
    for (const g of gaps) expect(g).to.be.greaterThan(0);
  });

  it('reward and dynamics follow DESIGN §2 at a hand-checked point', () => {
    const game = linearQuadraticContinuous({ K: 0.5, H: 3 });
    const mf = { mean: () => Float64Array.of(2) };
    const r = new Float64Array(1);
    game.reward(0, Float64Array.of(1), Float64Array.of(0.5), 1, mf, new Rng(1), r);
    // -(0.125 - 0.01*0.5*1 + 0.25*1)*0.1
    expect(r[0]).to.be.closeTo(-0.037, 1e-15);
    game.reward(2, Float64Array.of(1), Float64Array.of(0.5), 1, mf, new Rng(1), r);
    expect(r[0]).to.be.closeTo(-0.037 - 0.5, 1e-15);
    const noiseFree = linearQuadraticContinuous({ K: 0.5, sigma: 0 });
    const out = new Float64Array(1);
    noiseFree.step(0, Float64Array.of(1), Float64Array.of(0.5), 1, mf, new Rng(1), out);
    expect(out[0]).to.be.closeTo(1 + (0.5 * 1 + 0.5) * 0.1, 1e-15);
  });

  it('is registered with its kwargs schema; a kwarg without a closed form is refused', () => {
    const g = makeGame('LinearQuadraticContinuous-v0', { H: 10 });
    expect(g.kind).to.equal('continuous');
    expect(g.horizon).to.equal(10);
    expect(() => makeGame('LinearQuadraticContinuous-v0', { dt: -1 })).to.throw(/dt/);
    expect(() => linearQuadraticContinuous({ K: -1, q: 1, kappa: 0.5 })).to.throw(/\(K\+q\)² \+ kappa - q² > 0/);
  });

  it('is deterministic under a seed', () => {
    const run = (): Float64Array => simulateContinuous(linearQuadraticContinuous({ H: 5 }), lqEquilibriumPolicy({ H: 5 }), 50, new Rng(77)).points[4]!;
    expect([...run()]).to.deep.equal([...run()]);
  });
});
