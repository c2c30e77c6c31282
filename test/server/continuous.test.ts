import { expect } from 'chai';
import { decodeArrays, float64Array, type MfgClient, type WireArray } from '../../clients/ts/index';
import { linearQuadraticContinuous, lqClosedForm } from '../../envs/linear-quadratic-continuous';
import { ContinuousVectorEnv } from '../../src/gym/continuous/continuous-vector-env';
import { estimateContinuousBytes } from '../../src/server/continuous-budget';
import type { MfgServer } from '../../src/server/mfg-server';
import { connect, replyErrors, startServer } from './server-harness';

/** A float32 wire array [rows, cols]. */
function float32Array(values: ArrayLike<number>, shape: number[]): WireArray {
  const f = Float32Array.from(values);
  return { dtype: '<f4', shape, data: new Uint8Array(f.buffer) } as WireArray;
}

describe('server: continuous games over protocol 2.1', function () {
  this.timeout(60_000);
  let server: MfgServer;
  let endpoint: string;
  let a: MfgClient;
  let old: MfgClient;

  before(async () => {
    ({ server, endpoint } = await startServer({ maxAgentsPerEnv: 100_000 }));
    a = connect(endpoint);
    old = connect(endpoint);
  });

  after(async () => {
    a.close();
    old.close();
    await server.close();
  });

  it('hello negotiates the lower minor: a 2.1 client gets 2.1, a 2.0 one keeps 2.0 and is told why it cannot make a continuous game', async () => {
    const h = await a.request('hello', { protocol: '2.1', client: 'test' });
    expect(replyErrors('hello', h)).to.equal(null);
    expect(h.result!.protocol).to.equal('2.1');
    const h0 = await old.request('hello', { protocol: '2.0', client: 'test-2.0' });
    expect(h0.result!.protocol).to.equal('2.0');
    const r = await old.request('make', { env_id: 'LinearQuadraticContinuous-v0', num_agents: 2 });
    expect(r.ok).to.equal(false);
    expect(r.error!.code).to.equal('MFG_ERR_GAME_UNSUPPORTED');
    expect(r.error!.details).to.deep.equal({ env_id: 'LinearQuadraticContinuous-v0', kind: 'continuous', needs_protocol: '2.1', session_protocol: '2.0' });
    expect(r.error!.message).to.contain('2.1').and.to.contain('2.0');
    const finite = await old.request('make', { env_id: 'LeftRight-v0', num_agents: 2 }); // a 2.0 client keeps working
    expect(finite.ok).to.equal(true);
  });

  it('make/reset/step of LQ reproduce the in-process env bit for bit: Box spaces with "inf" bounds, <f4 obs and rewards, actions <f4 [N, 1]', async () => {
    const N = 8;
    const H = 6;
    const m = await a.request('make', { env_id: 'LinearQuadraticContinuous-v0', kwargs: { H }, num_agents: N });
    expect(replyErrors('make', m)).to.equal(null);
    expect(m.result).to.deep.include({
      kind: 'continuous',
      observation_space: { type: 'Box', shape: [2], dtype: 'float32', low: ['-inf', 0], high: ['inf', H] },
      action_space: { type: 'Box', shape: [1], dtype: 'float32', low: [-10], high: [10] },
      num_agents: N,
      horizon: H,
      population: 'exact',
      state_dim: 1,
      action_dim: 1,
      dtype: 'float32',
    });
    const handle = m.result!.handle as string;
    const local = new ContinuousVectorEnv(linearQuadraticContinuous({ H }), { numAgents: N });
    const rr = await a.request('reset', { handle, seed: 99 });
    expect(replyErrors('reset', rr)).to.equal(null);
    const lr = local.reset(99);
    const w = decodeArrays(rr.result) as any;
    expect(w.obs.dtype).to.equal('<f4');
    expect(w.obs.shape).to.deep.equal([N, 2]);
    expect(Array.from(w.obs.data)).to.deep.equal(Array.from(lr.obs));
    expect(w.infos.action_mask).to.equal(undefined);
    for (let k = 0; k < H + 2; k++) {
      const acts = Array.from({ length: N }, (_, i) => Math.fround(Math.cos(i + k) * 3));
      const sr = await a.request('step', { handle, actions: float32Array(acts, [N, 1]) });
      expect(replyErrors('step', sr)).to.equal(null);
      const s = local.step(acts);
      const ws = decodeArrays(sr.result) as any;
      expect(ws.rewards.dtype).to.equal('<f4');
      expect(Array.from(ws.obs.data)).to.deep.equal(Array.from(s.obs));
      expect(Array.from(ws.rewards.data)).to.deep.equal(Array.from(s.rewards));
      expect(Array.from(ws.terminated.data)).to.deep.equal(Array.from(s.terminated));
      expect(Array.from(ws.infos.t.data)).to.deep.equal(Array.from(s.infos.t));
    }
    const rep = await a.request('population_report', { handle });
    expect(replyErrors('population_report', rep)).to.equal(null);
    const wr = decodeArrays(rep.result) as any;
    expect(wr.mean.shape).to.deep.equal([H, 1]);
    expect(Array.from(wr.variance.data)).to.deep.equal(Array.from(lqClosedForm({ H }).variance)); // the exact flow's own moments
  });

  it('bad actions are typed errors naming the reason: shape, dtype, NaN, out of the Box; the env carries on', async () => {
    const N = 3;
    const m = await a.call('make', { env_id: 'CrowdAversionND-v0', kwargs: { d: 2, H: 3 }, num_agents: N, population: 'particles', options: { dtype: 'float64', kde_points: 16, population_samples: 500 } });
    expect(m.observation_space).to.deep.include({ shape: [3], dtype: 'float64' });
    const handle = m.handle as string;
    await a.call('reset', { handle, seed: 0 });
    const bad = async (actions: WireArray): Promise<Record<string, unknown>> => {
      const r = await a.request('step', { handle, actions });
      expect(r.ok).to.equal(false);
      expect(r.error!.code).to.equal('MFG_ERR_ENV_BAD_ACTION');
      return r.error!.details as Record<string, unknown>;
    };
    expect(await bad(float64Array(new Float64Array(6), [6]))).to.deep.equal({ reason: 'shape', expected: [N, 2], got: [6] });
    expect(await bad({ dtype: '|b1', shape: [N, 2], data: new Uint8Array(6) } as WireArray)).to.deep.include({ reason: 'dtype' });
    expect(await bad(float64Array([0, 0, 0, NaN, 0, 0], [N, 2]))).to.deep.include({ reason: 'nan', agent: 1, component: 1 });
    expect(await bad(float64Array([0, 0, 0, 0, 1.5, 0], [N, 2]))).to.deep.include({ reason: 'range', agent: 2, component: 0, value: 1.5, low: -1, high: 1 });
    const ok = decodeArrays(await a.call('step', { handle, actions: float64Array([1, -1, 0, 0, 0.5, 0.5], [N, 2]) })) as any;
    expect(ok.rewards.dtype).to.equal('<f8');
    expect(Array.from(ok.infos.t.data)).to.deep.equal([1, 1, 1]);
  });

  it('fictitious: population_update averages the visits; live and particles make; same_step carries final_obs', async () => {
    const N = 4;
    const H = 3;
    const f = await a.call('make', { env_id: 'LinearQuadraticContinuous-v0', kwargs: { H }, num_agents: N, mean_field: 'fictitious', autoreset: 'same_step', options: { fictitious_particles: 64 } });
    await a.call('reset', { handle: f.handle, seed: 1 });
    let last: any;
    for (let k = 0; k < H; k++) last = decodeArrays(await a.call('step', { handle: f.handle, actions: float64Array(new Float64Array(N), [N, 1]) }));
    expect(Array.from(last.infos._final_obs.data)).to.deep.equal([1, 1, 1, 1]);
    expect(last.infos.final_obs.shape).to.deep.equal([N, 2]);
    expect(Array.from(last.infos.final_info.t.data)).to.deep.equal([H, H, H, H]);
    const u = await a.request('population_update', { handle: f.handle });
    expect(replyErrors('population_update', u)).to.equal(null);
    expect(u.result).to.deep.equal({ iteration: 1, weight: 0.5, samples: N * H, episodes: N });
    const rep = await a.call('population_report', { handle: f.handle });
    expect(rep).to.deep.include({ flow_kind: 'particles', iteration: 1, dim: 1 });
    const live = await a.call('make', { env_id: 'Flocking-v0', kwargs: { H: 3, neighbor_samples: 8 }, num_agents: 5, mean_field: 'live', population: 'particles', options: { population_samples: 50 } });
    expect(live.action_space).to.deep.include({ shape: [2], low: [-5, -5], high: [5, 5] });
    expect(live.observation_space).to.deep.include({ shape: [5] });
    await a.call('reset', { handle: live.handle, seed: 3 });
    const s = decodeArrays(await a.call('step', { handle: live.handle, actions: float64Array(new Float64Array(10).fill(1), [5, 2]) })) as any;
    expect(s.obs.shape).to.deep.equal([5, 5]);
  });

  it('fictitious over a generative population: population_update replies once the generator is refitted to the average, and says so', async () => {
    const N = 8;
    const H = 3;
    const settings = { steps: 50, maxRounds: 1, kernelTests: false, seed: 2, discriminator: { steps: 50 } };
    const f = await a.call('make', { env_id: 'LinearQuadraticContinuous-v0', kwargs: { H }, num_agents: N, mean_field: 'fictitious', population: 'generative', options: { fictitious_particles: 64, population_samples: 200, population_settings: settings } });
    await a.call('reset', { handle: f.handle, seed: 1 });
    for (let k = 0; k < H; k++) await a.call('step', { handle: f.handle, actions: float64Array(new Float64Array(N).fill(5), [N, 1]) });
    const u = await a.request('population_update', { handle: f.handle });
    expect(replyErrors('population_update', u)).to.equal(null);
    expect(u.result).to.deep.include({ iteration: 1, weight: 0.5, samples: N * H, episodes: N, refit_kind: 'generative' });
    expect(u.result!.refit_seconds).to.be.above(0);
    const rep = await a.call('population_report', { handle: f.handle });
    expect(rep).to.deep.include({ flow_kind: 'generative', iteration: 1 });
    const auto = await a.request('make', { env_id: 'LinearQuadraticContinuous-v0', kwargs: { H }, num_agents: N, mean_field: 'fictitious', population: 'generative', options: { update_every: 1, population_samples: 200, population_settings: settings } });
    expect(auto.error!.code).to.equal('MFG_ERR_ENV_BAD_OPTION');
    expect(auto.error!.details).to.deep.include({ option: 'update_every' });
  });

  it('the memory budget covers continuous envs: the estimate grows with N·d·H and population_samples, refused before anything is built', async () => {
    const small = estimateContinuousBytes({ stateDim: 10, actionDim: 10, horizon: 20 }, { numAgents: 1000, population: 'particles', populationSamples: 10_000 });
    const big = estimateContinuousBytes({ stateDim: 10, actionDim: 10, horizon: 20 }, { numAgents: 1000, population: 'particles', populationSamples: 100_000 });
    expect(big - small).to.equal(8 * 10 * 20 * 90_000); // the particles: 8 bytes x d x H per simulated agent
    const t0 = Date.now();
    const r = await a.request('make', { env_id: 'CrowdAversionND-v0', kwargs: { d: 10, H: 1000 }, num_agents: 10, population: 'particles', options: { population_samples: 10_000_000 } });
    expect(r.ok).to.equal(false);
    expect(r.error!.code).to.equal('MFG_ERR_SESSION_LIMIT');
    expect(r.error!.details).to.deep.include({ limit: 'max_env_bytes', state_dim: 10, horizon: 1000, population_samples: 10_000_000 });
    expect(Date.now() - t0).to.be.below(2000); // refused, not simulated
  });

  it('population_agents, 2.1\'s first name for population_samples, still means the same; the two disagreeing is a typed error', async () => {
    const fields = { env_id: 'CrowdAversionND-v0', kwargs: { d: 10, H: 1000 }, num_agents: 10, population: 'particles' };
    const alias = await a.request('make', { ...fields, options: { population_agents: 10_000_000 } });
    expect(alias.error!.code).to.equal('MFG_ERR_SESSION_LIMIT');
    expect(alias.error!.details).to.deep.include({ limit: 'max_env_bytes', population_samples: 10_000_000 });
    const both = await a.request('make', { ...fields, options: { population_samples: 500, population_agents: 600 } });
    expect(both.ok).to.equal(false);
    expect(both.error!.code).to.equal('MFG_ERR_ENV_BAD_OPTION');
    expect(both.error!.message).to.contain('population_agents (600)');
    const same = await a.call('make', { env_id: 'CrowdAversionND-v0', kwargs: { d: 2, H: 3 }, num_agents: 2, population: 'particles', options: { kde_points: 16, population_samples: 50, population_agents: 50 } });
    expect(same.handle).to.be.a('string');
  });

  it('the TypeScript client steps a continuous env: Box actions travel as <f8 [N, dA], infos without a mask, moments in the report', async () => {
    const env = await a.make('LinearQuadraticContinuous-v0', { kwargs: { H: 3 }, numAgents: 2, dtype: 'float64' });
    expect(env.actionSpace).to.deep.include({ type: 'Box', shape: [1], dtype: 'float64' });
    const local = new ContinuousVectorEnv(linearQuadraticContinuous({ H: 3 }), { numAgents: 2, dtype: 'float64' });
    const r = await env.reset(5);
    expect(Array.from(r.obs.data)).to.deep.equal(Array.from(local.reset(5).obs));
    expect(r.infos.action_mask).to.equal(undefined);
    const s = await env.step([0.5, -0.5]);
    const ls = local.step([0.5, -0.5]);
    expect(Array.from(s.obs.data)).to.deep.equal(Array.from(ls.obs));
    expect(Array.from(s.rewards.data)).to.deep.equal(Array.from(ls.rewards));
    const rep = await env.populationReport();
    expect(rep.mu).to.equal(undefined);
    expect(Array.from(rep.variance!.data)).to.deep.equal(Array.from(lqClosedForm({ H: 3 }).variance));
    await env.close();
  });
});
