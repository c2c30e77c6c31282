import { expect } from 'chai';
import { leftRight } from '../../envs/left-right';
import { Rng } from '../../src/core/rng';
import { meanFieldFlow, uniformPolicy } from '../../src/core/tabular/index';
import { ExactPopulation } from '../../src/populations/exact-population';

/** pi_0(left | center) = pLeft, the rest uniform. */
function leftWith(pLeft: number): Float64Array[] {
  const pi = uniformPolicy(leftRight());
  pi[0]![0] = pLeft;
  pi[0]![1] = 1 - pLeft;
  return pi;
}

describe('ExactPopulation', () => {
  const game = leftRight();
  const pi = leftWith(0.3);
  const flow = meanFieldFlow(game, pi);
  const pop = new ExactPopulation(game, flow);

  it('reproduces the forward flow: mu_1 = (0, 0.3, 0.7), tables equal to Gamma(pi)', () => {
    expect([0, 1, 2].map((s) => pop.stateMass(0, 0, s))).to.deep.equal([1, 0, 0]);
    expect(pop.stateMass(0, 1, 0)).to.equal(0);
    expect(pop.stateMass(0, 1, 1)).to.be.closeTo(0.3, 1e-15);
    expect(pop.stateMass(0, 1, 2)).to.be.closeTo(0.7, 1e-15);
    for (let t = 0; t < 2; t++) expect([...pop.meanFieldAt(t)[0]!]).to.deep.equal([...flow[0]!.subarray(t * 6, t * 6 + 6)]);
    expect(pop.query(1).stateMass(0, 2)).to.equal(pop.stateMass(0, 1, 2));
    expect(pop.logStateMass(0, 1, 0)).to.equal(-Infinity);
    expect(pop.logStateMass(0, 1, 1)).to.equal(Math.log(pop.stateMass(0, 1, 1)));
  });

  it('fromPolicy is the forward equation', () => {
    const q = ExactPopulation.fromPolicy(game, pi);
    expect([...q.flow[0]!]).to.deep.equal([...flow[0]!]);
  });

  it('samples mu_t: frequencies within 4 binomial standard errors, never a zero-mass state', () => {
    const n = 20000;
    const s = pop.sampleStates(0, 1, n, new Rng(7));
    const counts = [0, 0, 0];
    for (const x of s) counts[x]!++;
    expect(counts[0]).to.equal(0);
    const se = Math.sqrt((0.3 * 0.7) / n);
    expect(Math.abs(counts[1]! / n - 0.3)).to.be.below(4 * se);
    // same seed, same draws
    expect([...pop.sampleStates(0, 1, 50, new Rng(3))]).to.deep.equal([...pop.sampleStates(0, 1, 50, new Rng(3))]);
  });

  it('counts the bytes it holds: the flow (H*S*A doubles), mu (H*S), and one cdf (S) once sampled', () => {
    const fresh = new ExactPopulation(game, flow);
    expect(fresh.memoryBytes()).to.equal(8 * (2 * 3 * 2) + 8 * (2 * 3));
    fresh.sampleStates(0, 0, 1, new Rng(1));
    expect(fresh.memoryBytes()).to.equal(8 * (2 * 3 * 2) + 8 * (2 * 3) + 8 * 3);
  });

  it('rejects a flow of the wrong shape', () => {
    expect(() => new ExactPopulation(game, [new Float64Array(5)])).to.throw(/expected H\*S\*A = 12/);
  });
});
