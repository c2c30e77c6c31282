import { expect } from 'chai';
import { registerBuiltinEnvs } from '../../../envs/index';
import { crowdAversionND } from '../../../envs/crowd-aversion-nd';
import { flocking } from '../../../envs/flocking';
import { linearQuadraticContinuous, lqClosedForm } from '../../../envs/linear-quadratic-continuous';
import { ContinuousVectorEnv } from '../../../src/gym/continuous/continuous-vector-env';
import { makeEnv } from '../../../src/gym/make-env';
import { columnMoments, expectError, lqControl, lqEpisode } from './helpers';

registerBuiltinEnvs();

describe('ContinuousVectorEnv: spaces, dtypes, the closed form', () => {
  it('Box spaces: (x, t) with the state bounds and t in [0, H]; the game action Box; float32 by default, float64 on request', () => {
    const lq = new ContinuousVectorEnv(linearQuadraticContinuous({ H: 7 }), { numAgents: 3, entropySeed: 1 });
    expect(lq.observationSpace.toJSON()).to.deep.equal({ type: 'Box', shape: [2], dtype: 'float32', low: ['-inf', 0], high: ['inf', 7] });
    expect(lq.actionSpace.toJSON()).to.deep.equal({ type: 'Box', shape: [1], dtype: 'float32', low: [-10], high: [10] });
    const r = lq.reset(0);
    expect(r.obs).to.be.instanceOf(Float32Array).with.length(6);
    expect([r.obs[1], r.obs[3], r.obs[5]]).to.deep.equal([0, 0, 0]);
    expect(lq.step(new Float32Array(3)).rewards).to.be.instanceOf(Float32Array);

    const ca = new ContinuousVectorEnv(crowdAversionND({ d: 10, H: 3 }), { numAgents: 2, dtype: 'float64', entropySeed: 1 });
    expect(ca.observationSpace.shape).to.deep.equal([11]);
    expect(ca.observationSpace.dtype).to.equal('float64');
    expect(ca.actionSpace.toJSON()).to.deep.equal({ type: 'Box', shape: [10], dtype: 'float64', low: Array(10).fill(-1), high: Array(10).fill(1) });
    expect(ca.reset(0).obs).to.be.instanceOf(Float64Array).with.length(22);
    expect(ca.step(new Float64Array(20)).rewards).to.be.instanceOf(Float64Array);

    const fl = new ContinuousVectorEnv(flocking({ d: 3, H: 4, neighbor_samples: 16 }), { numAgents: 2, entropySeed: 1, population: undefined });
    expect(fl.observationSpace.shape).to.deep.equal([7]);
    expect(fl.stateDim).to.equal(6);
    expect(fl.actionSpace.toJSON()).to.deep.include({ shape: [3], low: [-5, -5, -5], high: [5, 5, 5] });
  });

  it('float32 observations are the float64 ones rounded (same streams, same dynamics)', () => {
    const game = linearQuadraticContinuous({ H: 5 });
    const f32 = new ContinuousVectorEnv(game, { numAgents: 4, dtype: 'float32' });
    const f64 = new ContinuousVectorEnv(game, { numAgents: 4, dtype: 'float64' });
    const a = Float64Array.of(0.3, -1, 2.5, 0);
    f32.reset(11);
    f64.reset(11);
    for (let k = 0; k < 6; k++) {
      const s32 = f32.step(a);
      const s64 = f64.step(a);
      expect([...s32.obs]).to.deep.equal([...s64.obs].map(Math.fround));
      expect([...s32.rewards]).to.deep.equal([...s64.rewards].map(Math.fround));
    }
  });

  it('LQ under the closed-form control: every epoch mean and variance of the agents within 4 standard errors of the closed form', () => {
    const kwargs = {};
    const N = 4000;
    const env = new ContinuousVectorEnv(linearQuadraticContinuous(kwargs), { numAgents: N });
    expect(env.populationKind).to.equal('exact');
    const exact = lqClosedForm(kwargs);
    const seen = lqEpisode(env, kwargs, 2026);
    expect(seen).to.have.length(100);
    seen.forEach((obs, k) => {
      const { mean, variance } = columnMoments(obs, N, 2);
      const v = exact.variance[k]!;
      expect(Math.abs(mean - exact.mean[k]!), `mean at epoch ${k}`).to.be.below(4 * Math.sqrt(v / N));
      expect(Math.abs(variance - v), `variance at epoch ${k}`).to.be.below(4 * v * Math.sqrt(2 / (N - 1)));
    });
    // The step at epoch H-1 ends every episode: terminated, t = H, the last state kept.
    const last = seen[99]!;
    const end = env.step(lqControl(kwargs)(last, N));
    expect(end.terminated.every((x) => x === 1)).to.equal(true);
    expect(end.truncated.every((x) => x === 0)).to.equal(true);
    for (let i = 0; i < N; i++) {
      expect(end.obs[2 * i]).to.equal(last[2 * i]);
      expect(end.obs[2 * i + 1]).to.equal(100);
    }
  });

  it('makeEnv builds it for a continuous id, with the population kinds of the game', async () => {
    const env = await makeEnv('LinearQuadraticContinuous-v0', { kwargs: { H: 4 }, numAgents: 2, population: 'particles', populationSamples: 500 });
    expect(env).to.be.instanceOf(ContinuousVectorEnv);
    expect(env.populationKind).to.equal('particles');
    expect(env.currentPopulation.kind).to.equal('particles');
    const exact = await makeEnv('CrowdAversionND-v0', { kwargs: { d: 3, H: 4 }, numAgents: 2 });
    expect(exact.populationKind).to.equal('exact');
    const fl = await makeEnv('Flocking-v0', { kwargs: { H: 4 }, numAgents: 2, populationSamples: 100 });
    expect(fl.populationKind).to.equal('particles');
    const err = (await makeEnv('Flocking-v0', { kwargs: { H: 4 }, population: 'exact' }).catch((e: unknown) => e)) as { code: string };
    expect(err.code).to.equal('MFG_ERR_POPULATION_UNKNOWN_KIND');
    const opt = (await makeEnv('Flocking-v0', { kwargs: { H: 4 }, populationFeatures: 'moments' }).catch((e: unknown) => e)) as { code: string };
    expect(opt.code).to.equal('MFG_ERR_ENV_BAD_OPTION');
    expectError(() => new ContinuousVectorEnv(linearQuadraticContinuous(), { dtype: 'float16' as 'float32' }), 'MFG_ERR_ENV_BAD_OPTION');
  });

  it('Flocking: actions are accelerations (sigma = 0: x\' = x + v·dt, v\' = v + a·dt exactly)', () => {
    const dt = 0.1;
    const env = new ContinuousVectorEnv(flocking({ d: 2, H: 3, sigma: 0, neighbor_samples: 8 }), { numAgents: 2, dtype: 'float64', populationKind: 'particles' });
    const o = env.reset(5).obs;
    const a = Float64Array.of(1, -2, 0.5, 3);
    const s = env.step(a).obs;
    for (let i = 0; i < 2; i++) {
      for (let k = 0; k < 2; k++) {
        expect(s[i * 5 + k]).to.equal(o[i * 5 + k]! + o[i * 5 + 2 + k]! * dt);
        expect(s[i * 5 + 2 + k]).to.equal(o[i * 5 + 2 + k]! + a[i * 2 + k]! * dt);
      }
    }
  });
});

describe('makeSingleEnv and continuous games', () => {
  it('refuses a continuous id with a typed error (MfgEnv steps finite games)', async () => {
    const { makeSingleEnv } = await import('../../../src/gym/single-agent-env');
    const err = (await makeSingleEnv('LinearQuadraticContinuous-v0', { kwargs: { H: 3 } }).catch((e: unknown) => e)) as { code: string };
    expect(err.code).to.equal('MFG_ERR_GAME_UNSUPPORTED');
  });
});
