import { expect } from 'chai';
import { Dealer } from 'zeromq';
import { Packr, Unpackr } from 'msgpackr';
import { MfgClient, MfgTimeoutError, type Reply } from '../../../clients/ts/index';
import { startServer } from '../server-harness';

const packr = new Packr({ useRecords: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: 'number' });

describe('hostile clients (4, 5): every reply reaches the request it answers', function () {
  this.timeout(60_000);

  it('(7 of the issue) the TS client matches by id: after a timeout, later replies are not off by one', async () => {
    const { server, endpoint } = await startServer();
    const c = MfgClient.connect(endpoint, { timeoutMs: 30 });
    try {
      await c.hello();
      // a make that takes far longer than 30 ms times out on the client...
      let timedOut = false;
      try {
        await c.make('CrowdModelling2D-v0', { kwargs: { size: 150, H: 20 } });
      } catch (e) {
        timedOut = e instanceof MfgTimeoutError;
      }
      expect(timedOut).to.equal(true);
      // ...and its late reply is dropped: the next requests get their own replies
      (c as unknown as { timeoutMs: number }).timeoutMs = 20_000;
      const envs = await c.listEnvs();
      expect(envs.map((e) => e.id)).to.include('LeftRight-v0');
      const [p1, p2, p3] = await Promise.all([c.ping(), c.request('teleport'), c.ping()]);
      expect([p1, p2.error!.code, p3]).to.deep.equal([true, 'MFG_ERR_PROTOCOL_UNKNOWN_OP', true]);
    } finally {
      c.close();
      await server.close();
    }
  });

  it('20,000 pipelined requests sent without reading: each gets its reply or a busy error, none is lost', async () => {
    const maxInFlight = 256;
    const { server, endpoint } = await startServer({ maxInFlight });
    const sock = new Dealer({ linger: 0, receiveTimeout: 20_000 });
    sock.connect(endpoint);
    try {
      await sock.send(packr.pack({ v: '2.0', id: 0, op: 'hello', protocol: '2.0' }));
      const hello = unpackr.unpack((await sock.receive())[0]!) as Reply;
      const session = hello.result!.session as string;
      expect(hello.result!.limits.max_in_flight).to.equal(maxInFlight);
      const n = 20_000;
      for (let id = 1; id <= n; id++) await sock.send(packr.pack({ v: '2.0', id, op: 'ping', session }));
      // nothing read yet: let the server answer into full pipes
      await new Promise((r) => setTimeout(r, 500));
      const seen = new Map<number, string>();
      let retryHint = 0;
      while (seen.size < n) {
        const [frame] = await sock.receive();
        if (frame!.byteLength === 0) continue; // liveness probe
        const r = unpackr.unpack(frame!) as Reply;
        expect(seen.has(r.id!), `reply ${r.id} twice`).to.equal(false);
        seen.set(r.id!, r.ok ? 'ok' : r.error!.code);
        if (!r.ok) retryHint = r.error!.details.retry_after_ms as number;
      }
      const counts: Record<string, number> = {};
      for (const v of seen.values()) counts[v] = (counts[v] ?? 0) + 1;
      console.log(`      ${n} pipelined pings: ${JSON.stringify(counts)}`);
      expect(Object.keys(counts).sort()).to.deep.equal(['MFG_ERR_SESSION_BUSY', 'ok'].filter((k) => k in counts).sort());
      expect((counts.ok ?? 0) + (counts.MFG_ERR_SESSION_BUSY ?? 0)).to.equal(n);
      expect(counts.ok).to.be.at.least(maxInFlight);
      if (counts.MFG_ERR_SESSION_BUSY) expect(retryHint).to.be.greaterThan(0);
      for (let id = 1; id <= n; id++) expect(seen.has(id), `no reply to ${id}`).to.equal(true);
      // and the connection still works afterwards
      await sock.send(packr.pack({ v: '2.0', id: n + 1, op: 'ping', session }));
      let last: Reply;
      do {
        const [f] = await sock.receive();
        last = f!.byteLength ? (unpackr.unpack(f!) as Reply) : ({} as Reply);
      } while (last.id !== n + 1);
      expect(last.ok).to.equal(true);
    } finally {
      sock.close();
      await server.close();
    }
  });
});
