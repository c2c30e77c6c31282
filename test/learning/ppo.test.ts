import { expect } from 'chai';
import { MfgError } from '../../src/core/errors';
import { linearQuadraticContinuous, lqClosedForm, LQ_CONTINUOUS_DEFAULTS } from '../../envs/linear-quadratic-continuous';
import { Rng } from '../../src/core/rng';
import { ContinuousInput, evaluateActor } from '../../src/learning/continuous-rollout';
import { generalisedAdvantages, normaliseInPlace, normalisePerEpochInPlace } from '../../src/learning/gae';
import { lqBestResponse, lqClosedFormValue, lqDiscreteEquilibriumVariance } from '../../src/learning/lq-best-response';
import { PPO_PARAMS, PpoBestResponse } from '../../src/learning/ppo';
import { GaussianPopulation } from '../../src/populations/gaussian-population';
import { simulateContinuous } from '../../src/populations/simulate-continuous';
import { resolveParams, type SolverParams } from '../../src/solvers/solver';
import { bandit, noFlow } from './bandit-game';
import { GameBoxEnv } from './game-box-env';
import { expectPpoResumesBitForBit } from './ppo-resume';


async function learnBandit(seed: number, iterations: number): Promise<PpoBestResponse> {
  const params = resolveParams({ name: 'ppo', params: PPO_PARAMS }, { agents: 512, brIterations: iterations, minibatch: 256, epochs: 4, learningRate: 0.01, valueLearningRate: 0.01, initStd: 0.5, lrAnneal: 1 });
  const env = new GameBoxEnv(bandit(), noFlow, 512);
  const ppo = await PpoBestResponse.create(env, params, seed);
  await ppo.learn(env, seed + 1, { episodeReturn: [], loss: [] });
  return ppo;
}

/** Every critic and policy weight after one best response (learner seed 4, rollout seed 10): what two param sets are compared by. */
async function weightsAfterLearning(env: GameBoxEnv, params: Readonly<SolverParams>): Promise<number[][]> {
  const ppo = await PpoBestResponse.create(env, params, 4);
  await ppo.learn(env, 10, { episodeReturn: [], loss: [] });
  return [...ppo.critic.net.weights.values(), ...ppo.policy.net.weights.values()].map((w) => [...w.data]);
}

/** A 4-epoch LQ env of 16 agents against its closed-form flow, and small PPO params (brIterations given) over it. */
function smallLq(brIterations: number): { env: GameBoxEnv; resolve: (extra: Record<string, number>) => SolverParams } {
  const game = linearQuadraticContinuous({ H: 4, dt: 0.5 });
  const env = new GameBoxEnv(game, new GaussianPopulation(game.exactFlow!()), 16);
  const resolve = (extra: Record<string, number>): SolverParams => resolveParams({ name: 'ppo', params: PPO_PARAMS }, { agents: 16, brIterations, minibatch: 32, hidden: 8, ...extra });
  return { env, resolve };
}

