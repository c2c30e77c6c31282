import { expect } from 'chai';
import { registerBuiltinEnvs } from '../../envs/index';
import { makeEnv } from '../../src/gym/make-env';
import { actorReturns, ContinuousInput, estimate, pairedEstimate } from '../../src/learning/continuous-rollout';
import { lqBestResponse, lqClosedFormValue } from '../../src/learning/lq-best-response';
import { PPO_PARAMS, PpoBestResponse } from '../../src/learning/ppo';
import { resolveParams } from '../../src/solvers/solver';

/**
 * The acceptance test of the actor-critic best response (issue 9): PPO learns, through the gym's
 * continuous vector env only (reset/step: the calls the socket serves), a best response of
 * LinearQuadraticContinuous (defaults: H = 100, dt = 0.1) against its closed-form equilibrium
 * flow (the exact Gaussian population, fixed mode). Its deterministic policy's value, estimated
 * by simulation in the same env, must be within 5% of the closed-form best-response value: the
 * equilibrium value, computed exactly from the closed form's Gaussian flow (lqClosedFormValue).
 */
registerBuiltinEnvs();

describe('learning: PPO best response on LinearQuadraticContinuous (acceptance)', function () {
  this.timeout(600000);

  it('under the equilibrium flow, reaches within 5% of the closed-form best-response value', async () => {
    const params = resolveParams({ name: 'ppo', params: PPO_PARAMS }, { agents: 256, minibatch: 6400, brIterations: 25 });
    const env = await makeEnv('LinearQuadraticContinuous-v0', { numAgents: 256, population: 'exact', meanField: 'fixed', dtype: 'float64', entropySeed: 1 });
    const ppo = await PpoBestResponse.create(env, params, 1);
    const curves = { episodeReturn: [] as number[], loss: [] as number[] };
    await ppo.learn(env, 2, curves);
    const layout = new ContinuousInput(env);
    const learned = actorReturns(env, layout, ppo.actor(), 8, 77);
    const zero = actorReturns(env, layout, (_t, _x, _n, a) => a.fill(0), 8, 77);
    // The closed-form control a = (q + eta_t)(m_0 - x), m_0 = 0, played in the same env with the same seeds.
    const closed = env.game.referencePolicy!;
    const mf = env.currentPopulation;
    const reference = actorReturns(env, layout, (t, x, n, a) => {
      const xs = new Float64Array(n);
      for (let i = 0; i < n; i++) xs[i] = x[2 * i]!;
      a.set(closed(t, xs, n, mf.at(t)));
    }, 8, 77);
    const value = estimate(learned);
    const gap = pairedEstimate(learned, reference);
    const closedForm = lqClosedFormValue();
    const exactBr = lqBestResponse(new Float64Array(100)).bestResponse;
    const gainOverZero = pairedEstimate(learned, zero);
    process.stdout.write(
      `      PPO ${curves.episodeReturn.length} iterations x 256 agents: value ${value.mean.toFixed(4)} ± ${value.standardError.toFixed(4)} (2048 agent-episodes); ` +
        `closed form ${closedForm.toFixed(4)}, discrete-time BR ${exactBr.toFixed(4)}, zero control ${estimate(zero).mean.toFixed(4)}; ` +
        `simulated closed-form control ${estimate(reference).mean.toFixed(4)}; PPO - closed form (paired) ${gap.mean.toFixed(4)} ± ${gap.standardError.toFixed(4)} ` +
        `= ${((100 * gap.mean) / Math.abs(closedForm)).toFixed(2)}%; backend ${ppo.handle.backend}\n`,
    );
    // The simulated closed-form control agrees with its exact value (the env and the closed form agree)...
    expect(Math.abs(estimate(reference).mean - closedForm)).to.be.below(4 * estimate(reference).standardError);
    // ...and the learned policy is within 5% of it, by the exact value and by the paired difference.
    expect(value.mean).to.be.above(closedForm - 0.05 * Math.abs(closedForm));
    expect(gap.mean).to.be.above(-0.05 * Math.abs(closedForm));
    // It cannot beat the exact best response of the discretised game (beyond Monte Carlo noise).
    expect(value.mean).to.be.below(exactBr + 4 * value.standardError);
    // The test can fail: the zero control is worth about 5x less.
    expect(gainOverZero.mean).to.be.above(10);
  });
});
