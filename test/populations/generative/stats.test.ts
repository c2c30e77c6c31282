import { expect } from 'chai';
import { Rng } from '../../../src/core/rng';
import {
  binomialUpperTail,
  discreteEnergyDistance,
  energyDistance,
  gaussianW2,
  logGamma,
  sqrtPsd,
  totalVariation,
} from '../../../src/populations/generative/stats';

describe('generative population: honesty statistics', () => {
  it('logGamma matches factorials and Gamma(1/2) = sqrt(pi)', () => {
    expect(logGamma(5)).to.be.closeTo(Math.log(24), 1e-13);
    expect(logGamma(11)).to.be.closeTo(Math.log(3628800), 1e-12);
    expect(logGamma(0.5)).to.be.closeTo(0.5 * Math.log(Math.PI), 1e-13);
  });

  it('binomial upper tail equals the exact sums', () => {
    // P(X >= 8 | n = 10, 1/2) = (C(10,8) + C(10,9) + C(10,10)) / 2^10 = 56/1024
    expect(binomialUpperTail(8, 10)).to.be.closeTo(56 / 1024, 1e-14);
    expect(binomialUpperTail(0, 10)).to.equal(1);
    expect(binomialUpperTail(11, 10)).to.equal(0);
    // P(X >= 3 | n = 3, p = 0.2) = 0.008
    expect(binomialUpperTail(3, 3, 0.2)).to.be.closeTo(0.008, 1e-15);
    // symmetric at n/2: P(X >= 501 | 1000) = (1 - P(X = 500)) / 2
    const pmf500 = Math.exp(logGamma(1001) - 2 * logGamma(501) - 1000 * Math.log(2));
    expect(binomialUpperTail(501, 1000)).to.be.closeTo((1 - pmf500) / 2, 1e-12);
  });

  it('discrete energy distance is unbiased for sum_k (p_k - q_k)^2', () => {
    const p = [0.5, 0.3, 0.2];
    const q = [0.2, 0.3, 0.5];
    const rng = new Rng(1);
    const draw = (w: number[], n: number): Int32Array => Int32Array.from({ length: n }, () => rng.categorical(w));
    let mean = 0;
    let meanNull = 0;
    for (let r = 0; r < 200; r++) {
      mean += discreteEnergyDistance(draw(p, 200), draw(q, 200)) / 200;
      meanNull += discreteEnergyDistance(draw(p, 200), draw(p, 200)) / 200;
    }
    expect(mean).to.be.closeTo(0.18, 0.01); // 0.09 + 0 + 0.09
    expect(meanNull).to.be.closeTo(0, 0.005);
  });

  it('energy distance: two halves of one sample give ~0, N(0,1) vs N(3,1) gives its closed form', () => {
    const rng = new Rng(2);
    const a = Float64Array.from({ length: 400 }, () => rng.normal());
    const b = Float64Array.from({ length: 400 }, () => rng.normal() + 3);
    // For N(0,1) vs N(3,1) in 1-D the energy distance is 2E|X-Y| - 2E|X-X'| with E|X-X'| = 2/sqrt(pi);
    // E|X-Y| for X-Y ~ N(-3, 2): sqrt(2)·(2 phi(3/sqrt2) ) + 3(1 - 2 Phi(-3/sqrt2)).
    const s = Math.SQRT2;
    const z = 3 / s;
    const phi = Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI);
    const Phi = 0.5 * erfc(z / Math.SQRT2);
    const exy = s * 2 * phi + 3 * (1 - 2 * Phi);
    const expected = 2 * exy - 2 * (2 / Math.sqrt(Math.PI));
    expect(energyDistance(a, b, 1)).to.be.closeTo(expected, 0.15);
    expect(Math.abs(energyDistance(a.subarray(0, 200), a.subarray(200), 1))).to.be.below(0.05);
  });

  it('W2 between Gaussians: the 1-D formula, and 0 for equal ones', () => {
    expect(gaussianW2([0], Float64Array.of(4), [1], Float64Array.of(1), 1)).to.be.closeTo(Math.sqrt(1 + 1), 1e-12);
    const C = Float64Array.of(2, 0.5, 0.5, 1);
    expect(gaussianW2([1, 2], C, [1, 2], C, 2)).to.be.closeTo(0, 1e-7);
    // commuting (diagonal) covariances: W2^2 = |dm|^2 + sum (sqrt a - sqrt b)^2
    expect(gaussianW2([0, 0], Float64Array.of(4, 0, 0, 9), [0, 1], Float64Array.of(1, 0, 0, 1), 2)).to.be.closeTo(Math.sqrt(1 + 1 + 4), 1e-10);
    const r = sqrtPsd(C, 2);
    const rr = [r[0]! * r[0]! + r[1]! * r[2]!, r[0]! * r[1]! + r[1]! * r[3]!, r[2]! * r[0]! + r[3]! * r[2]!, r[2]! * r[1]! + r[3]! * r[3]!];
    rr.forEach((v, i) => expect(v).to.be.closeTo(C[i]!, 1e-12));
    expect(totalVariation([0.5, 0.5], [1, 0])).to.equal(0.5);
  });
});

/** Complementary error function (Numerical Recipes erfcc, |error| < 1.2e-7). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628288 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}
