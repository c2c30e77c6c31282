import { expect } from 'chai';
import { MfgError } from '../../src/core/errors';
import { Rng } from '../../src/core/rng';
import { ContinuousInput, evaluateActor } from '../../src/learning/continuous-rollout';
import { naturalLinearStep, solveSymmetric } from '../../src/learning/natural-linear-step';
import { PPO_PARAMS, PpoBestResponse } from '../../src/learning/ppo';
import { runContinuousLearningSolver } from '../../src/learning/run-continuous-learning';
import { resolveParams } from '../../src/solvers/solver';
import { bandit, noFlow } from './bandit-game';
import { GameBoxEnv } from './game-box-env';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expectAcFpResumesBitForBit, expectPpoResumesBitForBit, SMALL_AC_FP, SMALL_LQ } from './ppo-resume';

describe('learning: the Newton step of a linear-Gaussian policy (naturalStep)', function () {
  this.timeout(60_000);

  it('solveSymmetric solves a positive-definite system; an all-zero feature gets a zero coefficient', () => {
    // A = [[4, 2, 0], [2, 3, 0], [0, 0, 0]], b = [2, 1, 0]: x = [0.5, 0, 0].
    const x = solveSymmetric(Float64Array.of(4, 2, 0, 2, 3, 0, 0, 0, 0), Float64Array.of(2, 1, 0), 3);
    expect(x[0]).to.be.closeTo(0.5, 1e-9);
    expect(x[1]).to.be.closeTo(0, 1e-9);
    expect(x[2]).to.equal(0);
  });

  it('recovers w/(2c) exactly from advantages that are the quadratic model plus a state offset linear in phi', () => {
    const rng = new Rng(3);
    const rows = 300;
    const D = 2;
    const sigma = 5; // wide enough that the step (its mean shift: rms 4.2) is inside the trust region
    const w = [0.3, -1.2, 0.7];
    const c = 0.25;
    const inputs = new Float64Array(rows * D);
    const means = new Float64Array(rows);
    const actions = new Float64Array(rows);
    const adv = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      const phi = [rng.normal(), 3 * rng.random()];
      inputs.set(phi, r * D);
      means[r] = rng.normal();
      const e = sigma * rng.normal();
      actions[r] = means[r]! + e;
      adv[r] = 2 - 3 * phi[0]! + 0.5 * phi[1]! + e * (w[0]! * phi[0]! + w[1]! * phi[1]! + w[2]!) - c * (e * e - sigma * sigma);
    }
    const s = naturalLinearStep(inputs, actions, means, [sigma], adv, rows, D, 1);
    expect(s.curvature[0]).to.be.closeTo(c, 1e-7);
    for (let j = 0; j <= D; j++) expect(s.step[j]).to.be.closeTo(w[j]! / (2 * c), 1e-7); // the ridge's 1e-10 is all that is off
    // At sigma 1 the same model's step leaves the explored range: it keeps its direction and its
    // mean shift has a root mean square of exactly sigma.
    for (let r = 0; r < rows; r++) {
      const e = (actions[r]! - means[r]!) / sigma;
      actions[r] = means[r]! + e;
      adv[r] = e * (w[0]! * inputs[r * D]! + w[1]! * inputs[r * D + 1]! + w[2]!) - c * (e * e - 1);
    }
    const clipped = naturalLinearStep(inputs, actions, means, [1], adv, rows, D, 1);
    const ratio = clipped.step[0]! / (w[0]! / (2 * c));
    expect(ratio).to.be.within(0.05, 0.5);
    for (let j = 0; j <= D; j++) expect(clipped.step[j]).to.be.closeTo((ratio * w[j]!) / (2 * c), 1e-7);
    let shift2 = 0;
    for (let r = 0; r < rows; r++) shift2 += (inputs[r * D]! * clipped.step[0]! + inputs[r * D + 1]! * clipped.step[1]! + clipped.step[2]!) ** 2 / rows;
    expect(Math.sqrt(shift2)).to.be.closeTo(1, 1e-9);
  });

  it('fits each action dimension with its own curvature (two dimensions, each the other\'s noise)', () => {
    const rng = new Rng(4);
    const rows = 40_000;
    const sigma = [1, 1];
    const w = [[0.1, 0.2], [-0.4, 2]];
    const c = [0.25, 1.5];
    const inputs = new Float64Array(rows);
    const means = new Float64Array(rows * 2);
    const actions = new Float64Array(rows * 2);
    const adv = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      const phi = rng.normal();
      inputs[r] = phi;
      for (let k = 0; k < 2; k++) {
        const e = sigma[k]! * rng.normal();
        actions[r * 2 + k] = e;
        adv[r]! += e * (w[k]![0]! * phi + w[k]![1]!) - c[k]! * (e * e - sigma[k]! ** 2);
      }
    }
    const s = naturalLinearStep(inputs, actions, means, sigma, adv, rows, 1, 2);
    for (let k = 0; k < 2; k++) {
      expect(s.curvature[k], `c_${k}`).to.be.closeTo(c[k]!, 0.1 * c[k]!);
      for (let j = 0; j < 2; j++) expect(s.step[j * 2 + k], `step ${j},${k}`).to.be.closeTo(w[k]![j]! / (2 * c[k]!), 0.05);
    }
  });

  it('a concave-free fit (c <= 0) takes no step', () => {
    const rows = 50;
    const rng = new Rng(1);
    const inputs = Float64Array.from({ length: rows }, () => rng.normal());
    const means = new Float64Array(rows);
    const actions = Float64Array.from({ length: rows }, () => rng.normal());
    const adv = Float64Array.from(actions, (e) => e * e + e); // convex in a
    const s = naturalLinearStep(inputs, actions, means, Float64Array.of(1), adv, rows, 1, 1);
    expect(s.curvature[0]).to.be.below(0);
    expect([...s.step]).to.deep.equal([0, 0]);
  });

  it('full steps (eta 1) land on the bandit optimum a = 2x in 6 iterations (PPO: within 0.1 after 50)', async () => {
    const params = resolveParams({ name: 'ppo', params: PPO_PARAMS }, { agents: 512, brIterations: 6, minibatch: 256, policyLayers: 0, naturalStep: 1 });
    const env = new GameBoxEnv(bandit(), noFlow, 512);
    const ppo = await PpoBestResponse.create(env, params, 1);
    await ppo.learn(env, 2, { episodeReturn: [], loss: [] });
    const out = new Float64Array(3);
    ppo.policy.meanAction(Float64Array.of(1, 0, -1, 0, 0, 0), 3, out);
    // Seeds 1-5: 1.997-1.999 and |intercept| <= 0.0013. The first steps are rough (the critic lags
    // the policy, and its error leaks into the fit), hence six.
    expect((out[0]! - out[1]!) / 2).to.be.closeTo(2, 0.01);
    expect(out[2]).to.be.closeTo(0, 0.01);
    expect(Math.exp(ppo.policy.logStd()[0]!)).to.be.closeTo(1, 1e-6); // the exploration std stays initStd
    const value = evaluateActor(new GameBoxEnv(bandit(), noFlow, 4000), new ContinuousInput(env), ppo.actor(), 1, 9);
    expect(value.mean).to.be.above(-0.002);
  });

  it('resumes bit for bit, and refuses a policy with hidden layers', async () => {
    const env = new GameBoxEnv(bandit(), noFlow, 64);
    await expectPpoResumesBitForBit(env, resolveParams({ name: 'ppo', params: PPO_PARAMS }, { agents: 64, brIterations: 2, minibatch: 64, policyLayers: 0, naturalStep: 0.5, lrAnneal: 1 }));
    const bad = resolveParams({ name: 'ppo', params: PPO_PARAMS }, { agents: 64, naturalStep: 0.5 });
    await PpoBestResponse.create(env, bad, 1).then(
      () => expect.fail('policyLayers 2 with naturalStep accepted'),
      (e: unknown) => {
        expect(e).to.be.instanceOf(MfgError);
        expect((e as MfgError).code).to.equal('MFG_ERR_SOLVER_BAD_PARAM');
        expect((e as MfgError).message).to.match(/naturalStep 0.5 needs the linear-Gaussian policy/);
      },
    );
  });

  it('ac-fp with Newton steps: an ensemble run resumes bit for bit, and on a tiny budget its flow comes far nearer the equilibrium than PPO\'s', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfgym-natural-'));
    try {
      const run = await expectAcFpResumesBitForBit(SMALL_LQ, { ...SMALL_AC_FP, policyLayers: 0, naturalStep: 0.5, brEnsemble: 2 }, path.join(dir, 'run'), 3, 4);
      // W2 to the closed form: 1.065 (the passive flow), then 0.900 0.753 0.660; PPO's steps on
      // the same budget: 1.019 0.882 1.068.
      const w2 = run.w2ToEquilibrium!;
      expect(w2[3]!).to.be.below(0.7 * w2[0]!);
      const ppo = await runContinuousLearningSolver(SMALL_LQ, 'ac-fp', { iterations: 3, seed: 4, params: { ...SMALL_AC_FP, policyLayers: 0, brEnsemble: 2 } });
      expect(ppo.w2ToEquilibrium![3]!).to.be.above(w2[3]! + 0.2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