describe('learning: PPO actor-critic core', function () {
  this.timeout(120000);

  it('GAE: lambda = 1 gives return-to-go minus V, lambda = 0 the one-step TD error, never bootstrapping past H', () => {
    // H = 3, N = 2, epoch-major rows t*N + i.
    const r = [1, 10, 2, 20, 3, 30];
    const v = [0.5, 5, 0.25, 2.5, 0.125, 1.25];
    const one = generalisedAdvantages(r, v, 3, 2, 1, 1);
    expect([...one.advantages]).to.deep.equal([6 - 0.5, 60 - 5, 5 - 0.25, 50 - 2.5, 3 - 0.125, 30 - 1.25]);
    expect([...one.targets]).to.deep.equal([6, 60, 5, 50, 3, 30]);
    const zero = generalisedAdvantages(r, v, 3, 2, 1, 0);
    expect([...zero.advantages]).to.deep.equal([1 + 0.25 - 0.5, 10 + 2.5 - 5, 2 + 0.125 - 0.25, 20 + 1.25 - 2.5, 3 - 0.125, 30 - 1.25]);
    const half = generalisedAdvantages(r, v, 3, 2, 0.5, 0.5);
    // agent 0: d2 = 3 - 0.125, d1 = 2 + 0.5*0.125 - 0.25, A1 = d1 + 0.25*d2, A0 = d0 + 0.25*A1
    const d2 = 2.875;
    const a1 = 2 + 0.0625 - 0.25 + 0.25 * d2;
    expect(half.advantages[2]).to.equal(a1);
    expect(half.advantages[0]).to.equal(1 + 0.125 - 0.5 + 0.25 * a1);
  });

  it('the Gaussian policy samples N(mu, std²) and reports their exact log-density', async () => {
    const params = resolveParams({ name: 'ppo', params: PPO_PARAMS }, { initStd: 0.7 });
    const env = new GameBoxEnv(bandit(), noFlow, 4);
    const ppo = await PpoBestResponse.create(env, params, 3);
    const n = 20000;
    const x = new Float64Array(2 * n).map((_, i) => (i % 2 === 0 ? 0.3 : 0));
    const mu = ppo.policy.meanAction(x.subarray(0, 2), 1, new Float64Array(1))[0]!;
    const a = new Float64Array(n);
    const logp = new Float64Array(n);
    ppo.policy.sample(x, n, new Rng(5), a, logp);
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      s += a[i]!;
      s2 += (a[i]! - mu) ** 2;
      const sd = 0.7;
      const exact = -0.5 * ((a[i]! - mu) / sd) ** 2 - Math.log(sd) - 0.5 * Math.log(2 * Math.PI);
      expect(logp[i]).to.be.closeTo(exact, 1e-6); // the log-std is stored in float32
    }
    expect(s / n).to.be.closeTo(mu, 4 * 0.7 / Math.sqrt(n));
    expect(Math.sqrt(s2 / n)).to.be.closeTo(0.7, 0.02);
  });

  it('learns the analytic optimum a = 2x of a contextual bandit (value 0; zero action: -4)', async () => {
    const ppo = await learnBandit(1, 50);
    const out = new Float64Array(3);
    ppo.policy.meanAction(Float64Array.of(1, 0, -1, 0, 0, 0), 3, out);
    expect((out[0]! - out[1]!) / 2).to.be.closeTo(2, 0.15); // 2.095 after 50 iterations, 2.051 after 150
    expect(out[2]).to.be.closeTo(0, 0.1);
    const env = new GameBoxEnv(bandit(), noFlow, 4000);
    const value = evaluateActor(env, new ContinuousInput(env), ppo.actor(), 1, 9);
    expect(value.mean).to.be.above(-0.05); // -0.038 ± 0.004 (the zero action: -4)
  });

  it('is deterministic: the same seeds give the same networks bit for bit', async () => {
    const a = await learnBandit(2, 3);
    const b = await learnBandit(2, 3);
    for (const [k, w] of a.policy.net.weights) expect(Buffer.from(w.data.buffer).equals(Buffer.from(b.policy.net.weights.get(k)!.data.buffer)), k).to.equal(true);
    for (const [k, w] of a.critic.net.weights) expect(Buffer.from(w.data.buffer).equals(Buffer.from(b.critic.net.weights.get(k)!.data.buffer)), k).to.equal(true);
  });

  it('saveState/loadState resumes bit for bit: learn twice = learn, save, load into a fresh learner, learn', async () => {
    const params = resolveParams({ name: 'ppo', params: PPO_PARAMS }, { agents: 64, brIterations: 2, minibatch: 64 });
    await expectPpoResumesBitForBit(new GameBoxEnv(bandit(), noFlow, 64), params);
  });

  it('per-epoch advantage normalisation: every epoch of every batch layout gets mean 0 and sd 1 over its B·N samples, each value (x - mean_t)/sd_t', () => {
    const B = 3;
    const H = 4;
    const N = 5;
    const rng = new Rng(11);
    // Epoch t's raw advantages have mean 10·t and scale 1 + t: the whole-rollout normalisation would leave them unequal.
    const raw = new Float64Array(B * H * N).map((_, j) => 10 * Math.floor((j % (H * N)) / N) + (1 + Math.floor((j % (H * N)) / N)) * rng.normal());
    const x = normalisePerEpochInPlace(raw.slice(), B, H, N);
    for (let t = 0; t < H; t++) {
      const rows: number[] = [];
      for (let b = 0; b < B; b++) for (let i = 0; i < N; i++) rows.push((b * H + t) * N + i);
      const mean = rows.reduce((s, j) => s + x[j]!, 0) / rows.length;
      const sd = Math.sqrt(rows.reduce((s, j) => s + (x[j]! - mean) ** 2, 0) / (rows.length - 1));
      expect(mean, `epoch ${t}`).to.be.closeTo(0, 1e-12);
      expect(sd, `epoch ${t}`).to.be.closeTo(1, 1e-7); // the 1e-8 guard in the divisor
      // Against the whole-rollout normalisation of that epoch's raw values alone: the same numbers.
      const alone = normaliseInPlace(Float64Array.from(rows, (j) => raw[j]!));
      rows.forEach((j, k) => expect(x[j]).to.be.closeTo(alone[k]!, 1e-12));
    }
    expect(() => normalisePerEpochInPlace(new Float64Array(7), B, H, N)).to.throw(RangeError);
  });

  it('advNorm, valueLambda and valueEpochs resume bit for bit; valueLambda = gaeLambda and valueEpochs = epochs are the default -1 exactly; the new params validate', async () => {
    const { env, resolve } = smallLq(2);
    await expectPpoResumesBitForBit(env, resolve({ advNorm: 1, valueLambda: 1, valueEpochs: 7 }));
    const weightsAfter = (extra: Record<string, number>): Promise<number[][]> => weightsAfterLearning(env, resolve(extra));
    const byDefault = await weightsAfter({});
    expect(await weightsAfter({ valueLambda: 0.8 })).to.deep.equal(byDefault);
    expect(await weightsAfter({ advNorm: 0, valueLambda: -1, valueEpochs: -1 })).to.deep.equal(byDefault);
    expect(await weightsAfter({ valueEpochs: 4 })).to.deep.equal(byDefault); // epochs is 4
    expect(await weightsAfter({ valueEpochs: 6 })).to.not.deep.equal(byDefault);
    expect(await weightsAfter({ advNorm: 1 })).to.not.deep.equal(byDefault);
    expect(await weightsAfter({ valueLambda: 0.5 })).to.not.deep.equal(byDefault);
    expect(resolve({})['advNorm']).to.equal(0);
    expect(resolve({})['valueLambda']).to.equal(-1);
    expect(resolve({})['valueEpochs']).to.equal(-1);
    for (const [k, v] of [['advNorm', 2], ['advNorm', 0.5], ['valueLambda', 1.5], ['valueLambda', -0.5], ['valueEpochs', 0], ['valueEpochs', 2.5], ['valueEpochs', -2]] as const) {
      expect(() => resolve({ [k]: v })).to.throw(MfgError).with.property('code', 'MFG_ERR_SOLVER_BAD_PARAM');
    }
  });
});

