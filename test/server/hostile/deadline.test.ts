import { expect } from 'chai';
import { MfgRemoteError } from '../../../clients/ts/index';
import { connect, startServer } from '../server-harness';

describe('hostile clients (3 of the issue): deadlines and long makes', function () {
  this.timeout(60_000);

  it('a make past make_deadline_s gets MFG_ERR_SESSION_DEADLINE; its worker is replaced and the server carries on', async () => {
    const { server, endpoint, log } = await startServer({ makeDeadlineS: 0.5 }, { workers: 1 });
    const a = connect(endpoint);
    const b = connect(endpoint);
    try {
      const before = await b.make('LeftRight-v0', { numAgents: 2 }); // lives in the only worker
      let err: MfgRemoteError | null = null;
      const t0 = Date.now();
      try {
        await a.make('CrowdModelling2D-v0', { kwargs: { size: 900 } }); // seconds of work, past 0.5 s
      } catch (e) {
        err = e as MfgRemoteError;
      }
      const ms = Date.now() - t0;
      expect(err?.code).to.equal('MFG_ERR_SESSION_DEADLINE');
      expect(err!.details).to.deep.equal({ op: 'make', deadline_s: 0.5 });
      expect(ms).to.be.below(2500);
      // the env that shared the stopped worker is closed, and says why
      const r = await b.request('reset', { handle: before.handle });
      expect(r.error!.code).to.equal('MFG_ERR_SESSION_CLOSED');
      expect(r.error!.details).to.deep.equal({ handle: before.handle, reason: 'worker' });
      expect(log.some((l) => /worker 0 replaced: a make ran past its 0.5 s deadline/.test(l))).to.equal(true);
      // the fresh worker serves new envs
      const after = await a.make('LeftRight-v0', { numAgents: 2 });
      expect(Array.from((await after.reset(0)).obs.data)).to.deep.equal([0, 0, 0, 0]);
      expect(server.sessions.envCount).to.equal(1);
    } finally {
      a.close();
      b.close();
      await server.close();
    }
  });

  it('the idle timer never expires a session whose make is running, and no handle escapes the limits', async () => {
    const { server, endpoint } = await startServer({ idleTimeoutS: 0.1, maxEnvsPerConnection: 1 });
    const c = connect(endpoint);
    try {
      const env = await c.make('CrowdModelling2D-v0', { kwargs: { size: 200, H: 20 } }); // well over 0.1 s
      const r = await env.reset(0);
      expect(r.obs.shape).to.deep.equal([1, 3]);
      const e = await c.request('make', { env_id: 'LeftRight-v0' });
      expect(e.error!.details).to.deep.include({ limit: 'max_envs_per_connection', max: 1 });
      expect(server.sessions.envCount).to.equal(1);
    } finally {
      c.close();
      await server.close();
    }
  });
});
