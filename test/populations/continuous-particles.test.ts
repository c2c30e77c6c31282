import { expect } from 'chai';
import { Rng } from '../../src/core/rng';
import { ContinuousParticleFlow, ContinuousParticles } from '../../src/populations/continuous-particles';

function normals(n: number, d: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const x = new Float64Array(n * d);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal();
  return x;
}

/** log density of N(0, s2·I_d) at x. */
function logGauss(x: Float64Array, s2: number): number {
  let r2 = 0;
  for (const v of x) r2 += v * v;
  return -(x.length / 2) * Math.log(2 * Math.PI * s2) - r2 / (2 * s2);
}

/**
 * Standard deviation of log f^(x) for a Gaussian KDE of m points with bandwidth h per axis:
 * Var f^(x) ≈ f(x)·R(K)^d / (m h^d) with R(K) = 1/(2 sqrt(pi)) for the Gaussian kernel
 * (Silverman 1986, §4.3), so sd(log f^) ≈ sqrt(R(K)^d / (m h^d f(x))).
 */
function logKdeSd(m: number, h: number, d: number, f: number): number {
  return Math.sqrt(Math.pow(1 / (2 * Math.sqrt(Math.PI)), d) / (m * Math.pow(h, d) * f));
}

describe('ContinuousParticles (KDE)', () => {
  it("uses Scott's bandwidth sd·m^(-1/(d+4)) per axis", () => {
    const x = normals(5000, 2, 1);
    const p = new ContinuousParticles(x, 2);
    const h = p.bandwidth();
    const m = 2048; // the default cap on kernel centres
    for (const k of [0, 1]) expect(h[k]).to.be.within(0.9 * Math.pow(m, -1 / 6), 1.1 * Math.pow(m, -1 / 6));
    const all = new ContinuousParticles(x, 2, { maxKernelPoints: 5000 });
    expect(all.bandwidth()[0]).to.be.below(h[0]!); // more centres, narrower kernels
  });

  it('KDE logDensity of N(0,1) samples ≈ the normal log density (d = 1, 2)', () => {
    for (const d of [1, 2]) {
      const n = 20000;
      const p = new ContinuousParticles(normals(n, d, 2 + d), d, { maxKernelPoints: n });
      const factor = Math.pow(n, -1 / (d + 4));
      for (const r of [0, 0.5, 1]) {
        const x = new Float64Array(d).fill(r / Math.sqrt(d));
        const got = p.logDensity(x);
        // The KDE's expectation is the normal smoothed by the kernel, N(0, (1 + h²) I): an exact identity.
        const smoothed = logGauss(x, 1 + factor * factor);
        const sd = logKdeSd(n, factor, d, Math.exp(smoothed));
        expect(Math.abs(got - smoothed), `d=${d} r=${r}`).to.be.below(4 * sd + 0.005);
        // and that is close to the N(0, I) log density itself
        expect(Math.abs(got - logGauss(x, 1)), `d=${d} r=${r}`).to.be.below(0.1);
      }
    }
  });

  it('in d = 5 the KDE tracks the kernel-smoothed Gaussian (its bias is the bandwidth, as the theory says)', () => {
    const d = 5;
    const p = new ContinuousParticles(normals(20000, d, 9), d); // 2048 centres
    const factor = Math.pow(2048, -1 / (d + 4));
    const x = new Float64Array(d);
    const smoothed = logGauss(x, 1 + factor * factor);
    expect(Math.abs(p.logDensity(x) - smoothed)).to.be.below(4 * logKdeSd(2048, factor, d, Math.exp(smoothed)));
  });

  it('mean is the sample mean; samples resample the particles; memory counts the arrays', () => {
    const pts = Float64Array.of(0, 10, 2, 20, 4, 30);
    const p = new ContinuousParticles(pts, 2);
    expect([...p.mean()]).to.deep.equal([2, 20]);
    const s = p.samples(100, new Rng(1));
    for (let i = 0; i < 100; i++) expect([[0, 10], [2, 20], [4, 30]]).to.deep.include([s[2 * i], s[2 * i + 1]]);
    p.logDensity(Float64Array.of(0, 0));
    expect(p.memoryBytes()).to.equal(6 * 8 + 2 * 8);
    expect(() => new ContinuousParticles(Float64Array.of(1, 2, 3), 2)).to.throw(/dimension 2/);
  });

  it('a flow of particles answers per epoch and counts its bytes', () => {
    const flow = new ContinuousParticleFlow({ horizon: 2, dim: 1, points: [Float64Array.of(1, 3), Float64Array.of(5, 7, 9)] });
    expect(flow.mean(0)[0]).to.equal(2);
    expect(flow.mean(1)[0]).to.equal(7);
    expect(flow.memoryBytes()).to.equal(5 * 8);
    expect(Number.isFinite(flow.logDensity(1, Float64Array.of(6)))).to.equal(true);
    expect(flow.memoryBytes()).to.equal(5 * 8 + 8); // + the bandwidth of epoch 1's KDE
  });
});
