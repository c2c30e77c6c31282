import { expect } from 'chai';
import { linearQuadraticContinuous, lqClosedForm, lqEquilibriumPolicy } from '../../../envs/linear-quadratic-continuous';
import { Rng } from '../../../src/core/rng';
import { loadTf } from '../../../src/populations/generative/backend';
import { classifierTwoSampleTest, fitGenerativePopulation } from '../../../src/populations/generative/index';
import { makeContinuousPopulation } from '../../../src/populations/make-continuous-population';
import { passivePolicy, simulateContinuous } from '../../../src/populations/simulate-continuous';
import { linearGaussian2D } from './fixtures';

const FAST = { steps: 800, window: 50, patience: 2, learningRate: 0.02, discriminator: { steps: 300 } } as const;

describe('generative population: continuous games (MDN and coupling flow)', () => {
  it('MDN on LinearQuadraticContinuous matches the closed-form mean and variance at every epoch', async () => {
    const kw = { H: 8, mean0: 1, var0: 0.5 };
    const game = linearQuadraticContinuous(kw);
    const exact = lqClosedForm(kw);
    const N = 4000;
    // The closed-form control reads m_0, not the empirical mean: agents are i.i.d. draws of the exact flow.
    const samples = simulateContinuous(game, lqEquilibriumPolicy(kw), N, new Rng(7));
    const fit = await fitGenerativePopulation(game, samples, {
      ...FAST,
      generator: 'mdn',
      components: 2,
      seed: 3,
      closedForm: { mean: (t) => [exact.mean[t]!], covariance: (t) => Float64Array.of(exact.variance[t]!) },
    });
    const nTrain = Math.round(0.7 * N);
    for (const e of fit.report.epochs) {
      const v = exact.variance[e.t]!;
      // Bounds: 5 standard errors of the training sample's own mean/variance, plus a fit slack.
      expect(e.meanError!, `mean at epoch ${e.t}`).to.be.below(5 * Math.sqrt(v / nTrain) + 0.02);
      expect(e.varianceError!, `variance at epoch ${e.t}`).to.be.below(v * (5 * Math.sqrt(2 / nTrain) + 0.03));
      expect(e.w2!).to.be.below(0.1);
    }
    // The mean the game reads (mean()) is the mixture's analytic mean.
    expect(fit.population.at(3).mean()[0]).to.be.closeTo(1, 0.1);
    // Density integrates to 1 (trapezoid over +-8 sd).
    const sd = Math.sqrt(exact.variance[4]!);
    let mass = 0;
    const step = (16 * sd) / 4000;
    for (let i = 0; i <= 4000; i++) mass += Math.exp(fit.population.logDensity(4, [1 - 8 * sd + i * step])) * step;
    expect(mass).to.be.closeTo(1, 1e-3);
  });

  it('coupling flow in R^2 matches a correlated Gaussian flow (W2 to the closed form)', async () => {
    const { game, mean, covariance } = linearGaussian2D(4);
    const samples = simulateContinuous(game, passivePolicy(game), 4000, new Rng(1));
    const fit = await fitGenerativePopulation(game, samples, { ...FAST, generator: 'flow', layers: 2, seed: 5, closedForm: { mean, covariance } });
    for (const e of fit.report.epochs) expect(e.w2!, `epoch ${e.t}`).to.be.below(0.12);
    expect(fit.report.consensus).to.equal(true);
    expect(fit.report.combinedPValue).to.be.at.least(0.05);
  });

  it('the discriminator catches a shifted Gaussian and not a right one', async () => {
    const h = await loadTf();
    const config = { kind: 'continuous' as const, horizon: 2, dim: 1, shift: [0], scale: [1], hidden: 16 };
    const gauss = (n: number, m: number, s: number, rng: Rng): Float64Array => Float64Array.from({ length: n }, () => m + s * rng.normal());
    const rng = new Rng(2);
    const mc = [gauss(2000, 0, 1, rng), gauss(2000, 1, 1, rng)];
    const wrong = [gauss(2000, 0.3, 1, rng), gauss(2000, 1, 1.4, rng)];
    const caught = await classifierTwoSampleTest(h, config, mc, wrong, { seed: 1 });
    expect(caught.epochs[0]!.pValue).to.be.below(1e-3);
    expect(caught.epochs[1]!.pValue).to.be.below(1e-3);
    const ps: number[] = [];
    for (let k = 0; k < 4; k++) {
      const r = new Rng(50 + k);
      const a = [gauss(2000, 0, 1, r), gauss(2000, 1, 1, r)];
      const b = [gauss(2000, 0, 1, r), gauss(2000, 1, 1, r)];
      ps.push((await classifierTwoSampleTest(h, config, a, b, { seed: k })).pValue);
    }
    expect(ps.reduce((x, y) => x + y, 0) / ps.length).to.be.above(0.1);
  });

  it('is the makeContinuousPopulation kind "generative" (LQ reference flow: W2 to its closed form in the report)', async () => {
    const game = linearQuadraticContinuous({ H: 5 });
    const pop = await makeContinuousPopulation(game, { kind: 'generative', numAgents: 3000, seed: 1, settings: { steps: 300, window: 50, patience: 2, maxRounds: 1 } });
    expect(pop.kind).to.equal('generative');
    expect(pop.dim).to.equal(1);
    const fit = (pop as unknown as { lastFit: { report: { epochs: { w2: number }[] } } }).lastFit;
    expect(fit.report.epochs).to.have.length(5);
    for (const e of fit.report.epochs) expect(e.w2).to.be.below(0.1);
    expect(pop.at(2).mean()[0]).to.be.closeTo(0, 0.1); // the LQ equilibrium mean stays at mean0 = 0
  });
});
