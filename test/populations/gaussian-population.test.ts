import { expect } from 'chai';
import { Rng } from '../../src/core/rng';
import { GaussianPopulation, gaussianW2, inverseNormalCdf, w2ToGaussian } from '../../src/populations/gaussian-population';

describe('GaussianPopulation and W2 to a Gaussian', () => {
  it('inverseNormalCdf matches the standard normal quantiles to 1e-8 (Acklam stated accuracy: 1.15e-9 relative)', () => {
    expect(inverseNormalCdf(0.5)).to.equal(0);
    expect(inverseNormalCdf(0.975)).to.be.closeTo(1.959963985, 1e-8);
    expect(inverseNormalCdf(0.001)).to.be.closeTo(-3.090232306, 1e-8);
    expect(inverseNormalCdf(0.8413447460685429)).to.be.closeTo(1, 1e-8); // Phi(1)
    expect(inverseNormalCdf(1e-10)).to.be.closeTo(-6.361340902, 1e-7);
  });

  it('gaussianW2 is sqrt(|dm|² + |d sd|²)', () => {
    expect(gaussianW2([0, 1], [1, 4], [3, 1], [1, 1])).to.be.closeTo(Math.sqrt(9 + 1), 1e-15);
  });

  it('w2ToGaussian: exact samples sit at the Monte Carlo noise level, a shift or a scaling shows at its true size', () => {
    const n = 10000;
    const rng = new Rng(1);
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = rng.normal();
    expect(w2ToGaussian(x, 1, [0], [1])).to.be.below(0.05);
    expect(w2ToGaussian(x, 1, [0.3], [1])).to.be.closeTo(0.3, 0.03);
    expect(w2ToGaussian(x, 1, [0], [4])).to.be.closeTo(1, 0.05); // W2(N(0,1), N(0,4)) = |1 - 2|
  });

  it('holds a diagonal Gaussian per epoch: exact log density, sample moments, 16 bytes per axis per epoch', () => {
    const pop = new GaussianPopulation({ mean: [Float64Array.of(1, -1)], variance: [Float64Array.of(4, 0.25)] });
    const mf = pop.at(0);
    expect(mf.logDensity!(Float64Array.of(1, -1))).to.be.closeTo(-Math.log(2 * Math.PI) - 0.5 * Math.log(4 * 0.25), 1e-15);
    expect(mf.logDensity!(Float64Array.of(3, -1))).to.be.closeTo(-Math.log(2 * Math.PI) - 0.5 * Math.log(1) - 0.5, 1e-15);
    const s = mf.samples!(20000, new Rng(2));
    let m0 = 0;
    let v1 = 0;
    for (let i = 0; i < 20000; i++) {
      m0 += s[2 * i]!;
      v1 += (s[2 * i + 1]! + 1) ** 2;
    }
    expect(m0 / 20000).to.be.closeTo(1, 4 * Math.sqrt(4 / 20000));
    expect(v1 / 20000).to.be.closeTo(0.25, 4 * 0.25 * Math.sqrt(2 / 20000));
    expect(pop.memoryBytes()).to.equal(32);
    expect(() => new GaussianPopulation({ mean: [Float64Array.of(0)], variance: [] })).to.throw(/one mean and one variance/);
  });
});
