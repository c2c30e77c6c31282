import { expect } from 'chai';
import { crowdModelling1D } from '../../envs/crowd-modelling-1d';
import { evaluatePolicy, meanFieldFlow, uniformPolicy } from '../../src/core/tabular/index';
import { createSolver, runSolver } from '../../src/solvers/index';
import { expectKwargsError, finiteEnvInvariants, prob } from './finite-env-invariants';

const LEFT = 0;
const STAY = 1;
const RIGHT = 2;

describe('CrowdModelling1D-v0', () => {
  finiteEnvInvariants('CrowdModelling1D-v0', () => crowdModelling1D());
  finiteEnvInvariants('CrowdModelling1D-v0 size=7 H=4', () => crowdModelling1D({ size: 7, H: 4 }));

  it('moves -1/0/+1 on the ring, then adds a uniform -1/0/+1 noise step', () => {
    const k = crowdModelling1D().transition(0, 0, [new Float64Array(30)]);
    expect([prob(k, 0 * 3 + LEFT, 8), prob(k, 0 * 3 + LEFT, 9), prob(k, 0 * 3 + LEFT, 0)]).to.deep.equal([1 / 3, 1 / 3, 1 / 3]);
    expect([prob(k, 9 * 3 + RIGHT, 9), prob(k, 9 * 3 + RIGHT, 0), prob(k, 9 * 3 + RIGHT, 1)]).to.deep.equal([1 / 3, 1 / 3, 1 / 3]);
    expect(k.rowStart[1]! - k.rowStart[0]!).to.equal(3);
  });

  it('pays 1 - |x-5|/5 - |move|/10 - log(mu_t(x)) at the epoch of the move (hand-computed, mu uniform)', () => {
    const game = crowdModelling1D();
    const flow = meanFieldFlow(game, uniformPolicy(game));
    const out = new Float64Array(30);
    game.reward(0, 3, [flow[0]!.subarray(90, 120)], out);
    const ln10 = Math.log(10);
    expect(out[5 * 3 + STAY]).to.be.closeTo(1 + ln10, 1e-12);
    expect(out[5 * 3 + LEFT]).to.be.closeTo(0.9 + ln10, 1e-12);
    expect(out[0 * 3 + RIGHT]).to.be.closeTo(-0.1 + ln10, 1e-12);
    expect(out[7 * 3 + STAY]).to.be.closeTo(0.6 + ln10, 1e-12);
  });

  it('the uniform policy keeps mu uniform, so its value is 10·(0.5 - 1/15 + ln 10) (hand-computed)', () => {
    const game = crowdModelling1D();
    const e = evaluatePolicy(game, uniformPolicy(game));
    for (let j = 0; j < 300; j++) expect(e.flow[0]![j]).to.be.closeTo(0.1 / 3, 1e-15);
    expect(e.policyValue).to.be.closeTo(10 * (0.5 - 1 / 15 + Math.log(10)), 1e-12);
    expect(e.exploitability).to.be.greaterThan(0);
  });

  it('fictitious play lowers the exploitability at least 10x in 100 iterations (issue 2 acceptance)', async () => {
    const res = await runSolver(crowdModelling1D(), createSolver('fp'), { iterations: 100 });
    expect(res.exploitability[100]!).to.be.lessThan(res.exploitability[0]! / 10);
  });

  it('rejects bad kwargs, naming them', () => {
    expectKwargsError('CrowdModelling1D-v0', { size: 1 }, 'size');
    expectKwargsError('CrowdModelling1D-v0', { H: 2.5 }, 'H');
    expectKwargsError('CrowdModelling1D-v0', { sise: 10 }, 'sise');
  });
});
