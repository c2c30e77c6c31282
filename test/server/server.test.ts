import { expect } from 'chai';
import { MfgRemoteError, type MfgClient } from '../../clients/ts/index';
import { leftRight } from '../../envs/left-right';
import { ERROR_CODES } from '../../src/core/errors';
import { MfgVectorEnv } from '../../src/gym/vector-env';
import type { MfgServer } from '../../src/server/mfg-server';
import { noisyGrid } from '../gym/noisy-grid';
import { connect, replyErrors, startServer } from './server-harness';

async function expectRemote(p: Promise<unknown>, code: string): Promise<MfgRemoteError> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(MfgRemoteError);
    expect((e as MfgRemoteError).code).to.equal(code);
    expect(ERROR_CODES).to.have.property(code);
    return e as MfgRemoteError;
  }
  throw new Error(`expected ${code}`);
}

describe('server: round trips through the TypeScript client', function () {
  this.timeout(20_000);
  let server: MfgServer;
  let endpoint: string;
  let log: string[];
  let a: MfgClient;
  let b: MfgClient;

  before(async () => {
    ({ server, endpoint, log } = await startServer({ maxEnvsPerConnection: 4, maxAgentsPerEnv: 1000 }));
    a = connect(endpoint);
    b = connect(endpoint);
  });

  after(async () => {
    a.close();
    b.close();
    await server.close();
    await server.close(); // safe twice
  });

  it('hello, ping and list_envs answer replies that match their schemas', async () => {
    const h = await a.request('hello', { protocol: '2.0', client: 'test' });
    expect(replyErrors('hello', h)).to.equal(null);
    expect(h.result!.session).to.match(/^[0-9a-f]{32}$/);
    expect(a.session).to.equal(h.result!.session);
    expect({ ...h.result, session: 'x', limits: { ...h.result!.limits, max_env_bytes: 0, max_total_bytes: 0 } }).to.deep.equal({
      server: `mfgym/${require('../../../package.json').version}`,
      protocol: '2.0',
      session: 'x',
      limits: {
        max_message_bytes: 64 * 1024 * 1024,
        max_message_elements: 65536,
        max_message_depth: 32,
        max_agents_per_env: 1000,
        max_envs_per_connection: 4,
        max_envs_total: 1024,
        max_sessions: 4096,
        max_env_bytes: 0,
        max_total_bytes: 0,
        max_in_flight: 1024,
        make_deadline_s: 600,
        request_deadline_s: 120,
        idle_timeout_s: 600,
      },
    });
    const p = await a.request('ping');
    expect(replyErrors('ping', p)).to.equal(null);
    expect(p.result).to.deep.equal({ pong: true });
    const l = await a.request('list_envs');
    expect(replyErrors('list_envs', l)).to.equal(null);
    const ids = (l.result!.envs as { id: string }[]).map((e) => e.id);
    expect(ids).to.include.members(['LeftRight-v0', 'test/NoisyGrid-v0']);
    const lr = (l.result!.envs as Record<string, unknown>[]).find((e) => e.id === 'LeftRight-v0')!;
    expect(lr.kind).to.equal('finite');
    expect(lr.kwargs_schema).to.deep.equal({ type: 'object', properties: {}, additionalProperties: false });
  });

  it('a major version mismatch names both versions', async () => {
    // a 1.x client (no session tokens) is told both versions by its hello, and so is a 3.0 one
    const e = await expectRemote(a.call('hello', { protocol: '1.0' }), 'MFG_ERR_PROTOCOL_VERSION');
    expect(e.details).to.deep.equal({ client: '1.0', server: '2.1' });
    expect(e.message).to.contain('2.1').and.to.contain('1.0');
    const old = await a.requestAs('hello', { v: '1.0', protocol: '1.0' });
    expect(old.error!.details).to.deep.equal({ client: '1.0', server: '2.1' });
    await expectRemote(a.call('hello', { protocol: '3.0' }), 'MFG_ERR_PROTOCOL_VERSION');
  });

  it('make/reset/step over the wire reproduce the in-process env bit for bit', async () => {
    const N = 16;
    const raw = await a.request('make', { env_id: 'test/NoisyGrid-v0', num_agents: N });
    expect(replyErrors('make', raw)).to.equal(null);
    expect(raw.result).to.deep.include({
      observation_space: { type: 'MultiDiscrete', nvec: [3, 4, 6] },
      action_space: { type: 'Discrete', n: 3, start: 0 },
      num_agents: N,
      horizon: 5,
      env_id: 'test/NoisyGrid-v0',
      kwargs: {},
      mean_field: 'fixed',
      autoreset: 'next_step',
      population: 'exact',
    });
    const handle = raw.result!.handle as string;
    const local = new MfgVectorEnv(noisyGrid(), { numAgents: N });
    const rr = await a.request('reset', { handle, seed: 2024 });
    expect(replyErrors('reset', rr)).to.equal(null);
    const r = local.reset(2024);
    const remote = (await import('../../clients/ts/index')).decodeArrays(rr.result) as any;
    expect(Array.from(remote.obs.data)).to.deep.equal(Array.from(r.obs));
    expect(remote.obs.shape).to.deep.equal([N, 3]);
    expect(Array.from(remote.infos.action_mask.data)).to.deep.equal(Array.from(r.infos.actionMask));
    let mask = r.infos.actionMask;
    const { int64Array, decodeArrays } = await import('../../clients/ts/index');
    for (let k = 0; k < 12; k++) {
      const acts = Int32Array.from({ length: N }, (_, i) => {
        for (let j = 0; j < 3; j++) if (mask[i * 3 + ((i + k + j) % 3)]) return (i + k + j) % 3;
        return 0;
      });
      const sr = await a.request('step', { handle, actions: int64Array(acts) });
      expect(replyErrors('step', sr)).to.equal(null);
      const s = local.step(acts);
      const w = decodeArrays(sr.result) as any;
      expect(Array.from(w.obs.data)).to.deep.equal(Array.from(s.obs));
      expect(Array.from(w.rewards.data)).to.deep.equal(Array.from(s.rewards));
      expect(w.rewards.dtype).to.equal('<f8');
      expect(Array.from(w.terminated.data)).to.deep.equal(Array.from(s.terminated));
      expect(w.terminated.dtype).to.equal('|b1');
      expect(Array.from(w.infos.t.data)).to.deep.equal(Array.from(s.infos.t));
      mask = s.infos.actionMask;
    }
    const c = await a.request('close', { handle });
    expect(replyErrors('close', c)).to.equal(null);
  });

  it('same_step autoreset carries final_obs/_final_obs/final_info/_final_info on the wire', async () => {
    const env = await a.make('LeftRight-v0', { numAgents: 2, autoreset: 'same_step' });
    await env.reset(3);
    await env.step([0, 1]);
    const raw = await a.request('step', { handle: env.handle, actions: (await import('../../clients/ts/index')).int64Array([1, 1]) });
    expect(replyErrors('step', raw)).to.equal(null);
    const { decodeArrays } = await import('../../clients/ts/index');
    const s = decodeArrays(raw.result) as any;
    expect(Array.from(s.obs.data)).to.deep.equal([0, 0, 0, 0]);
    expect(Array.from(s.infos.final_obs.data)).to.deep.equal([1, 2, 2, 2]);
    expect(Array.from(s.infos._final_obs.data)).to.deep.equal([1, 1]);
    expect(Array.from(s.infos.final_info.t.data)).to.deep.equal([2, 2]);
    expect(Array.from(s.rewards.data)).to.deep.equal([-0.5, -1]);
    await env.close();
  });

  it('fictitious mode: population_update and population_report match the FP average by hand', async () => {
    const env = await a.make('LeftRight-v0', { numAgents: 4, meanField: 'fictitious' });
    await env.reset(0);
    await env.step([0, 0, 0, 1]);
    await env.step([0, 0, 1, 1]);
    const u = await a.request('population_update', { handle: env.handle });
    expect(replyErrors('population_update', u)).to.equal(null);
    expect(u.result).to.deep.equal({ iteration: 1, weight: 0.5, samples: 8, episodes: 4 });
    const rep = await a.request('population_report', { handle: env.handle });
    expect(replyErrors('population_report', rep)).to.equal(null);
    const r = await env.populationReport();
    expect(r).to.deep.include({ mean_field: 'fictitious', population: 'exact', iteration: 1, episodes: 0, samples: 0, horizon: 2, num_states: 3 });
    // mu_1 = 1/2 (0, 1/2, 1/2) + 1/2 (0, 3/4, 1/4)
    expect(Array.from(r.mu.data)).to.deep.equal([1, 0, 0, 0, 0.625, 0.375]);
    expect(r.mu.shape).to.deep.equal([2, 3]);
    await expectRemote(a.call('population_update', { handle: (await a.make('LeftRight-v0')).handle }), 'MFG_ERR_ENV_BAD_MODE');
    await env.close();
  });

  it('a policy given in make sets the fixed flow Gamma(pi)', async () => {
    const game = leftRight();
    const pi = new Float64Array(2 * 3 * 2).fill(0.5);
    pi[0] = 1; // everyone goes left at t = 0
    pi[1] = 0;
    const env = await a.make('LeftRight-v0', { numAgents: 1, policy: { data: pi, shape: [2, 3, 2] } });
    await env.reset(0);
    await env.step([1]);
    const s = await env.step([0]);
    // mu_1(right) = 0 under pi, so being right costs 0
    expect(s.rewards.data[0]).to.equal(0);
    expect(game.horizon).to.equal(2);
    await expectRemote(a.make('LeftRight-v0', { policy: { data: pi, shape: [2, 2, 3] } }), 'MFG_ERR_POLICY_BAD_SHAPE');
    await env.close();
  });

  it('population_features: obs become <f8 rows [state, t, features] and observation_space a Box', async () => {
    const raw = await a.request('make', { env_id: 'LeftRight-v0', num_agents: 2, options: { population_features: 'moments' } });
    expect(replyErrors('make', raw)).to.equal(null);
    expect(raw.result!.observation_space).to.deep.equal({ type: 'Box', shape: [4], dtype: 'float64', low: [0, 0, 0, 0], high: [2, 2, 2, 1] });
    const handle = raw.result!.handle as string;
    await a.call('reset', { handle, seed: 0 });
    const { int64Array, decodeArrays } = await import('../../clients/ts/index');
    const sr = await a.request('step', { handle, actions: int64Array([0, 1]) });
    expect(replyErrors('step', sr)).to.equal(null);
    const obs = (decodeArrays(sr.result) as any).obs;
    expect(obs.dtype).to.equal('<f8');
    expect(obs.shape).to.deep.equal([2, 4]);
    expect(Array.from(obs.data)).to.deep.equal([1, 1, 1.5, 0.5, 2, 1, 1.5, 0.5]);
    await a.call('close', { handle });
  });

  it('population "particles": rewards read a simulated population close to the exact flow', async () => {
    const env = await a.make('LeftRight-v0', { numAgents: 2, population: 'particles' });
    expect(env.info.population).to.equal('particles');
    await env.reset(0);
    await env.step([0, 1]);
    const s = await env.step([0, 0]);
    // exact: r(left) = -mu_1(left) = -1/2, r(right) = -2 mu_1(right) = -1; 10^4 simulated agents
    expect(s.rewards.data[0]).to.be.closeTo(-0.5, 0.03);
    expect(s.rewards.data[1]).to.be.closeTo(-1, 0.06);
    expect(s.rewards.data[0]).to.not.equal(-0.5);
    await env.close();
  });

  it('handles belong to their connection; close is idempotent; closed handles say so', async () => {
    const env = await a.make('LeftRight-v0', { numAgents: 2 });
    await expectRemote(b.call('reset', { handle: env.handle, seed: 0 }), 'MFG_ERR_SESSION_FORBIDDEN');
    await expectRemote(b.call('close', { handle: env.handle }), 'MFG_ERR_SESSION_FORBIDDEN');
    await expectRemote(a.call('step', { handle: env.handle, actions: (await import('../../clients/ts/index')).int64Array([0, 0]) }), 'MFG_ERR_ENV_NEEDS_RESET');
    await env.close();
    await env.close();
    await expectRemote(a.call('reset', { handle: env.handle }), 'MFG_ERR_SESSION_CLOSED');
    await expectRemote(a.call('reset', { handle: 'h999999' }), 'MFG_ERR_SESSION_UNKNOWN_HANDLE');
  });

  it('limits: agents per env and open envs per connection', async () => {
    const e1 = await expectRemote(a.make('LeftRight-v0', { numAgents: 1001 }), 'MFG_ERR_SESSION_LIMIT');
    expect(e1.details).to.deep.equal({ limit: 'max_agents_per_env', value: 1001, max: 1000 });
    const c = connect(endpoint);
    const envs = [];
    for (let i = 0; i < 4; i++) envs.push(await c.make('LeftRight-v0'));
    const e2 = await expectRemote(c.make('LeftRight-v0'), 'MFG_ERR_SESSION_LIMIT');
    expect(e2.details).to.deep.include({ limit: 'max_envs_per_connection', max: 4 });
    await envs[0]!.close();
    await (await c.make('LeftRight-v0')).close();
    c.close();
  });

  it('bad requests get typed errors naming the field, the agent or the seed', async () => {
    const env = await a.make('LeftRight-v0', { numAgents: 3 });
    await env.reset(1);
    const { int64Array, float64Array } = await import('../../clients/ts/index');
    const e1 = await expectRemote(a.call('step', { handle: env.handle, actions: int64Array([0, 5, 0]) }), 'MFG_ERR_ENV_BAD_ACTION');
    expect(e1.details).to.deep.include({ agent: 1, value: 5, reason: 'range' });
    const e2 = await expectRemote(a.call('step', { handle: env.handle, actions: float64Array([0, 0, NaN]) }), 'MFG_ERR_ENV_BAD_ACTION');
    expect(e2.details).to.deep.include({ agent: 2, reason: 'nan' });
    const e3 = await expectRemote(a.call('step', { handle: env.handle, actions: int64Array([0, 0]) }), 'MFG_ERR_ENV_BAD_ACTION');
    expect(e3.details).to.deep.equal({ reason: 'shape', expected: [3], got: [2] });
    const e4 = await expectRemote(a.call('step', { handle: env.handle }), 'MFG_ERR_PROTOCOL_INVALID_REQUEST');
    expect(e4.details.field).to.equal('actions');
    const e5 = await expectRemote(a.call('reset', { handle: env.handle, seed: 2 ** 53 }), 'MFG_ERR_SEED_INVALID');
    expect(e5.details.field).to.equal('seed');
    await expectRemote(a.call('reset', { handle: env.handle, seed: [1, 2] }), 'MFG_ERR_ENV_BAD_OPTION');
    const e6 = await expectRemote(a.call('make', { env_id: 'LeftRight-v0', num_agent: 3 }), 'MFG_ERR_PROTOCOL_INVALID_REQUEST');
    expect(e6.details.field).to.equal('num_agent');
    await expectRemote(a.call('make', { env_id: 'NoSuchGame-v0' }), 'MFG_ERR_REGISTRY_UNKNOWN_ENV');
    await expectRemote(a.call('make', { env_id: 'LeftRight-v0', kwargs: { size: 3 } }), 'MFG_ERR_REGISTRY_BAD_KWARGS');
    await expectRemote(a.call('teleport', {}), 'MFG_ERR_PROTOCOL_UNKNOWN_OP');
    // the env is still fine
    const s = await env.step([0, 1, 0]);
    expect(Array.from(s.obs.data)).to.deep.equal([1, 1, 2, 1, 1, 1]);
    await env.close();
  });

  it('an idle session expires: its envs close and its handles answer SESSION_CLOSED (reason idle)', async () => {
    const quick = await startServer({ idleTimeoutS: 0.2 });
    const c = connect(quick.endpoint);
    const env = await c.make('LeftRight-v0');
    await new Promise((r) => setTimeout(r, 600));
    const e = await expectRemote(c.call('reset', { handle: env.handle }), 'MFG_ERR_SESSION_CLOSED');
    expect(e.details).to.deep.equal({ handle: env.handle, reason: 'idle' });
    await env.close(); // idempotent on an expired handle too
    expect(quick.log.some((l) => l.includes('expired'))).to.equal(true);
    c.close();
    await quick.server.close();
  });

  it('logs one line per session event', () => {
    expect(log.some((l) => /session [0-9a-f]+\/[0-9a-f]{4} opened/.test(l))).to.equal(true);
    expect(log.some((l) => /made h[0-9a-f]{8}-[0-9a-f]{16}: LeftRight-v0 N=2/.test(l))).to.equal(true);
    expect(log.some((l) => /closed h[0-9a-f]{8}-[0-9a-f]{16}/.test(l))).to.equal(true);
    // the token itself never reaches the log
    expect(log.some((l) => l.includes(a.session!))).to.equal(false);
  });
});
