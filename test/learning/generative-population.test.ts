import { expect } from 'chai';
import { beachBar } from '../../envs/beach-bar';
import { crowdModelling1D } from '../../envs/crowd-modelling-1d';
import type { FiniteGame } from '../../src/core/finite-game';
import { exploitability, uniformPolicy } from '../../src/core/tabular/index';
import { MfgVectorEnv } from '../../src/gym/vector-env';
import { learningSolverDefinition } from '../../src/learning/learning-solvers';
import { runLearningSolver } from '../../src/learning/run-learning';
import { runSampledFictitiousPlay } from '../../src/learning/sampled-fictitious-play';
import { ExactPopulation } from '../../src/populations/exact-population';
import { resolveParams } from '../../src/solvers/solver';

/** Runs a learning solver's sampled loop directly, keeping every flow L̄ it averaged (from its checkpoints) and the played policies. */
async function flowsOf(game: FiniteGame, algo: string, given: Record<string, unknown>, iterations: number, seed: number): Promise<{ flows: Float64Array[]; policies: Float64Array[]; exploitability: number[] }> {
  const def = learningSolverDefinition(algo);
  const params = resolveParams(def, given);
  const env = new MfgVectorEnv(game, { numAgents: params['agents']!, meanField: 'fixed', population: ExactPopulation.fromPolicy(game, uniformPolicy(game)), entropySeed: seed });
  const { learner } = await def.createLearner(env, params, seed);
  const flows: Float64Array[] = [];
  const policies: Float64Array[] = [];
  const r = await runSampledFictitiousPlay(env, learner, {
    iterations,
    popBatches: params['popBatches']!,
    generative: { settings: {}, warmStart: false },
    seed,
    onCheckpoint: async (state) => {
      flows.push(state.avgFlow.slice());
      policies.push(state.policy.slice());
    },
  });
  env.close();
  return { flows, policies, exploitability: r.exploitability };
}

/**
 * The generative population in the sampled learning loop (params.generative = 1): the flow each
 * iteration averages in is a generator fitted to the visited states of the best response's
 * play, times the played policy (src/learning/generative-flow.ts).
 */
describe('learning: the generative population of the sampled loop', function () {
  this.timeout(300000);

  it('q-fp on BeachBar: same seed, same bits; finite exploitability below the uniform policy\'s (1.221); fits recorded with verdicts', async () => {
    const params = { generative: 1, brBatches: 10, popBatches: 5 };
    const a = await runLearningSolver(beachBar(), 'q-fp', { iterations: 3, seed: 1, params });
    const b = await runLearningSolver(beachBar(), 'q-fp', { iterations: 3, seed: 1, params });
    expect(b.exploitability).to.deep.equal(a.exploitability);
    expect(a.exploitability[0]).to.be.closeTo(exploitability(beachBar(), uniformPolicy(beachBar())), 1e-12);
    expect(a.exploitability[0]).to.be.closeTo(1.221, 1e-3);
    for (const e of a.exploitability) expect(Number.isFinite(e)).to.equal(true);
    expect(a.exploitability[3]!).to.be.below(a.exploitability[0]! / 3);
    expect(a.generative!.fits).to.equal(3);
    expect(a.generative!.reports).to.have.length(3);
    for (const rep of a.generative!.reports) expect(rep?.c2stAccuracy).to.be.within(0, 1);
    // a different population, so a different run than the empirical flow's (same seed)
    const particles = await runLearningSolver(beachBar(), 'q-fp', { iterations: 3, seed: 1, params: { ...params, generative: 0 } });
    expect(particles.generative).to.equal(null);
    expect(particles.exploitability[3]).to.not.equal(a.exploitability[3]);
  });

  it('q-fp on CrowdModelling1D: every averaged flow L̄ is a distribution per epoch (sums to 1, non-negative)', async () => {
    const game = crowdModelling1D();
    const { flows } = await flowsOf(game, 'q-fp', { generative: 1, brBatches: 5, popBatches: 4 }, 2, 3);
    const { numStates: S, numActions: A } = game.populations[0]!;
    expect(flows).to.have.length(2);
    for (const L of flows) {
      for (let t = 0; t < game.horizon; t++) {
        let sum = 0;
        for (let j = 0; j < S * A; j++) {
          expect(L[t * S * A + j]!).to.be.at.least(0);
          sum += L[t * S * A + j]!;
        }
        expect(sum, `epoch ${t}`).to.be.closeTo(1, 1e-9);
      }
    }
  });

  it('d-momd on BeachBar (flow replaced, not averaged): L̂_t(s, a) = mu^_t(s)·pi_{k+1}(a|s) exactly, mu^ a distribution; deterministic', async () => {
    const game = beachBar();
    const given = { generative: 1, brBatches: 5, popBatches: 5, flatState: 1 };
    const a = await flowsOf(game, 'd-momd', given, 2, 4);
    const b = await flowsOf(game, 'd-momd', given, 2, 4);
    expect(b.exploitability).to.deep.equal(a.exploitability);
    for (const e of a.exploitability) expect(Number.isFinite(e)).to.equal(true);
    const { numStates: S, numActions: A } = game.populations[0]!;
    for (let k = 0; k < 2; k++) {
      const L = a.flows[k]!;
      const pi = a.policies[k]!; // D-MOMD plays its output policy: the action part of its flow
      for (let t = 0; t < game.horizon; t++) {
        let total = 0;
        for (let s = 0; s < S; s++) {
          let mu = 0;
          for (let x = 0; x < A; x++) mu += L[(t * S + s) * A + x]!;
          total += mu;
          for (let x = 0; x < A; x++) expect(L[(t * S + s) * A + x]!).to.be.closeTo(mu * pi[(t * S + s) * A + x]!, 1e-12);
        }
        expect(total, `iteration ${k + 1}, epoch ${t}`).to.be.closeTo(1, 1e-9);
      }
    }
  });

  it('generative and exactFlow together are refused (two different flows)', async () => {
    let err: unknown;
    await runLearningSolver(beachBar(), 'd-momd', { iterations: 1, seed: 0, params: { generative: 1, exactFlow: 1, brBatches: 1, popBatches: 1 } }).catch((e) => (err = e));
    expect((err as { code?: string }).code).to.equal('MFG_ERR_SOLVER_BAD_PARAM');
  });
});
