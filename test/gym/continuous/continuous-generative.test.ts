import { expect } from 'chai';
import { registerBuiltinEnvs } from '../../../envs/index';
import { LQ_CONTINUOUS_DEFAULTS, lqClosedForm } from '../../../envs/linear-quadratic-continuous';
import { makeEnv } from '../../../src/gym/make-env';

registerBuiltinEnvs();

describe('ContinuousVectorEnv with a generative population', function () {
  this.timeout(300000);

  it('LQ: the env reads the fitted generator (rewards = the LQ formula at its mean), whose moments sit near the closed form', async () => {
    const H = 5;
    const env = await makeEnv('LinearQuadraticContinuous-v0', {
      kwargs: { H },
      numAgents: 4,
      population: 'generative',
      populationSamples: 1000,
      populationSettings: { steps: 300, maxRounds: 1, kernelTests: false, seed: 1 },
      dtype: 'float64',
    });
    expect(env.populationKind).to.equal('generative');
    const { q, kappa, dt } = LQ_CONTINUOUS_DEFAULTS;
    const obs = env.reset(0).obs;
    const a = Float64Array.of(0.5, -1, 2, 0);
    const r = env.step(a).rewards;
    const m = env.currentPopulation.at(0).mean()[0]!;
    for (let i = 0; i < 4; i++) {
      const gap = m - obs[2 * i]!;
      expect(r[i]).to.be.closeTo(-(a[i]! ** 2 / 2 - q * a[i]! * gap + (kappa / 2) * gap * gap) * dt, 1e-12);
    }
    const exact = lqClosedForm({ H });
    const rep = env.report();
    for (let t = 0; t < H; t++) {
      expect(Math.abs(rep.mean[t]! - exact.mean[t]!), `mean at ${t}`).to.be.below(0.2);
      expect(Math.abs(rep.variance[t]! / exact.variance[t]! - 1), `variance at ${t}`).to.be.below(0.25);
    }
  });
});