describe('learning: PPO critic warm-up (criticWarmup)', function () {
  this.timeout(120000);
  const { env, resolve } = smallLq(5);

  it('the first criticWarmup iterations of every best response step the critic only: policy steps = (brIterations - criticWarmup) x epochs x minibatches, critic steps all of them', async () => {
    for (const [warmup, valueEpochs] of [[0, -1], [3, -1], [2, 6]] as const) {
      const ppo = await PpoBestResponse.create(env, resolve({ criticWarmup: warmup, valueEpochs }), 4);
      let policySteps = 0;
      let criticSteps = 0;
      const pStep = ppo.policy.trainStep.bind(ppo.policy);
      const cStep = ppo.critic.trainStep.bind(ppo.critic);
      ppo.policy.trainStep = (...a) => (policySteps++, pStep(...a));
      ppo.critic.trainStep = (...a) => (criticSteps++, cStep(...a));
      const before = [...ppo.policy.net.weights.get('W0')!.data];
      for (const call of [0, 1]) {
        await ppo.learn(env, 10 + call, { episodeReturn: [], loss: [] });
        // 16 agents x H = 4 epochs = 64 rows per rollout, minibatch 32: 2 steps per pass.
        expect(policySteps, `warmup ${warmup}, call ${call}`).to.equal((call + 1) * (5 - warmup) * 4 * 2);
        expect(criticSteps, `warmup ${warmup}, call ${call}`).to.equal((call + 1) * 5 * (valueEpochs === -1 ? 4 : valueEpochs) * 2);
      }
      expect([...ppo.policy.net.weights.get('W0')!.data]).to.not.deep.equal(before);
    }
  });

  it('criticWarmup 0 is the default bit for bit; a warm-up changes the result; it must leave a policy iteration and be a non-negative integer', async () => {
    const weightsAfter = (extra: Record<string, number>): Promise<number[][]> => weightsAfterLearning(env, resolve(extra));
    const byDefault = await weightsAfter({ lrAnneal: 1 });
    expect(await weightsAfter({ lrAnneal: 1, criticWarmup: 0 })).to.deep.equal(byDefault);
    expect(await weightsAfter({ lrAnneal: 1, criticWarmup: 2 })).to.not.deep.equal(byDefault);
    expect(resolve({})['criticWarmup']).to.equal(0);
    for (const v of [-1, 0.5, null]) expect(() => resolve({ criticWarmup: v as number })).to.throw(MfgError).with.property('code', 'MFG_ERR_SOLVER_BAD_PARAM');
    const ppo = await PpoBestResponse.create(env, resolve({ criticWarmup: 5 }), 4);
    const e = await ppo.learn(env, 1, { episodeReturn: [], loss: [] }).then(() => null, (err: MfgError) => err);
    expect(e?.code).to.equal('MFG_ERR_SOLVER_BAD_PARAM');
  });
});

