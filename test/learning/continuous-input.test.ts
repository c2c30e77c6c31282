import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { linearQuadraticContinuous } from '../../envs/linear-quadratic-continuous';
import { MfgError } from '../../src/core/errors';
import { Box } from '../../src/core/spaces/box';
import { ContinuousInput, playContinuousBatch, type BoxVectorEnv } from '../../src/learning/continuous-rollout';
import { PPO_PARAMS, PpoBestResponse, timeEncodingOf } from '../../src/learning/ppo';
import { runContinuousLearningSolver } from '../../src/learning/run-continuous-learning';
import { GaussianPopulation } from '../../src/populations/gaussian-population';
import { resolveParams } from '../../src/solvers/solver';
import { bandit, noFlow } from './bandit-game';
import { GameBoxEnv } from './game-box-env';
import { SMALL_AC_FP, SMALL_LQ, expectAcFpResumesBitForBit, expectPpoResumesBitForBit } from './ppo-resume';

/** An env shape only (fill never steps it): rows of `row` numbers whose first `state` are the state, horizon H. */
function shape(row: number, state: number, H: number): BoxVectorEnv {
  return {
    numAgents: 3,
    horizon: H,
    observationSpace: new Box(-Infinity, Infinity, [row]),
    stateDim: state,
    actionSpace: new Box(-1, 1, [1]),
    reset: () => ({ obs: [] }),
    step: () => ({ obs: [], rewards: [] }),
  };
}


async function caught(f: () => unknown): Promise<MfgError> {
  try {
    await f();
  } catch (e) {
    expect(e).to.be.instanceOf(MfgError);
    return e as MfgError;
  }
  throw new Error('expected a throw');
}

