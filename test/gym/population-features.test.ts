import { expect } from 'chai';
import { leftRight } from '../../envs/left-right';
import { MfgError } from '../../src/core/errors';
import { MfgVectorEnv } from '../../src/gym/vector-env';
import { noisyGrid } from './noisy-grid';

describe('gym: population-aware observations', () => {
  it('moments on LeftRight follow Gamma(uniform): mu_0 = (1,0,0), mu_1 = (0,1/2,1/2) -> mean 1.5, std 0.5', () => {
    const env = new MfgVectorEnv(leftRight(), { numAgents: 2, populationFeatures: 'moments', autoreset: 'same_step' });
    expect(env.fullObservationSpace.toJSON()).to.deep.equal({ type: 'Box', shape: [4], dtype: 'float64', low: [0, 0, 0, 0], high: [2, 2, 2, 1] });
    expect(Array.from(env.reset(0).features!)).to.deep.equal([0, 0, 0, 0]);
    expect(Array.from(env.step([0, 1]).features!)).to.deep.equal([1.5, 0.5, 1.5, 0.5]);
    const end = env.step([0, 0]);
    // same_step: the new episode's rows are back at mu_0; the terminal rows (t = H) use mu_{H-1}
    expect(Array.from(end.features!)).to.deep.equal([0, 0, 0, 0]);
    expect(Array.from(end.infos.finalFeatures!)).to.deep.equal([1.5, 0.5, 1.5, 0.5]);
  });

  it('histogram on the 3x4 grid with 2 bins per axis: mu_0 (row 0, uniform) fills cells (0,0) and (0,1)', () => {
    const env = new MfgVectorEnv(noisyGrid(), { numAgents: 3, populationFeatures: 'histogram', histogramBins: 2 });
    expect(env.features.dim).to.equal(4);
    const r = env.reset(1);
    expect(Array.from(r.features!)).to.deep.equal([0.5, 0.5, 0, 0, 0.5, 0.5, 0, 0, 0.5, 0.5, 0, 0]);
    const s = env.step([0, 1, 0]);
    const row = Array.from(s.features!.subarray(0, 4));
    expect(row.reduce((a, b) => a + b, 0)).to.be.closeTo(1, 1e-12);
  });

  it('live moments are the empirical distribution of the agents at the same epoch', () => {
    const env = new MfgVectorEnv(leftRight(), { numAgents: 4, meanField: 'live', populationFeatures: 'moments' });
    env.reset(0);
    const s = env.step([0, 0, 0, 1]); // three at left (1), one at right (2)
    const f = Array.from(s.features!);
    expect(f[0]).to.equal(1.25);
    expect(f[1]).to.be.closeTo(Math.sqrt(0.1875), 1e-15);
    expect(f.slice(0, 2)).to.deep.equal(f.slice(6, 8));
  });

  it('unknown feature kinds and bins are typed option errors', () => {
    expect(() => new MfgVectorEnv(leftRight(), { populationFeatures: 'pixels' as never })).to.throw(MfgError, /population_features/);
    expect(() => new MfgVectorEnv(leftRight(), { populationFeatures: 'histogram', histogramBins: 0 })).to.throw(MfgError, /histogram_bins/);
  });
});
