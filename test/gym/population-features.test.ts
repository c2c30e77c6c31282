import { expect } from 'chai';
import { leftRight } from '../../envs/left-right';
import { MfgError } from '../../src/core/errors';
import type { FiniteGame } from '../../src/core/finite-game';
import { buildKernel } from '../../src/core/kernel';
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

describe('gym: multi-population games', () => {
  // Two populations over {0, 1}, H = 2, moves s' = a. Population 0 (the agents) earns the mass of
  // population 1 at its state minus its own crowd there; population 1 follows its uniform flow:
  // mu^1_0 = (0.8, 0.2), mu^1_1 = (1/2, 1/2).
  const kernel = buildKernel(4, (row, emit) => emit(row % 2, 1));
  const pop = (name: string, mu0: number[]) => ({ name, numStates: 2, numActions: 2, stateShape: [2], actionShape: [2], mu0: Float64Array.from(mu0), legal: null });
  const game: FiniteGame = {
    kind: 'finite',
    horizon: 2,
    populations: [pop('agents', [1, 0]), pop('others', [0.8, 0.2])],
    dynamicsDependOnMeanField: false,
    reward(p, _t, L, out) {
      const other = L[1 - p]!;
      const own = L[p]!;
      for (let s = 0; s < 2; s++) for (let a = 0; a < 2; a++) out[s * 2 + a] = other[s * 2]! + other[s * 2 + 1]! - (own[s * 2]! + own[s * 2 + 1]!);
    },
    transition: () => kernel,
  };

  it('the agents are population 0; the others follow their uniform flow in every mode', () => {
    const fixed = new MfgVectorEnv(game, { numAgents: 2 });
    fixed.reset(0);
    // t = 0: all agents at state 0 (mu^0_0 = (1, 0)); others' mass at 0 is 0.8
    expect(Array.from(fixed.step([0, 1]).rewards)).to.deep.equal([0.8 - 1, 0.8 - 1]);
    const live = new MfgVectorEnv(game, { numAgents: 4, meanField: 'live' });
    live.reset(0);
    live.step([0, 0, 0, 1]);
    // t = 1: agents 3/4 at state 0, 1/4 at state 1; the others are (1/2, 1/2)
    expect(Array.from(live.step([0, 0, 0, 0]).rewards)).to.deep.equal([0.5 - 0.75, 0.5 - 0.75, 0.5 - 0.75, 0.5 - 0.25]);
    const fp = new MfgVectorEnv(game, { numAgents: 2, meanField: 'fictitious' });
    fp.reset(0);
    fp.step([1, 1]);
    fp.step([0, 0]);
    fp.updatePopulation();
    // mu^0_1 = 1/2 (1/2, 1/2) + 1/2 (0, 1) = (1/4, 3/4): at state 1 the agents now earn 1/2 - 3/4
    fp.step([0, 0]); // next_step reset
    expect(Array.from(fp.step([1, 1]).rewards)).to.deep.equal([0.8 - 1, 0.8 - 1]);
    expect(Array.from(fp.step([0, 0]).rewards)).to.deep.equal([0.5 - 0.75, 0.5 - 0.75]);
  });
});
