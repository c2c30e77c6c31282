import { expect } from 'chai';
import { crowdAversionND } from '../../../envs/crowd-aversion-nd';
import { linearQuadraticContinuous, LQ_CONTINUOUS_DEFAULTS } from '../../../envs/linear-quadratic-continuous';
import { ContinuousParticles } from '../../../src/populations/continuous-particles';
import { ContinuousVectorEnv } from '../../../src/gym/continuous/continuous-vector-env';
import { columnMoments, expectError, lqControl, lqEpisode } from './helpers';

const H = 5;
const lq = linearQuadraticContinuous({ H });

function run(env: ContinuousVectorEnv, seed: number, steps: number, act: (k: number, N: number) => Float64Array): unknown[] {
  const out: unknown[] = [Array.from(env.reset(seed).obs)];
  for (let k = 0; k < steps; k++) {
    const s = env.step(act(k, env.numAgents));
    out.push([Array.from(s.obs), Array.from(s.rewards), Array.from(s.terminated), Array.from(s.infos.t)]);
  }
  return out;
}

const wave = (k: number, N: number): Float64Array => Float64Array.from({ length: N }, (_, i) => Math.sin(k + 3 * i) * 4);

describe('ContinuousVectorEnv: determinism, autoreset, errors, mean-field modes', () => {
  it('same seed and same actions: the same everything, bit for bit; agent i is the same whatever N (fixed mode)', () => {
    const a = run(new ContinuousVectorEnv(lq, { numAgents: 3, dtype: 'float64' }), 9, 12, wave);
    const b = run(new ContinuousVectorEnv(lq, { numAgents: 3, dtype: 'float64' }), 9, 12, wave);
    expect(a).to.deep.equal(b);
    const c = run(new ContinuousVectorEnv(lq, { numAgents: 3, dtype: 'float64' }), 10, 12, wave);
    expect(c).to.not.deep.equal(a);
    // Agent 0 of a 1-agent env seeded 9 is agent 0 of the 3-agent env seeded 9 (its own stream).
    const one = new ContinuousVectorEnv(lq, { numAgents: 1, dtype: 'float64' });
    const three = new ContinuousVectorEnv(lq, { numAgents: 3, dtype: 'float64' });
    const o1 = one.reset(9).obs;
    const o3 = three.reset(9).obs;
    expect([o1[0], o1[1]]).to.deep.equal([o3[0], o3[1]]);
    for (let k = 0; k < 7; k++) {
      const s1 = one.step(Float64Array.of(0.5));
      const s3 = three.step(Float64Array.of(0.5, -3, 2));
      expect([s1.obs[0], s1.obs[1], s1.rewards[0]]).to.deep.equal([s3.obs[0], s3.obs[1], s3.rewards[0]]);
    }
  });

  it('next_step autoreset: the step after the last is a reset (obs t = 0, reward 0, action ignored); same_step gives final_obs; disabled needs a reset', () => {
    const env = new ContinuousVectorEnv(lq, { numAgents: 2, dtype: 'float64' });
    env.reset(1);
    let s = env.step(new Float64Array(2));
    for (let k = 1; k < H; k++) s = env.step(new Float64Array(2));
    expect(Array.from(s.terminated)).to.deep.equal([1, 1]);
    expect(Array.from(s.infos.t)).to.deep.equal([H, H]);
    const after = env.step(Float64Array.of(NaN, NaN)); // ignored: both agents are being reset
    expect(Array.from(after.rewards)).to.deep.equal([0, 0]);
    expect(Array.from(after.terminated)).to.deep.equal([0, 0]);
    expect([after.obs[1], after.obs[3]]).to.deep.equal([0, 0]);

    const same = new ContinuousVectorEnv(lq, { numAgents: 2, autoreset: 'same_step', dtype: 'float64' });
    same.reset(1);
    let last = same.step(new Float64Array(2));
    let prev = last.obs;
    for (let k = 1; k < H; k++) {
      prev = last.obs;
      last = same.step(new Float64Array(2));
    }
    expect(Array.from(last.infos.finalObsMask!)).to.deep.equal([1, 1]);
    expect([last.infos.finalObs![0], last.infos.finalObs![1]]).to.deep.equal([prev[0], H]);
    expect(Array.from(last.infos.finalInfo!.t)).to.deep.equal([H, H]);
    expect([last.obs[1], last.obs[3]]).to.deep.equal([0, 0]);
    // The reset rows are where the streams lead: the next_step env's reset obs (same seeds, same actions).
    expect([last.obs[0], last.obs[2]]).to.deep.equal([after.obs[0], after.obs[2]]);

    const off = new ContinuousVectorEnv(lq, { numAgents: 2, autoreset: 'disabled' });
    off.reset(1);
    for (let k = 0; k < H; k++) off.step(new Float64Array(2));
    expectError(() => off.step(new Float64Array(2)), 'MFG_ERR_ENV_NEEDS_RESET');
    off.reset(null, { resetMask: [true, true] });
    expect(off.step(new Float64Array(2)).infos.t[0]).to.equal(1);
  });

  it('bad actions are typed errors: shape, NaN, out of the Box (and Infinity); clip mode clips', () => {
    const env = new ContinuousVectorEnv(lq, { numAgents: 2 });
    expectError(() => env.step(new Float64Array(2)), 'MFG_ERR_ENV_NEEDS_RESET');
    env.reset(0);
    const shape = expectError(() => env.step(new Float64Array(3)), 'MFG_ERR_ENV_BAD_ACTION');
    expect(shape.details).to.deep.equal({ reason: 'shape', expected: [2, 1], got: [3] });
    expect(expectError(() => env.step(Float64Array.of(0, NaN)), 'MFG_ERR_ENV_BAD_ACTION').details).to.deep.include({ agent: 1, reason: 'nan' });
    expect(expectError(() => env.step(Float64Array.of(10.5, 0)), 'MFG_ERR_ENV_BAD_ACTION').details).to.deep.include({ agent: 0, reason: 'range', value: 10.5, low: -10, high: 10 });
    expect(expectError(() => env.step(Float64Array.of(0, -Infinity)), 'MFG_ERR_ENV_BAD_ACTION').details).to.deep.include({ agent: 1, reason: 'range', value: '-Infinity' });
    expect(env.step(Float64Array.of(10, -10)).infos.t[0]).to.equal(1); // the bounds themselves are in the Box

    const clip = new ContinuousVectorEnv(lq, { numAgents: 2, outOfBounds: 'clip', dtype: 'float64' });
    const ref = new ContinuousVectorEnv(lq, { numAgents: 2, dtype: 'float64' });
    clip.reset(4);
    ref.reset(4);
    const c = clip.step(Float64Array.of(1e9, -Infinity));
    const r = ref.step(Float64Array.of(10, -10));
    expect(Array.from(c.obs)).to.deep.equal(Array.from(r.obs));
    expect(Array.from(c.rewards)).to.deep.equal(Array.from(r.rewards));
    expectError(() => clip.step(Float64Array.of(NaN, 0)), 'MFG_ERR_ENV_BAD_ACTION');
  });

  it('live: the agents are the population (LQ rewards read their own mean); the dynamics (K = 0) match the fixed env bit for bit', () => {
    const N = 50;
    const { q, kappa, dt } = LQ_CONTINUOUS_DEFAULTS;
    const live = new ContinuousVectorEnv(lq, { numAgents: N, meanField: 'live', dtype: 'float64' });
    const fixed = new ContinuousVectorEnv(lq, { numAgents: N, dtype: 'float64' });
    let lo = live.reset(3).obs;
    let fo = fixed.reset(3).obs;
    for (let k = 0; k < H - 1; k++) {
      const a = wave(k, N);
      let m = 0;
      for (let i = 0; i < N; i++) m += lo[2 * i]!;
      m /= N;
      const ls = live.step(a);
      const fs = fixed.step(a);
      for (let i = 0; i < N; i++) {
        const gap = m - lo[2 * i]!;
        expect(ls.rewards[i]).to.be.closeTo(-(a[i]! ** 2 / 2 - q * a[i]! * gap + (kappa / 2) * gap * gap) * dt, 1e-12);
      }
      expect(Array.from(ls.obs)).to.deep.equal(Array.from(fs.obs));
      lo = ls.obs;
      fo = fs.obs;
    }
    expect(fo).to.have.length(2 * N);
    const rep = live.report();
    expect(rep.flowKind).to.equal('agents');
    expect(rep.mean[0]).to.be.closeTo(columnMoments(live.reset(3).obs, N, 2).mean, 1e-12);
    expectError(() => live.updatePopulation(), 'MFG_ERR_ENV_BAD_MODE');
  });

  it('fictitious: update k mixes the visits with weight 1/(k+1) (round(w·M) particles by an even stride); counters; updateEvery refits by itself', () => {
    const N = 8;
    const M = 8;
    const env = new ContinuousVectorEnv(lq, { numAgents: N, meanField: 'fictitious', fictitiousParticles: M, dtype: 'float64' });
    const seen = lqEpisode(env, { H }, 7);
    env.step(lqControl({ H })(seen[H - 1]!, N)); // the last step: every episode ends
    expect(env.report()).to.deep.include({ iteration: 0, samples: N * H, episodes: N, flowKind: 'exact' });
    const u = env.updatePopulation();
    expect(u).to.deep.equal({ iteration: 1, weight: 0.5, samples: N * H, episodes: N });
    for (let t = 0; t < H; t++) {
      const field = env.currentPopulation.at(t) as ContinuousParticles;
      expect(field).to.be.instanceOf(ContinuousParticles);
      // The second half: the visits of agents 0, 2, 4, 6 at epoch t (stride N / round(M/2) = 2).
      expect(Array.from(field.points.subarray(4))).to.deep.equal([0, 2, 4, 6].map((i) => seen[t]![2 * i]));
    }
    expect(env.report()).to.deep.include({ iteration: 1, samples: 0, episodes: 0, flowKind: 'particles' });

    const auto = new ContinuousVectorEnv(lq, { numAgents: 2, meanField: 'fictitious', updateEvery: 1, fictitiousParticles: 16 });
    auto.reset(0);
    for (let k = 0; k < H; k++) auto.step(new Float64Array(2));
    expect(auto.report().iteration).to.equal(1);
    expectError(() => new ContinuousVectorEnv(lq, { updateEvery: -1 }), 'MFG_ERR_ENV_BAD_OPTION');
  });

  it('fictitious and live on CrowdAversionND read a KDE density; fixed reads the exact Gaussian density', () => {
    const game = crowdAversionND({ d: 2, H: 3 });
    for (const meanField of ['fixed', 'fictitious', 'live'] as const) {
      const env = new ContinuousVectorEnv(game, { numAgents: 6, meanField, updateEvery: 1, fictitiousParticles: 32 });
      env.reset(2);
      for (let k = 0; k < 8; k++) {
        const r = env.step(new Float64Array(12).fill(0.25)).rewards;
        expect(r.every((x) => Number.isFinite(x)), meanField).to.equal(true);
      }
    }
  });
});

describe('VisitBuffer: bounded fictitious visits', () => {
  it('keeps an evenly spaced subsequence of at most 2·cap visits (systematic thinning)', () => {
    const { VisitBuffer } = require('../../../src/gym/continuous/visit-buffer') as typeof import('../../../src/gym/continuous/visit-buffer');
    const b = new VisitBuffer(1, 8);
    for (let i = 0; i < 100; i++) b.push(Float64Array.of(i), 0);
    expect(b.count).to.equal(100);
    expect(Array.from(b.kept())).to.deep.equal(Array.from({ length: 13 }, (_, j) => 8 * j));
  });
});