describe('learning: PPO per-epoch value baseline (valueBaseline)', function () {
  this.timeout(120000);
  const { env, resolve } = smallLq(3);

  it('b_t is the mean of epoch t\'s targets: with lambda = 1 (returns-to-go), b_0 is the rollout\'s mean episode return exactly', async () => {
    const ppo = await PpoBestResponse.create(env, resolve({ valueBaseline: 1, brIterations: 1, gaeLambda: 1 }), 4);
    expect([...ppo.valueBaseline]).to.deep.equal([0, 0, 0, 0]);
    const curves = { episodeReturn: [] as number[], loss: [] as number[] };
    await ppo.learn(env, 10, curves);
    expect(ppo.valueBaseline[0]).to.be.closeTo(curves.episodeReturn[0]!, 1e-12);
    // Returns-to-go shrink towards the end (every reward is a cost): b_0 < b_1 < b_2 < b_3 < 0.
    for (let t = 0; t < 3; t++) expect(ppo.valueBaseline[t]).to.be.below(ppo.valueBaseline[t + 1]!);
    expect(ppo.valueBaseline[3]).to.be.below(0);
  });

  it('valueBaseline 0 is the default bit for bit, 1 changes the result; 1 resumes bit for bit and refuses a state without its baseline', async () => {
    const weightsAfter = (extra: Record<string, number>): Promise<number[][]> => weightsAfterLearning(env, resolve(extra));
    const byDefault = await weightsAfter({});
    expect(await weightsAfter({ valueBaseline: 0 })).to.deep.equal(byDefault);
    expect(await weightsAfter({ valueBaseline: 1 })).to.not.deep.equal(byDefault);
    expect(resolve({})['valueBaseline']).to.equal(0);
    for (const v of [2, 0.5, -1]) expect(() => resolve({ valueBaseline: v })).to.throw(MfgError).with.property('code', 'MFG_ERR_SOLVER_BAD_PARAM');
    const params = resolve({ valueBaseline: 1, criticWarmup: 1, timeEncoding: 4 });
    const saved = await expectPpoResumesBitForBit(env, params);
    expect(saved.arrays['critic.epochBaseline']).to.have.length(4);
    const plain = await PpoBestResponse.create(env, resolve({ timeEncoding: 4 }), 1);
    const fresh = await PpoBestResponse.create(env, params, 1);
    const noBaseline = plain.saveState();
    const e = await Promise.resolve().then(() => fresh.loadState(noBaseline.meta, noBaseline.arrays)).then(() => null, (err: MfgError) => err);
    expect(e?.code).to.equal('MFG_ERR_LEARNING_BAD_CHECKPOINT');
  });
});

