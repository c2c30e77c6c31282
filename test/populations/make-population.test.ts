import { expect } from 'chai';
import { leftRight } from '../../envs/left-right';
import { isMfgError } from '../../src/core/errors';
import { uniformPolicy } from '../../src/core/tabular/index';
import { ExactPopulation } from '../../src/populations/exact-population';
import { makePopulation, makePopulationSync, populationKinds, registerPopulationKind } from '../../src/populations/make-population';
import { ParticlePopulation } from '../../src/populations/particle-population';

describe('makePopulation', () => {
  const game = leftRight();

  it('builds the exact flow of the uniform policy by default', () => {
    const pop = makePopulationSync(game, { kind: 'exact' });
    expect(pop).to.be.instanceOf(ExactPopulation);
    expect(pop.stateMass(0, 1, 1)).to.equal(0.5);
  });

  it('builds particles from a seed, reproducibly, or from given samples', async () => {
    const a = makePopulationSync(game, { kind: 'particles', numAgents: 1000, seed: 3 });
    const b = await makePopulation(game, { kind: 'particles', numAgents: 1000, seed: 3 });
    expect(a).to.be.instanceOf(ParticlePopulation);
    expect(a.stateMass(0, 1, 1)).to.equal(b.stateMass(0, 1, 1));
    const given = makePopulationSync(game, { kind: 'particles', samples: { horizon: 2, cells: [[Int32Array.of(0, 1), Int32Array.of(2, 5)]] } });
    expect(given.stateMass(0, 1, 1)).to.equal(0.5);
    expect(given.stateMass(0, 1, 2)).to.equal(0.5);
  });

  it('checks a given policy and the number of agents', () => {
    const bad = uniformPolicy(game);
    bad[0]![0] = 2;
    expect(() => makePopulationSync(game, { kind: 'exact', policy: bad })).to.throw(/sums to 2.5, expected 1/);
    try {
      makePopulationSync(game, { kind: 'particles', numAgents: 0 });
      expect.fail('numAgents 0 accepted');
    } catch (e) {
      expect(isMfgError(e) && e.code).to.equal('MFG_ERR_POPULATION_BAD_PARAM');
    }
  });

  it('unknown kinds are an error listing the known ones, including the lazily loaded generative kind', () => {
    try {
      makePopulationSync(game, { kind: 'histogram' });
      expect.fail('unknown kind accepted');
    } catch (e) {
      expect(isMfgError(e) && e.code).to.equal('MFG_ERR_POPULATION_UNKNOWN_KIND');
      expect((e as Error).message).to.match(/'exact', 'particles'.*'generative'/);
    }
  });

  it('new kinds plug in through registerPopulationKind, async builders through makePopulation', async () => {
    registerPopulationKind('test-async-exact', async (ctx) => ExactPopulation.fromPolicy(ctx.game, ctx.policy), { replace: true });
    expect(populationKinds()).to.include('test-async-exact');
    const pop = await makePopulation(game, { kind: 'test-async-exact' });
    expect(pop.stateMass(0, 1, 2)).to.equal(0.5);
    expect(() => makePopulationSync(game, { kind: 'test-async-exact' })).to.throw(/asynchronously/);
    expect(() => registerPopulationKind('exact', (ctx) => ExactPopulation.fromPolicy(ctx.game, ctx.policy))).to.throw(/already registered/);
  });
});
