import { expect } from 'chai';
import { susceptibleInfected } from '../../envs/susceptible-infected';
import { evaluatePolicy, meanFieldFlow, uniformPolicy } from '../../src/core/tabular/index';
import { expectKwargsError, finiteEnvInvariants, prob } from './finite-env-invariants';

const S = 0;
const I = 1;
const OUT = 0;
const DIST = 1;

/** The same action in every state at every epoch. */
function always(H: number, a: number): Float64Array[] {
  const pi = new Float64Array(H * 4);
  for (let row = 0; row < H * 2; row++) pi[row * 2 + a] = 1;
  return [pi];
}

describe('SusceptibleInfected-v0', () => {
  finiteEnvInvariants('SusceptibleInfected-v0', () => susceptibleInfected());

  it('infects who goes out w.p. 0.81·mu(I), spares who distances, heals w.p. 0.3', () => {
    const game = susceptibleInfected();
    const L = Float64Array.of(0.3, 0.2, 0.25, 0.25); // mu(I) = 0.5
    const k = game.transition(0, 0, [L]);
    expect(prob(k, S * 2 + OUT, I)).to.be.closeTo(0.405, 1e-15);
    expect(prob(k, S * 2 + OUT, S)).to.be.closeTo(0.595, 1e-15);
    expect(prob(k, S * 2 + DIST, S)).to.equal(1);
    for (const a of [OUT, DIST]) {
      expect(prob(k, I * 2 + a, S)).to.equal(0.3);
      expect(prob(k, I * 2 + a, I)).to.equal(0.7);
    }
    const r = new Float64Array(4);
    game.reward(0, 7, [L], r);
    expect(Array.from(r)).to.deep.equal([0, -0.5, -1, -1.5]);
  });

  it('under universal distancing the infected share decays as 0.6·0.7^t (analytic)', () => {
    const game = susceptibleInfected();
    const flow = meanFieldFlow(game, always(51, DIST));
    for (const t of [1, 3, 10, 50]) {
      const muI = flow[0]![t * 4 + 2]! + flow[0]![t * 4 + 3]!;
      expect(muI, `t=${t}`).to.be.closeTo(0.6 * 0.7 ** t, 1e-14);
    }
  });

  it('under universal going out, mu_1(I) = 0.7·0.6 + 0.81·0.6·0.4 (analytic)', () => {
    const flow = meanFieldFlow(susceptibleInfected(), always(51, OUT));
    expect(flow[0]![4 + 2]! + flow[0]![4 + 3]!).to.be.closeTo(0.6144, 1e-15);
  });

  it('uniform policy exploitability: 0.25 at H=1 and 0.4028 at H=2 (hand-computed)', () => {
    // H=1: uniform costs 0.25 more than the best action in both states.
    const g1 = susceptibleInfected({ H: 1 });
    expect(evaluatePolicy(g1, uniformPolicy(g1)).exploitability).to.be.closeTo(0.25, 1e-15);
    // H=2: 0.25 lost at t=1 everywhere, plus at t=0 the gap between the best and the mean of
    // Q*_0: in S, Q*(out) = -0.81·0.6 = -0.486, Q*(dist) = -0.5 (gap 0.007); in I,
    // Q*(out) = -1.7, Q*(dist) = -2.2 (gap 0.25). 0.4·0.257 + 0.6·0.5 = 0.4028.
    const g2 = susceptibleInfected({ H: 2 });
    expect(evaluatePolicy(g2, uniformPolicy(g2)).exploitability).to.be.closeTo(0.4028, 1e-14);
  });

  it('has H = 51 by default and validates it', () => {
    expect(susceptibleInfected().horizon).to.equal(51);
    expectKwargsError('SusceptibleInfected-v0', { H: 1.5 }, 'H');
  });
});
