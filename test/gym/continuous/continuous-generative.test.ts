import { expect } from 'chai';
import { registerBuiltinEnvs } from '../../../envs/index';
import { LQ_CONTINUOUS_DEFAULTS, lqClosedForm } from '../../../envs/linear-quadratic-continuous';
import { MfgError } from '../../../src/core/errors';
import type { ContinuousVectorEnv } from '../../../src/gym/continuous/continuous-vector-env';
import { makeEnv } from '../../../src/gym/make-env';
import { expectError } from './helpers';

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

  describe('fictitious mode refits the generator to each FP average', () => {
    const H = 4;
    const N = 64;
    const make = (updateEvery = 0): Promise<ContinuousVectorEnv> =>
      makeEnv('LinearQuadraticContinuous-v0', {
        kwargs: { H },
        numAgents: N,
        meanField: 'fictitious',
        population: 'generative',
        populationSamples: 1000,
        populationSettings: { steps: 200, maxRounds: 1, kernelTests: false, seed: 1 },
        fictitiousParticles: 512,
        updateEvery,
        dtype: 'float64',
      });
    /** One episode of every agent at the largest action: the visits drift by a·dt = 1 per step. */
    const playDrifting = (env: ContinuousVectorEnv): number[] => {
      const seen: number[] = [];
      let obs = env.reset(3).obs;
      for (let t = 0; t < H; t++) {
        let m = 0;
        for (let i = 0; i < N; i++) m += obs[2 * i]! / N;
        seen.push(m);
        obs = env.step(new Float64Array(N).fill(10)).obs;
      }
      return seen;
    };

    it('the update averages (weight 1/2), then refits: the env reads a new generator whose means sit at the average of the old flow and the visits', async () => {
      const env = await make();
      const before = env.report().mean.slice();
      const visits = playDrifting(env);
      expectError(() => env.updatePopulation(), 'MFG_ERR_ENV_BAD_MODE');
      const u = await env.updatePopulationAsync();
      expect(u).to.deep.include({ iteration: 1, weight: 0.5, samples: N * H, episodes: N });
      expect(u.refit!.kind).to.equal('generative');
      expect(u.refit!.seconds).to.be.above(0);
      const rep = env.report();
      expect(rep.flowKind).to.equal('generative');
      for (let t = 1; t < H; t++) {
        const target = (before[t]! + visits[t]!) / 2; // half the old generator's samples, half the visits
        expect(visits[t]! - before[t]!, `drift at ${t}`).to.be.above(0.9 * t);
        // 512 particles of sd ~1.5 (SE ~0.07) and a 200-step fit; fitting the old part alone would stay near before[t].
        expect(Math.abs(rep.mean[t]! - target), `mean at ${t}: ${rep.mean[t]} vs ${target}`).to.be.below(0.25);
      }
      // Same seeds, same actions: the same refit, bit for bit.
      const again = await make();
      playDrifting(again);
      await again.updatePopulationAsync();
      expect(Array.from(again.report().mean)).to.deep.equal(Array.from(rep.mean));
      expect(Array.from(again.report().variance)).to.deep.equal(Array.from(rep.variance));
    });

    it('a second update while a refit runs is refused, and update_every > 0 (updates inside a synchronous step) is refused at make', async () => {
      const env = await make();
      playDrifting(env);
      const first = env.updatePopulationAsync();
      let refused: unknown = null;
      await env.updatePopulationAsync().catch((e) => (refused = e));
      expect(refused).to.be.instanceOf(MfgError);
      expect((refused as MfgError).code).to.equal('MFG_ERR_ENV_BAD_MODE');
      expect((await first).iteration).to.equal(1);
      let bad: unknown = null;
      await make(1).catch((e) => (bad = e));
      expect((bad as MfgError).code).to.equal('MFG_ERR_ENV_BAD_OPTION');
      expect((bad as MfgError).message).to.contain('update_every');
    });
  });
});