describe('learning: exact values of LinearQuadraticContinuous (discrete-time Riccati)', () => {
  it('the best response to the equilibrium flow is worth at least the closed-form control, and barely more (time discretisation)', () => {
    const cf = lqClosedFormValue();
    const br = lqBestResponse(new Float64Array(100)).bestResponse;
    expect(cf).to.be.closeTo(-4.0793, 1e-4);
    expect(br).to.be.at.least(cf);
    expect(br - cf).to.be.below(0.01 * Math.abs(cf));
    // The discretisation gap shrinks with dt (T = 10 fixed).
    const fine = { H: 1000, dt: 0.01 };
    expect(lqBestResponse(new Float64Array(1000), fine).bestResponse - lqClosedFormValue(fine)).to.be.below(0.1 * (br - cf));
  });

  it('both values agree with a simulation of their feedback controls (4 standard errors, 20,000 agents)', () => {
    const game = linearQuadraticContinuous();
    const flow = new GaussianPopulation(game.exactFlow!());
    const env = new GameBoxEnv(game, flow, 20000);
    const layout = new ContinuousInput(env);
    const { gain, offset, bestResponse } = lqBestResponse(new Float64Array(100));
    const riccati = evaluateActor(env, layout, (t, x, n, a) => {
      for (let i = 0; i < n; i++) a[i] = -(gain[t]! * x[i * 2]! + offset[t]!);
    }, 1, 3);
    expect(Math.abs(riccati.mean - bestResponse)).to.be.below(4 * riccati.standardError);
    const closed = game.referencePolicy!;
    const cf = evaluateActor(env, layout, (t, x, n, a) => {
      const xs = new Float64Array(n);
      for (let i = 0; i < n; i++) xs[i] = x[i * 2]!;
      a.set(closed(t, xs, n, flow.at(t)));
    }, 1, 3);
    expect(Math.abs(cf.mean - lqClosedFormValue())).to.be.below(4 * cf.standardError);
  });

  it("the stepped game's equilibrium variances: the Riccati feedback's own flow (simulated, 4 standard errors), a little off the closed form", () => {
    const v = lqDiscreteEquilibriumVariance();
    const cf = lqClosedForm(LQ_CONTINUOUS_DEFAULTS).variance;
    expect(v[0]).to.equal(1);
    // Mid-horizon the gain is constant (0.683), so v is near its fixed point sigma²dt / (1 - (1 - g dt)²).
    const { gain } = lqBestResponse(new Float64Array(100));
    expect(v[50]).to.be.closeTo(0.1 / (1 - (1 - 0.1 * gain[50]!) ** 2), 1e-3);
    const game = linearQuadraticContinuous();
    const sim = simulateContinuous(game, (t, x, n) => Float64Array.from({ length: n }, (_, i) => -gain[t]! * x[i]!), 20000, new Rng(7));
    for (const t of [10, 50, 99]) {
      const pts = sim.points[t]!;
      const m2 = pts.reduce((a, x) => a + x * x, 0) / pts.length;
      // The sample second moment's standard error is about v·sqrt(2/n).
      expect(Math.abs(m2 - v[t]!), `t = ${t}`).to.be.below(4 * v[t]! * Math.sqrt(2 / pts.length));
    }
    // The closed form uses the continuous-time gain (0.707), so its flow is narrower mid-horizon.
    let worst = 0;
    for (let t = 0; t < 100; t++) worst = Math.max(worst, Math.abs(Math.sqrt(v[t]!) - Math.sqrt(cf[t]!)));
    expect(worst).to.be.within(0.01, 0.02);
  });

  it('a flow whose mean moves shifts the best response by the offset term', () => {
    const means = Float64Array.from({ length: 100 }, (_, t) => 0.01 * t);
    const still = lqBestResponse(new Float64Array(100));
    const moving = lqBestResponse(means);
    expect(moving.bestResponse).to.be.below(still.bestResponse);
    expect([...moving.gain]).to.deep.equal([...still.gain]);
    expect(Math.max(...moving.offset.map(Math.abs))).to.be.above(0);
  });
});
