import { expect } from 'chai';
import { lqClosedForm } from '../../envs/linear-quadratic-continuous';
import type { ContinuousGame } from '../../src/core/continuous-game';
import { isMfgError } from '../../src/core/errors';
import { Rng } from '../../src/core/rng';
import { makeGame } from '../../src/registry/registry';
import { ContinuousParticleFlow } from '../../src/populations/continuous-particles';
import { GaussianPopulation, w2ToGaussian } from '../../src/populations/gaussian-population';
import { makeContinuousPopulation, makeContinuousPopulationSync } from '../../src/populations/make-continuous-population';
import '../../src/index';

function codeOf(f: () => unknown): string | null {
  try {
    f();
  } catch (e) {
    return isMfgError(e) ? e.code : 'not an MfgError';
  }
  return null;
}

/**
 * Particles against the exact flow, measured by W2 per epoch, compared with the Monte Carlo null:
 * the W2 of as many samples drawn from the exact Gaussian itself. Particles simulated under
 * the reference policy must sit at that noise level (mean over epochs within 1.5x the null's).
 */
function particlesVersusNull(game: ContinuousGame, N: number): { particles: number; nullW2: number } {
  const exact = makeContinuousPopulationSync(game, { kind: 'exact' }) as GaussianPopulation;
  const particles = makeContinuousPopulationSync(game, { kind: 'particles', numAgents: N, seed: 1 }) as ContinuousParticleFlow;
  const d = game.stateSpace.size;
  let p = 0;
  let q = 0;
  for (let t = 0; t < game.horizon; t++) {
    const m = exact.at(t).mean();
    const v = exact.params.variance[t]!;
    p += w2ToGaussian(particles.samples.points[t]!, d, m, v);
    q += w2ToGaussian(exact.at(t).samples!(N, new Rng(100 + t)), d, m, v);
  }
  return { particles: p / game.horizon, nullW2: q / game.horizon };
}

describe('makeContinuousPopulation', () => {
  it("LQ 'exact' is the closed-form Gaussian flow; its particles (under the closed-form control by default) sit at the Monte Carlo W2 noise", () => {
    const game = makeGame('LinearQuadraticContinuous-v0') as ContinuousGame;
    const exact = makeContinuousPopulationSync(game, { kind: 'exact' }) as GaussianPopulation;
    expect(exact).to.be.instanceOf(GaussianPopulation);
    const cf = lqClosedForm();
    for (const t of [0, 50, 99]) expect(exact.params.variance[t]![0]).to.equal(cf.variance[t]);
    const r = particlesVersusNull(game, 4000);
    expect(r.particles).to.be.below(1.5 * r.nullW2);
  });

  it('CrowdAversionND d = 10: particles under the passive policy match the heat flow N(0, (1 + t·dt) I) at the W2 noise level', () => {
    const r = particlesVersusNull(makeGame('CrowdAversionND-v0', { d: 10 }) as ContinuousGame, 2000);
    expect(r.particles).to.be.below(1.5 * r.nullW2);
  });

  it('particles are reproducible under a seed and count their bytes (8·d per agent per epoch)', async () => {
    const game = makeGame('CrowdAversionND-v0', { d: 3, H: 4 }) as ContinuousGame;
    const a = makeContinuousPopulationSync(game, { kind: 'particles', numAgents: 100, seed: 9 }) as ContinuousParticleFlow;
    const b = (await makeContinuousPopulation(game, { kind: 'particles', numAgents: 100, seed: 9 })) as ContinuousParticleFlow;
    expect([...a.samples.points[3]!]).to.deep.equal([...b.samples.points[3]!]);
    expect(a.memoryBytes()).to.equal(8 * 3 * 100 * 4);
  });

  it("'exact' is refused where no closed form exists (Flocking) or for a policy other than the reference", () => {
    expect(codeOf(() => makeContinuousPopulationSync(makeGame('Flocking-v0') as ContinuousGame, { kind: 'exact' }))).to.equal('MFG_ERR_POPULATION_UNKNOWN_KIND');
    const lq = makeGame('LinearQuadraticContinuous-v0') as ContinuousGame;
    expect(() => makeContinuousPopulationSync(lq, { kind: 'exact', policy: (_t, _x, n) => new Float64Array(n) })).to.throw(/reference policy/);
    expect(codeOf(() => makeContinuousPopulationSync(lq, { kind: 'kde' }))).to.equal('MFG_ERR_POPULATION_UNKNOWN_KIND');
    expect(codeOf(() => makeContinuousPopulationSync(lq, { kind: 'particles', numAgents: -1 }))).to.equal('MFG_ERR_POPULATION_BAD_PARAM');
  });
});