describe('learning: ContinuousInput epoch encodings', function () {
  this.timeout(120000);

  // Rows of 3 numbers (2 state coordinates, then the env's epoch, which the learners skip).
  const obs = Float64Array.of(0.5, -1.25, 7, 3, 0.1, 7, -2, 1e-9, 7);

  it('scalar (the default): each row is the state then t/H, exactly as before the option', () => {
    const layout = new ContinuousInput(shape(3, 2, 7));
    expect(layout.timeEncoding).to.equal('scalar');
    expect(layout.inputDim).to.equal(3);
    for (const t of [0, 4, 6]) {
      const states = new Float64Array(6);
      const out = layout.fill(obs, 3, t, new Float64Array(9), states);
      // Exact equality of doubles: the same arithmetic (t / H) as the layout had.
      expect([...out]).to.deep.equal([0.5, -1.25, t / 7, 3, 0.1, t / 7, -2, 1e-9, t / 7]);
      expect([...states]).to.deep.equal([0.5, -1.25, 3, 0.1, -2, 1e-9]);
    }
    expect(new ContinuousInput(shape(3, 2, 7), 'scalar').inputDim).to.equal(3);
  });

  it('one-hot: each row is the state then H inputs with a single 1 at index t, whatever the buffer held', () => {
    const H = 5;
    const layout = new ContinuousInput(shape(3, 2, H), 'one-hot');
    expect(layout.inputDim).to.equal(2 + H);
    for (let t = 0; t < H; t++) {
      const states = new Float64Array(6);
      const out = layout.fill(obs, 3, t, new Float64Array(3 * (2 + H)).fill(9), states);
      const state = [[0.5, -1.25], [3, 0.1], [-2, 1e-9]];
      for (let i = 0; i < 3; i++) {
        const hot = Array.from({ length: H }, (_, k) => (k === t ? 1 : 0));
        expect([...out.subarray(i * (2 + H), (i + 1) * (2 + H))]).to.deep.equal([...state[i]!, ...hot]);
      }
      expect([...states]).to.deep.equal([0.5, -1.25, 3, 0.1, -2, 1e-9]);
    }
    expect(() => layout.fill(obs, 3, H, new Float64Array(3 * (2 + H)), new Float64Array(6))).to.throw(MfgError);
  });

  it('scalar+one-hot: each row is the state, t/H, then the one-hot; the one-hot starts after t/H', () => {
    const H = 4;
    const layout = new ContinuousInput(shape(3, 2, H), 'scalar+one-hot');
    expect(layout.inputDim).to.equal(2 + 1 + H);
    expect(layout.oneHotStart).to.equal(3);
    expect(new ContinuousInput(shape(3, 2, H), 'one-hot').oneHotStart).to.equal(2);
    expect(new ContinuousInput(shape(3, 2, H)).oneHotStart).to.equal(3); // none: inputDim
    const out = layout.fill(obs, 3, 2, new Float64Array(3 * 7).fill(-1), new Float64Array(6));
    expect([...out]).to.deep.equal([0.5, -1.25, 2 / 4, 0, 0, 1, 0, 3, 0.1, 2 / 4, 0, 0, 1, 0, -2, 1e-9, 2 / 4, 0, 0, 1, 0]);
  });

  it('scalar+time-to-go: each row is the state, t/H, then exp(-(H-1-t)/tau) for tau = 2, 5, 15 (1 at the last epoch); no one-hot', () => {
    const H = 7;
    const layout = new ContinuousInput(shape(3, 2, H), 'scalar+time-to-go');
    expect(layout.inputDim).to.equal(2 + 1 + 3);
    expect(layout.oneHotStart).to.equal(layout.inputDim);
    for (const t of [0, 3, 6]) {
      const out = layout.fill(obs, 3, t, new Float64Array(3 * 6).fill(-1), new Float64Array(6));
      const f = [2, 5, 15].map((tau) => Math.exp(-(H - 1 - t) / tau));
      expect([...out]).to.deep.equal([0.5, -1.25, t / H, ...f, 3, 0.1, t / H, ...f, -2, 1e-9, t / H, ...f]);
      if (t === H - 1) expect(f).to.deep.equal([1, 1, 1]);
    }
    const params = resolveParams({ name: 'ppo', params: PPO_PARAMS }, { timeEncoding: 3 });
    expect(timeEncodingOf(params)).to.equal('scalar+time-to-go');
  });

  it('scalar+time-to-go+last: the time-to-go row, a one-hot of the last 5 epochs, then each state coordinate times those 8 time features (timeEncoding 4)', () => {
    const H = 7;
    const layout = new ContinuousInput(shape(3, 2, H), 'scalar+time-to-go+last');
    expect(layout.inputDim).to.equal(2 + 1 + 3 + 5 + 2 * 8);
    expect(layout.oneHotStart).to.equal(2 + 1 + 3);
    for (const t of [0, 1, 2, 5, 6]) {
      const out = layout.fill(obs, 3, t, new Float64Array(3 * 27).fill(-1), new Float64Array(6));
      const f = [...[2, 5, 15].map((tau) => Math.exp(-(H - 1 - t) / tau)), ...[0, 1, 2, 3, 4].map((k) => (H - 1 - t === k ? 1 : 0))];
      const row = (x0: number, x1: number) => [x0, x1, t / H, ...f, ...f.map((v) => x0 * v), ...f.map((v) => x1 * v)];
      expect([...out]).to.deep.equal([...row(0.5, -1.25), ...row(3, 0.1), ...row(-2, 1e-9)]);
    }
    const params = resolveParams({ name: 'ppo', params: PPO_PARAMS }, { timeEncoding: 4 });
    expect(timeEncodingOf(params)).to.equal('scalar+time-to-go+last');
  });

  it('scalar+time-to-go+final: the time-to-go row, a one-hot of the final epoch only, then each state coordinate times those 4 time features (timeEncoding 5)', () => {
    const H = 7;
    const layout = new ContinuousInput(shape(3, 2, H), 'scalar+time-to-go+final');
    expect(layout.inputDim).to.equal(2 + 1 + 3 + 1 + 2 * 4);
    expect(layout.oneHotStart).to.equal(2 + 1 + 3);
    for (const t of [0, 1, 5, 6]) {
      const out = layout.fill(obs, 3, t, new Float64Array(3 * 15).fill(-1), new Float64Array(6));
      const f = [...[2, 5, 15].map((tau) => Math.exp(-(H - 1 - t) / tau)), t === H - 1 ? 1 : 0];
      const row = (x0: number, x1: number) => [x0, x1, t / H, ...f, ...f.map((v) => x0 * v), ...f.map((v) => x1 * v)];
      expect([...out]).to.deep.equal([...row(0.5, -1.25), ...row(3, 0.1), ...row(-2, 1e-9)]);
    }
    const params = resolveParams({ name: 'ppo', params: PPO_PARAMS }, { timeEncoding: 5 });
    expect(timeEncodingOf(params)).to.equal('scalar+time-to-go+final');
  });

  it('PPO with the time-to-go features: its state records the encoding, resumes bit for bit, and a scalar learner refuses it', async () => {
    const game = linearQuadraticContinuous({ H: 4, dt: 0.5 });
    const env = new GameBoxEnv(game, new GaussianPopulation(game.exactFlow!()), 16);
    const params = resolveParams({ name: 'ppo', params: PPO_PARAMS }, { agents: 16, brIterations: 2, minibatch: 32, hidden: 8, timeEncoding: 3 });
    const saved = await expectPpoResumesBitForBit(env, params);
    expect(saved.meta['timeEncoding']).to.equal('scalar+time-to-go');
    const scalar = await PpoBestResponse.create(env, resolveParams({ name: 'ppo', params: PPO_PARAMS }, { hidden: 8 }), 1);
    const e = await caught(() => scalar.loadState(saved.meta, saved.arrays));
    expect(e.code).to.equal('MFG_ERR_LEARNING_BAD_CHECKPOINT');
  });

  it('timeEncoding takes 0, 1, 2, 3, 4 or 5 (default 0), anything else is a typed parameter error', () => {
    expect(resolveParams({ name: 'ppo', params: PPO_PARAMS }, {})['timeEncoding']).to.equal(0);
    for (const v of [0, 1, 2, 3, 4, 5]) expect(resolveParams({ name: 'ppo', params: PPO_PARAMS }, { timeEncoding: v })['timeEncoding']).to.equal(v);
    for (const v of [6, 0.5, -1, null]) {
      expect(() => resolveParams({ name: 'ppo', params: PPO_PARAMS }, { timeEncoding: v })).to.throw(MfgError).with.property('code', 'MFG_ERR_SOLVER_BAD_PARAM');
    }
  });

  it('PPO starts the one-hot inputs at zero weight (every epoch the same function at first), the state and t/H inputs drawn', async () => {
    const game = linearQuadraticContinuous({ H: 4, dt: 0.5 });
    const env = new GameBoxEnv(game, new GaussianPopulation(game.exactFlow!()), 8);
    const both = await PpoBestResponse.create(env, resolveParams({ name: 'ppo', params: PPO_PARAMS }, { timeEncoding: 2, hidden: 8 }), 3);
    for (const net of [both.policy.net, both.critic.net]) {
      const w0 = net.weights.get('W0')!.data;
      expect(w0.length).to.equal((1 + 1 + 4) * 8);
      expect([...w0.subarray(2 * 8)].every((v) => v === 0)).to.equal(true);
      expect([...w0.subarray(0, 2 * 8)].every((v) => v !== 0)).to.equal(true);
    }
    const mu = new Float64Array(4);
    both.policy.meanAction(Float64Array.from([0.3, 0, 1, 0, 0, 0, 0.3, 0, 0, 0, 0, 1].concat([0.3, 0, 0, 1, 0, 0, 0.3, 0, 0, 0, 1, 0])), 4, mu);
    expect(mu[1]).to.equal(mu[0]);
    expect(mu[2]).to.equal(mu[0]);
    expect(mu[3]).to.equal(mu[0]);
  });

  it('a rollout hands the learner one-hot inputs at every epoch of a real env (LQ, H = 4)', () => {
    const game = linearQuadraticContinuous({ H: 4, dt: 0.5 });
    const env = new GameBoxEnv(game, new GaussianPopulation(game.exactFlow!()), 6);
    const layout = new ContinuousInput(env, 'one-hot');
    const seen: number[] = [];
    playContinuousBatch(env, layout, (t, x, n, a) => {
      for (let i = 0; i < n; i++) {
        const row = [...x.subarray(i * 5 + 1, i * 5 + 5)];
        expect(row).to.deep.equal([0, 1, 2, 3].map((k) => (k === t ? 1 : 0)));
      }
      seen.push(t);
      a.fill(0);
    }, null, 1);
    expect(seen).to.deep.equal([0, 1, 2, 3]);
  });

  it('PPO with timeEncoding: networks H + obsDim wide; its state records the encoding, resumes bit for bit, and a scalar learner refuses it', async () => {
    const params = resolveParams({ name: 'ppo', params: PPO_PARAMS }, { agents: 64, brIterations: 2, minibatch: 64, timeEncoding: 1 });
    const game = linearQuadraticContinuous({ H: 4, dt: 0.5 });
    const env = new GameBoxEnv(game, new GaussianPopulation(game.exactFlow!()), 64);
    const straight = await PpoBestResponse.create(env, params, 4);
    expect(straight.layout.timeEncoding).to.equal('one-hot');
    expect(straight.policy.net.sizes[0]).to.equal(1 + 4); // x, then a one-hot of t
    expect(straight.critic.net.sizes[0]).to.equal(1 + 4);
    const saved = await expectPpoResumesBitForBit(env, params);
    expect(saved.meta['timeEncoding']).to.equal('one-hot');
    const scalar = await PpoBestResponse.create(env, { ...params, timeEncoding: 0 }, 4);
    const err = await caught(() => scalar.loadState(saved.meta, saved.arrays));
    expect(err.code).to.equal('MFG_ERR_LEARNING_BAD_CHECKPOINT');
    expect(err.message).to.include('one-hot');
  });

  it('PPO state: at H = 1 both encodings are one input wide, and the recorded encoding still refuses the swap; a state without it is scalar', async () => {
    const env = new GameBoxEnv(bandit(), noFlow, 16);
    const base = { agents: 16, brIterations: 1, minibatch: 16 };
    const hot = await PpoBestResponse.create(env, resolveParams({ name: 'ppo', params: PPO_PARAMS }, { ...base, timeEncoding: 1 }), 1);
    const flat = await PpoBestResponse.create(env, resolveParams({ name: 'ppo', params: PPO_PARAMS }, base), 1);
    expect(hot.layout.inputDim).to.equal(flat.layout.inputDim);
    const hotState = hot.saveState();
    expect((await caught(() => flat.loadState(hotState.meta, hotState.arrays))).code).to.equal('MFG_ERR_LEARNING_BAD_CHECKPOINT');
    const flatState = flat.saveState();
    expect(flatState.meta['timeEncoding']).to.equal('scalar');
    expect((await caught(() => hot.loadState(flatState.meta, flatState.arrays))).code).to.equal('MFG_ERR_LEARNING_BAD_CHECKPOINT');
    // A state written before the option (no timeEncoding) loads into a scalar learner, and only there.
    const { timeEncoding: _drop, ...old } = flatState.meta;
    flat.loadState(old, flatState.arrays);
    expect((await caught(() => hot.loadState(old, flatState.arrays))).code).to.equal('MFG_ERR_LEARNING_BAD_CHECKPOINT');
  });

  it('ac-fp checkpoints: a one-hot run resumes bit for bit; a scalar run refuses its checkpoint, by name; a checkpoint from before the option resumes as scalar', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfgym-onehot-'));
    try {
      const game = SMALL_LQ;
      const small = SMALL_AC_FP;
      const hot = { ...small, timeEncoding: 1 };
      const ckpt = path.join(dir, 'hot');
      const resumed = await expectAcFpResumesBitForBit(game, hot, ckpt);
      expect(resumed.run.layout.timeEncoding).to.equal('one-hot');
      const err = await caught(() => runContinuousLearningSolver(game, 'ac-fp', { iterations: 2, seed: 5, params: small, resumeFrom: ckpt }));
      expect(err.code).to.equal('MFG_ERR_LEARNING_BAD_CHECKPOINT');
      expect(err.details).to.include({ checkpointTimeEncoding: 'one-hot', runTimeEncoding: 'scalar' });

      // A scalar checkpoint rewritten as the version before the option wrote it: no timeEncoding, no timeEncoding.
      const flatFull = await runContinuousLearningSolver(game, 'ac-fp', { iterations: 2, seed: 5, params: small });
      const old = path.join(dir, 'old');
      await runContinuousLearningSolver(game, 'ac-fp', { iterations: 1, seed: 5, params: small, checkpointDir: old });
      const file = path.join(old, 'checkpoint.json');
      const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as { meta: { identity: { params: Record<string, unknown> }; learnerMeta: Record<string, unknown> } };
      expect(doc.meta.identity.params['timeEncoding']).to.equal(0);
      expect(doc.meta.learnerMeta['timeEncoding']).to.equal('scalar');
      // ... and without the params added after it (advNorm, valueLambda, valueEpochs, criticWarmup, valueBaseline, firstBrIterations): their defaults are the old behaviour.
      for (const k of ['timeEncoding', 'advNorm', 'valueLambda', 'valueEpochs', 'criticWarmup', 'valueBaseline', 'firstBrIterations']) delete doc.meta.identity.params[k];
      delete doc.meta.learnerMeta['timeEncoding'];
      fs.writeFileSync(file, JSON.stringify(doc));
      const oldResumed = await runContinuousLearningSolver(game, 'ac-fp', { iterations: 2, seed: 5, params: small, resumeFrom: old });
      expect(oldResumed.exploitability).to.deep.equal(flatFull.exploitability);
      expect(oldResumed.curves).to.deep.equal(flatFull.curves);
      const refused = await caught(() => runContinuousLearningSolver(game, 'ac-fp', { iterations: 2, seed: 5, params: hot, resumeFrom: old }));
      expect(refused.details).to.include({ checkpointTimeEncoding: 'scalar', runTimeEncoding: 'one-hot' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ac-fp checkpoints with the critic and advantage options (and the time-to-go features) resume bit for bit; a run with other values refuses them', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfgym-critic-'));
    try {
      const game = SMALL_LQ;
      const params = { agents: 32, brIterations: 3, minibatch: 96, poolSize: 64, evalBatches: 1, advNorm: 1, valueEpochs: 6, valueLambda: 0.95, timeEncoding: 4, criticWarmup: 1, valueBaseline: 1 };
      const ckpt = path.join(dir, 'run');
      const resumed = await expectAcFpResumesBitForBit(game, params, ckpt);
      expect(resumed.run.layout.timeEncoding).to.equal('scalar+time-to-go+last');
      const err = await caught(() => runContinuousLearningSolver(game, 'ac-fp', { iterations: 2, seed: 5, params: { ...params, valueEpochs: -1 }, resumeFrom: ckpt }));
      expect(err.code).to.equal('MFG_ERR_LEARNING_BAD_CHECKPOINT');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
