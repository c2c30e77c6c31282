import { expect } from 'chai';
import { Rng } from '../../../src/core/rng';
import { sampleFromCdf } from '../../../src/populations/state-mass';
import { discreteEnergyDistance } from '../../../src/populations/generative/stats';
import { meanFieldFlow, uniformPolicy } from '../../../src/core/tabular/index';
import { simulateAgents } from '../../../src/populations/simulate-agents';
import { kernelTests } from '../../../src/populations/generative/honesty';
import type { KernelTests } from '../../../src/populations/generative/consensus';
import {
  blockSides,
  cauchyCombination,
  gridPermutationStats,
  gridTests,
  gridTwoSampleTest,
  honestyVerdict,
  permSeeds,
  pointTwoSampleTest,
} from '../../../src/populations/generative/two-sample';
import { torusWalk } from './fixtures';

/** A broad bump on a w×w torus: mass ∝ exp(-d²/(2σ²)) around (cx, cy), torus distance. */
function bump(w: number, cx: number, cy: number, sigma: number): Float64Array {
  const p = new Float64Array(w * w);
  let z = 0;
  for (let y = 0; y < w; y++) {
    for (let x = 0; x < w; x++) {
      const dx = Math.min(Math.abs(x - cx), w - Math.abs(x - cx));
      const dy = Math.min(Math.abs(y - cy), w - Math.abs(y - cy));
      z += p[y * w + x] = Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
    }
  }
  return p.map((v) => v / z);
}

/** (1 - f) p + f · p rolled by k cells along x (on the torus). */
function shifted(p: Float64Array, w: number, k: number, f: number): Float64Array {
  const q = new Float64Array(p.length);
  for (let y = 0; y < w; y++) for (let x = 0; x < w; x++) q[y * w + ((x + k) % w)] = p[y * w + x]!;
  return p.map((v, i) => (1 - f) * v + f * q[i]!);
}

function cdf(p: Float64Array): Float64Array {
  const c = new Float64Array(p.length);
  let s = 0;
  for (let i = 0; i < p.length; i++) c[i] = s += p[i]!;
  return c;
}

const W = 32;
const grid = { shape: [W, W], numActions: 1 };

/** H epochs of n-vs-n samples from p and q, tested with P shared permutations. */
function epochs(p: Float64Array, q: Float64Array, H: number, n: number, P: number, rng: Rng): KernelTests {
  const cp = cdf(p);
  const cq = cdf(q);
  const seeds = permSeeds(P, rng);
  return kernelTests(Array.from({ length: H }, () => gridPermutationStats(sampleFromCdf(cp, n, rng), sampleFromCdf(cq, n, rng), grid, seeds)), gridTests);
}

const verdictOf = (k: KernelTests, alpha: number): boolean => honestyVerdict([1, k.mmdPValue, k.energyPValue], alpha).agree;

