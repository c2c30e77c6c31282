import { expect } from 'chai';
import { Rng } from '../../../src/core/rng';
import { meanFieldFlow, uniformPolicy } from '../../../src/core/tabular/index';
import { fitGenerativePopulation, optionsFromSettings } from '../../../src/populations/generative/index';
import { gaussianBlur } from '../../../src/populations/generative/grid-blur';
import { simulateAgents } from '../../../src/populations/simulate-agents';
import { torusWalk } from './fixtures';

/** The blur by its definition: a full sum over every pair of grid points (zeros outside the grid). */
function bruteBlur(v: Float64Array, shape: readonly number[], sigma: number): Float64Array {
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k1 = Array.from({ length: 2 * r + 1 }, (_x, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  const z = k1.reduce((a, b) => a + b, 0);
  const coords = (i: number): number[] => {
    const c = new Array<number>(shape.length);
    for (let k = shape.length - 1; k >= 0; k--) {
      c[k] = i % shape[k]!;
      i = Math.floor(i / shape[k]!);
    }
    return c;
  };
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const a = coords(i);
    for (let j = 0; j < v.length; j++) {
      const b = coords(j);
      let w = 1;
      for (let k = 0; k < shape.length && w > 0; k++) {
        const d = Math.abs(a[k]! - b[k]!);
        w *= d <= r ? k1[d + r]! / z : 0;
      }
      out[i]! += w * v[j]!;
    }
  }
  return out;
}

describe('grid blur', () => {
  it('equals the direct sum over the grid on 1, 2 and 3 axes (the separable passes and their buffers)', () => {
    const rng = new Rng(5);
    for (const shape of [[17], [9, 7], [5, 4, 6]]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const v = Float64Array.from({ length: n }, () => rng.random());
      for (const sigma of [0.5, 1.3]) {
        const fast = gaussianBlur(v, shape, sigma);
        const slow = bruteBlur(v, shape, sigma);
        for (let i = 0; i < n; i++) expect(fast[i]).to.be.closeTo(slow[i]!, 1e-12);
      }
    }
  });

  it('a sparse input (the scattered path: a few agents on many cells) gives the direct sum too, and the same bits as a dense pass of the same values', () => {
    const rng = new Rng(6);
    for (const shape of [[40], [30, 24], [5, 4, 36]]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const v = new Float64Array(n);
      for (let k = 0; k < 9; k++) v[rng.int(n)]! += 1 / 9;
      for (const sigma of [0.75, 2]) {
        const fast = gaussianBlur(v, shape, sigma);
        const slow = bruteBlur(v, shape, sigma);
        for (let i = 0; i < n; i++) expect(fast[i]).to.be.closeTo(slow[i]!, 1e-12);
        // The same values with every zero replaced by a tiny number make every line dense; blurring the
        // difference back out must leave the sparse result's bits (sums in the same order on both paths).
        const dense = v.map((x) => (x === 0 ? 1e-300 : x));
        const denseOut = gaussianBlur(dense, shape, sigma);
        // (a 1e-300 term is below half an ulp of any output above 1e-250, so it vanishes from those sums exactly).
        for (let i = 0; i < n; i++) {
          if (fast[i]! > 1e-250) expect(denseOut[i]).to.equal(fast[i]);
          else expect(denseOut[i]).to.be.at.most(1e-298);
        }
      }
    }
  });

  it('keeps the mass of a point far from the edges and leaves its input alone', () => {
    const v = new Float64Array(31 * 31);
    v[15 * 31 + 15] = 1;
    const before = v.slice();
    const out = gaussianBlur(v, [31, 31], 2);
    expect(out.reduce((a, b) => a + b, 0)).to.be.closeTo(1, 1e-12);
    expect(out[15 * 31 + 15]).to.be.above(out[15 * 31 + 17]!);
    expect(Array.from(v)).to.deep.equal(Array.from(before));
  });
});

/**
 * The kernel density-ratio correction (kernel-ratio-correction.ts): exact identities (masses sum
 * to 1, the whole-grid query is the per-state one bit for bit, actions sum to states, samples follow
 * the corrected masses), and the discriminator teaching: on an under-fit generator the correction
 * is far closer to the exact flow than the generator and than a blind refit given more steps.
 */
describe('generative population: the kernel density-ratio correction', function () {
  this.timeout(180_000);
  const W = 8;
  const H = 4;
  const game = torusWalk(W, H);
  const S = W * W;
  const pi = uniformPolicy(game);
  const flow = meanFieldFlow(game, pi)[0]!;
  const samples = simulateAgents(game, pi, 8000, new Rng(3));
  const exactState = (t: number, s: number): number => {
    let m = 0;
    for (let a = 0; a < 5; a++) m += flow[t * S * 5 + s * 5 + a]!;
    return m;
  };
  const meanTv = (pop: { stateMass(p: number, t: number, s: number): number }): number => {
    let total = 0;
    for (let t = 0; t < H; t++) {
      let tv = 0;
      for (let s = 0; s < S; s++) tv += Math.abs(pop.stateMass(0, t, s) - exactState(t, s));
      total += tv / 2 / H;
    }
    return total;
  };
  const base = { generator: 'autoregressive' as const, seed: 1, discriminator: { steps: 300 } };

  it('an under-fit generator: the kernel correction beats the plain fit and a blind refit with 3x the steps; identities hold', async () => {
    // One Adam step: the generator is the product of its axis marginals (agents move along one axis at a time).
    const informed = await fitGenerativePopulation(game, samples, { ...base, steps: 1, maxRounds: 1, correct: true, correction: 'kernel', exact: [flow] });
    const blind = await fitGenerativePopulation(game, samples, { ...base, steps: 1, maxRounds: 2, alpha: 0.999 });
    const pop = informed.population;
    expect(informed.report.corrected).to.equal(true);
    const choice = informed.report.kernelCorrection![0]!;
    expect(choice.scale).to.be.above(0);
    expect(choice.heldOutNllChange).to.be.below(0);
    for (let t = 0; t < H; t++) {
      const all = pop.logStateMassAll(0, t);
      let z = 0;
      for (let s = 0; s < S; s++) {
        expect(all[s]).to.equal(pop.logStateMass(0, t, s));
        let cells = 0;
        for (let a = 0; a < 5; a++) cells += Math.exp(pop.logCellMass(0, t, s * 5 + a));
        expect(cells).to.be.closeTo(Math.exp(all[s]!), 1e-12);
        z += Math.exp(all[s]!);
      }
      expect(z).to.be.closeTo(1, 1e-9);
      expect(pop.normaliserError(0, t)).to.equal(0);
    }
    // Samples follow the corrected masses: TV of 100k draws against them, at the noise level of a histogram.
    const t = 2;
    const draws = pop.sampleStates(0, t, 100_000, new Rng(9));
    const h = new Float64Array(S);
    for (const s of draws) h[s]! += 1e-5;
    let tv = 0;
    for (let s = 0; s < S; s++) tv += Math.abs(h[s]! - pop.stateMass(0, t, s)) / 2;
    expect(tv).to.be.below(0.02);
    const corrected = meanTv(pop);
    expect(informed.report.correctedMeanTv).to.be.closeTo(corrected, 1e-12); // the report's figure is the corrected flow's
    expect(choice.heldOutNllChange + 2 * choice.standardError).to.be.below(0);
    pop.corrected = false;
    const plain = meanTv(pop);
    expect(informed.report.meanTv).to.be.closeTo(plain, 1e-9); // and meanTv stays the generator's
    pop.corrected = true;
    expect(blind.steps).to.equal(3);
    // Measured on wasm (seed 1, 8000 agents): plain 0.0851, blind refit 0.0851, kernel-corrected 0.0398 (sigma 0.5, beta 1).
    expect(corrected).to.be.below(meanTv(blind.population) - 0.02);
    expect(corrected).to.be.below(plain - 0.02);
  });

  it("correct 'auto' applies the kernel correction only when the verdict rejects: on the under-fit generator it is the correct-true fit, bit for bit", async () => {
    const auto = await fitGenerativePopulation(game, samples, { ...base, steps: 1, maxRounds: 1, correct: 'auto', correction: 'kernel' });
    const on = await fitGenerativePopulation(game, samples, { ...base, steps: 1, maxRounds: 1, correct: true, correction: 'kernel' });
    expect(auto.report.consensus).to.equal(false);
    expect(auto.report.corrected).to.equal(true);
    expect(auto.report.kernelCorrection).to.deep.equal(on.report.kernelCorrection);
    for (let t = 0; t < H; t++) expect(Array.from(auto.population.logStateMassAll(0, t))).to.deep.equal(Array.from(on.population.logStateMassAll(0, t)));
    // A fit the verdict accepts: 'auto' leaves the generator alone.
    const good = await fitGenerativePopulation(game, samples, { ...base, steps: 2000, maxRounds: 1, correct: 'auto', correction: 'kernel' });
    expect(good.report.consensus).to.equal(true);
    expect(good.report.corrected).to.equal(false);
    expect(good.report.kernelCorrection).to.have.length(1); // still chosen and reported, not applied
  });

  it("a correction setting other than 'logit' or 'kernel' is a typed error", () => {
    expect(() => optionsFromSettings({ correction: 'blur' })).to.throw(/correction must be logit or kernel/).with.property('code', 'MFG_ERR_GENERATIVE_BAD_OPTION');
    expect(optionsFromSettings({ correct: true, correction: 'kernel' })).to.deep.equal({ correct: true, correction: 'kernel' });
  });

  it('beta = 0 is the generator itself (to rounding: log Z = log sum mu)', async () => {
    const fit = await fitGenerativePopulation(game, samples, { ...base, steps: 50, maxRounds: 1, correct: true, correction: 'kernel', correctionScale: 0 });
    const on = Array.from({ length: H }, (_x, t) => Array.from(fit.population.logStateMassAll(0, t)));
    fit.population.corrected = false;
    const off = Array.from({ length: H }, (_x, t) => Array.from(fit.population.logStateMassAll(0, t)));
    for (let t = 0; t < H; t++) for (let s = 0; s < S; s++) expect(on[t]![s]).to.be.closeTo(off[t]![s]!, 1e-12);
  });
});
