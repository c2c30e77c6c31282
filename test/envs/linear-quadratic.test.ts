import { expect } from 'chai';
import { linearQuadratic, roundHalfEven } from '../../envs/linear-quadratic';
import { expectKwargsError, finiteEnvInvariants, pointMass, prob } from './finite-env-invariants';

describe('LinearQuadratic-v0', () => {
  finiteEnvInvariants('LinearQuadratic-v0', () => linearQuadratic());
  finiteEnvInvariants('LinearQuadratic-v0 small sigma (rounding ties)', () =>
    linearQuadratic({ el: 3, m: 2, sigma: 0.5, delta: 0.25, k: 1, q: 0.1, kappa: 0.7, c_term: 2, H: 6 }),
  );

  it('rounds half to even, after rounding to float32', () => {
    expect([2.5, 3.5, -2.5, -1.5, 0.5, 1.4999, -0.7].map(roundHalfEven)).to.deep.equal([2, 4, -2, -2, 0, 1, -1]);
    // 0.50000001 rounds up in float64 but is 0.5 in float32, which ties to 0.
    expect(Math.round(0.50000001)).to.equal(1);
    expect(roundHalfEven(Math.fround(0.50000001))).to.equal(0);
  });

  it('noise eps_j = 3j with Gaussian weights: from x = 0 with m_t = 0 and u = 0 (hand-computed)', () => {
    // y = 3·3j·sqrt(0.1) = 2.846j: j = ±1 lands on ±3, j = ±2, ±3 clip to ±5.
    const game = linearQuadratic();
    const L = pointMass(game, 5, 2); // x = 0, u = 0, so m_t = 0 exactly
    const k = game.transition(0, 0, [L]);
    const w = (j: number): number => Math.exp(-((3 * j) ** 2) / 2);
    const Z = w(0) + 2 * (w(1) + w(2) + w(3));
    const row = 5 * 5 + 2;
    expect(prob(k, row, 5)).to.be.closeTo(1 / Z, 1e-15);
    expect(prob(k, row, 5 + 3)).to.be.closeTo(w(1) / Z, 1e-15);
    expect(prob(k, row, 5 - 3)).to.be.closeTo(w(1) / Z, 1e-15);
    expect(prob(k, row, 10)).to.be.closeTo((w(2) + w(3)) / Z, 1e-18);
    expect(prob(k, row, 0)).to.be.closeTo((w(2) + w(3)) / Z, 1e-18);
  });

  it('drift k(m_t - x) + u with ties to even: sigma = 0.5, delta = 0.25, k = 1 (hand-computed)', () => {
    // Noise steps 0.5·0.5j·0.5 = 0.125j. With everyone at x = 2 (m_t = 2), an agent at x = 0
    // with u = 0 drifts to 0 + (1·2)·0.25 = 0.5: j = 0 gives 0.5, a tie that rounds to 0;
    // j = 1 gives 0.625 -> 1; j = -1 gives 0.375 -> 0; j = 4 is not in -3..3.
    const game = linearQuadratic({ el: 3, m: 1, sigma: 0.5, delta: 0.25, k: 1 });
    const L = pointMass(game, 3 + 2, 1);
    const k = game.transition(0, 0, [L]);
    const w = (j: number): number => Math.exp(-((0.5 * j) ** 2) / 2);
    const Z = [-3, -2, -1, 0, 1, 2, 3].reduce((acc, j) => acc + w(j), 0);
    const row = 3 * 3 + 1; // x = 0, u = 0
    // y = 0.5 + 0.125j: j = -3 -> 0.125 -> 0; j = -2 -> 0.25 -> 0; j = 2 -> 0.75 -> 1; j = 3 -> 0.875 -> 1.
    expect(prob(k, row, 3)).to.be.closeTo((w(-3) + w(-2) + w(-1) + w(0)) / Z, 1e-15);
    expect(prob(k, row, 4)).to.be.closeTo((w(1) + w(2) + w(3)) / Z, 1e-15);
  });

  it('rounds the position in float32 first: y = 0.5 + 1e-9 is a tie, so x\' = 0 (float64 would give 1)', () => {
    // sigma = 0 puts every noise draw at y = x + (k(m_t - x) + u)·delta; delta = 1, k = 1 and
    // x = u = 0 give y = m_t, set to 0.5 + 1e-9 by putting that much mass on x = 1.
    const game = linearQuadratic({ el: 2, m: 1, sigma: 0, delta: 1, k: 1 });
    const L = new Float64Array(5 * 3);
    L[(2 + 1) * 3 + 1] = 0.5 + 1e-9; // x = 1
    L[(2 + 0) * 3 + 1] = 0.5 - 1e-9; // x = 0
    const k = game.transition(0, 0, [L]);
    const row = (2 + 0) * 3 + 1; // x = 0, u = 0
    expect(prob(k, row, 2 + 0)).to.be.closeTo(1, 1e-15);
    expect(prob(k, row, 2 + 1)).to.equal(0);
  });

  it('pays delta(-u²/2 + q·u(m_t - x) - kappa(m_t - x)²/2), and -c_term(m_t - x)²/2 at the last epoch', () => {
    const game = linearQuadratic();
    const L = pointMass(game, 5 + 2, 0); // m_t = 2
    const out = new Float64Array(55);
    game.reward(0, 0, [L], out);
    // x = 0, u = 1: 0.1·(-0.5 + 0.01·2 - 0.5·4/2) = -0.148.
    expect(out[5 * 5 + 3]).to.be.closeTo(-0.148, 1e-15);
    // x = -5, u = -2: 0.1·(-2 + 0.01·(-2)·7 - 0.5·49/2) = 0.1·(-14.39) = -1.439.
    expect(out[0 * 5 + 0]).to.be.closeTo(-1.439, 1e-14);
    game.reward(0, 3, [L], out);
    for (let a = 0; a < 5; a++) {
      expect(out[5 * 5 + a]).to.equal(-2); // -(2 - 0)²/2
      expect(out[0 * 5 + a]).to.equal(-24.5); // -(2 + 5)²/2
    }
  });

  it('validates its kwargs, naming the bad one', () => {
    expectKwargsError('LinearQuadratic-v0', { el: -1 }, 'el');
    expectKwargsError('LinearQuadratic-v0', { delta: 0 }, 'delta');
    expectKwargsError('LinearQuadratic-v0', { m: 1.5 }, 'm');
    expectKwargsError('LinearQuadratic-v0', { T: 3 }, 'T');
  });
});