describe('generative population: kernel two-sample tests', () => {
  it('the energy statistic is the discrete energy distance U-statistic, and block sides double up to a quarter of the axis', () => {
    const rng = new Rng(3);
    const p = bump(W, 10, 10, 4);
    const a = sampleFromCdf(cdf(p), 300, rng);
    const b = sampleFromCdf(cdf(p), 200, rng);
    const r = gridTwoSampleTest(a, b, grid, 19, rng);
    expect(r.energy.statistic).to.be.closeTo(discreteEnergyDistance(a, b), 1e-15);
    expect(blockSides([128, 128])).to.deep.equal([1, 2, 4, 8, 16, 32]);
    expect(blockSides([3])).to.deep.equal([1]);
  });

  it('identical samples never reject; p-values are (1 + k)/(P + 1)', () => {
    const rng = new Rng(4);
    const a = sampleFromCdf(cdf(bump(W, 5, 5, 3)), 200, rng);
    const r = gridTwoSampleTest(a, a.slice(), grid, 49, rng);
    for (const t of [r.mmd, r.energy]) {
      expect(Math.abs(t.pValue * 50 - Math.round(t.pValue * 50))).to.be.below(1e-9);
      expect(t.pValue).to.be.above(0.2);
    }
  });

  it('combined verdict: false alarms <= alpha + 2 standard errors on a null over 40 seeds', () => {
    const alpha = 0.05;
    const p = bump(W, 16, 16, 6);
    let alarms = 0;
    const seeds = 40;
    for (let s = 0; s < seeds; s++) {
      const rng = new Rng(100 + s);
      if (!verdictOf(epochs(p, p, 5, 300, 39, rng), alpha)) alarms++;
    }
    const se = Math.sqrt((alpha * (1 - alpha)) / seeds);
    expect(alarms / seeds).to.be.at.most(alpha + 2 * se);
  });

  it('a 10% shift of mass by 5 cells (TV 0.047) is caught from 3000 samples a side over 5 epochs (every one of 5 seeds), the torus seam included', () => {
    // The bump straddles the seam at x = 0: torus-aware blocks see it whole.
    const p = bump(W, 0, 16, 4);
    const q = shifted(p, W, 5, 0.1);
    for (let s = 0; s < 5; s++) {
      const rng = new Rng(200 + s);
      const c = epochs(p, q, 5, 3000, 99, rng);
      expect(verdictOf(c, 0.05), `seed ${s}: mmd p ${c.mmdPValue}`).to.equal(false);
    }
  });

  it('null on agent trajectories (dependent epochs) against independent exact draws: false alarms <= alpha + 2 SE over 40 seeds', () => {
    const game = torusWalk(8, 6);
    const pi = uniformPolicy(game);
    const flow = meanFieldFlow(game, pi)[0]!;
    const SA = 64 * 5;
    const cdfs = Array.from({ length: 6 }, (_x, t) => cdf(flow.subarray(t * SA, (t + 1) * SA) as Float64Array));
    const alpha = 0.05;
    const seeds = 40;
    let alarms = 0;
    for (let s = 0; s < seeds; s++) {
      const rng = new Rng(300 + s);
      const mc = simulateAgents(game, pi, 400, rng).cells[0]!;
      const ps = permSeeds(39, rng);
      const k = kernelTests(mc.map((a, t) => gridPermutationStats(a, sampleFromCdf(cdfs[t]!, 400, rng), { shape: [8, 8], numActions: 5 }, ps)), gridTests);
      if (!verdictOf(k, alpha)) alarms++;
    }
    expect(alarms / seeds).to.be.at.most(alpha + 2 * Math.sqrt((alpha * (1 - alpha)) / seeds));
  });

  it('Cauchy combination: one p is itself, equal p-values give that p, uniform-ish sets give ~1/2', () => {
    expect(cauchyCombination([0.03])).to.be.closeTo(0.03, 1e-12);
    expect(cauchyCombination([0.01, 0.01, 0.01])).to.be.closeTo(0.01, 1e-12);
    expect(cauchyCombination([0.25, 0.5, 0.75])).to.be.closeTo(0.5, 1e-12);
    // tan((1/2 - p)·pi) saturates near 1.6e16 in doubles: tiny p-values still dominate.
    expect(cauchyCombination([1e-20, 0.9])).to.be.below(1e-15);
  });

  it('R^d: Gaussian MMD and energy tests keep the null and see a variance change', () => {
    const rng = new Rng(7);
    const draw = (n: number, sd: number): Float64Array => Float64Array.from({ length: 2 * n }, () => sd * rng.normal());
    let alarms = 0;
    for (let s = 0; s < 20; s++) {
      const r = pointTwoSampleTest(draw(60, 1), draw(60, 1), 2, 39, rng);
      if (r.mmd.pValue < 0.05) alarms++;
    }
    expect(alarms).to.be.at.most(3);
    const r = pointTwoSampleTest(draw(150, 1), draw(150, 1.6), 2, 99, rng);
    expect(r.mmd.pValue).to.be.below(0.05);
    expect(r.energy.pValue).to.be.below(0.05);
  });
});
