import { expect } from 'chai';
import { MfgError } from '../../src/core/errors';
import { uniformPolicy } from '../../src/core/tabular/index';
import { ExactPopulation } from '../../src/populations/exact-population';
import { MfgVectorEnv } from '../../src/gym/vector-env';
import { coupledLeftRight } from './coupled-left-right';

/**
 * agentPopulation: the N agents of a vector env belong to population p of a multi-population
 * game. Rewards are the hand-computed ones of coupled-left-right.ts: under uniform flows red sits
 * left/right w.p. 1/2 each, blue left/right/centre w.p. 1/3 each, and c = 0.5.
 */
describe('MfgVectorEnv agentPopulation', () => {
  const game = coupledLeftRight();

  /** Rewards of two steps: go `first` at t = 0, then action 0 at t = 1. */
  function twoSteps(env: MfgVectorEnv, first: number[]): number[][] {
    env.reset(0);
    const a = env.step(Int32Array.from(first));
    const b = env.step(new Int32Array(env.numAgents));
    expect(Array.from(b.terminated)).to.deep.equal(new Array(env.numAgents).fill(1));
    return [Array.from(a.rewards), Array.from(b.rewards)];
  }

  it("population 1's agents get its spaces and its rewards against both flows", () => {
    const blue = new MfgVectorEnv(game, { numAgents: 3, agentPopulation: 1, entropySeed: 1 });
    expect(blue.agentPopulation).to.equal(1);
    expect(blue.numActions).to.equal(3);
    const [r0, r1] = twoSteps(blue, [0, 1, 2]);
    expect(r0).to.deep.equal([0, 0, 0]);
    // left: -(1/3 + 0.5·1/2); right: -2(1/3 + 0.5·1/2); stayed in the centre: -0.25.
    expect(r1[0]).to.be.closeTo(-7 / 12, 1e-15);
    expect(r1[1]).to.be.closeTo(-7 / 6, 1e-15);
    expect(r1[2]).to.equal(-0.25);
    const red = new MfgVectorEnv(game, { numAgents: 2, entropySeed: 1 });
    expect(red.agentPopulation).to.equal(0);
    expect(red.numActions).to.equal(2);
    const [, q1] = twoSteps(red, [0, 1]);
    expect(q1[0]).to.be.closeTo(-(0.5 + 0.5 / 3), 1e-15);
    expect(q1[1]).to.be.closeTo(-2 * (0.5 + 0.5 / 3), 1e-15);
  });

  it('an out-of-range population is MFG_ERR_ENV_BAD_OPTION naming the range', () => {
    for (const p of [2, -1, 0.5]) {
      try {
        new MfgVectorEnv(game, { agentPopulation: p });
        expect.fail('expected an error');
      } catch (e) {
        expect(e).to.be.instanceOf(MfgError);
        expect((e as MfgError).code).to.equal('MFG_ERR_ENV_BAD_OPTION');
        expect((e as MfgError).message).to.contain('0..1');
      }
    }
  });

  it("fictitious: an update refits population 1's flow from its agents and leaves population 0's", () => {
    const initial = ExactPopulation.fromPolicy(game, uniformPolicy(game));
    const blue = new MfgVectorEnv(game, { numAgents: 4, agentPopulation: 1, meanField: 'fictitious', population: initial, entropySeed: 1 });
    twoSteps(blue, [0, 0, 0, 0]);
    blue.updatePopulation();
    // w = 1/2: mu_1(left) = (1/3 + 1)/2 at t = 1; the report is population 1's marginal.
    const mu = blue.report().mu;
    expect(mu[3 + 1]).to.be.closeTo(2 / 3, 1e-15);
    expect(blue.currentPopulation.stateMass(0, 1, 1)).to.be.closeTo(0.5, 1e-15);
    // The next episode's rewards read the new blue flow: left -(2/3 + 0.25).
    const [, r1] = twoSteps(blue, [0, 0, 0, 0]);
    expect(r1[0]).to.be.closeTo(-(2 / 3 + 0.25), 1e-15);
  });

  it("live: population 1's agents are its mean field, population 0 follows its flow", () => {
    const blue = new MfgVectorEnv(game, { numAgents: 4, agentPopulation: 1, meanField: 'live', entropySeed: 1 });
    // Three go left, one right: at t = 1 mu_1(left) = 3/4, mu_1(right) = 1/4.
    const [, r1] = twoSteps(blue, [0, 0, 0, 1]);
    expect(r1[0]).to.be.closeTo(-(0.75 + 0.25), 1e-15);
    expect(r1[3]).to.be.closeTo(-2 * (0.25 + 0.25), 1e-15);
  });
});
