import { expect } from 'chai';
import { Dealer } from 'zeromq';
import { Packr, Unpackr } from 'msgpackr';
import { MfgClient, type Reply } from '../../../clients/ts/index';
import { connect, startServer } from '../server-harness';

const packr = new Packr({ useRecords: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: 'number' });

/** One request over a raw DEALER (any routing identity), and its reply. */
async function rawCall(sock: Dealer, msg: Record<string, unknown>): Promise<Reply> {
  await sock.send(packr.pack({ v: '2.0', ...msg }));
  for (;;) {
    const [frame] = await sock.receive();
    if (frame!.byteLength > 0) return unpackr.unpack(frame!) as Reply;
  }
}

describe('hostile clients (6): sessions a client cannot forge', function () {
  this.timeout(30_000);

  it('a forged routing identity, a stolen token or a guessed handle cannot touch another session', async () => {
    const { server, endpoint } = await startServer();
    const victim = MfgClient.connect(endpoint, { timeoutMs: 5000, routingId: 'victim-identity' });
    const thief = new Dealer({ linger: 0, receiveTimeout: 5000 });
    try {
      const env = await victim.make('LeftRight-v0', { numAgents: 2 });
      await env.reset(3);
      expect(env.handle).to.match(new RegExp(`^h${server.sessions.boot}-[0-9a-f]{16}$`));
      const token = victim.session!;
      expect(token).to.match(/^[0-9a-f]{32}$/);

      thief.connect(endpoint);
      // no token at all
      const r1 = await rawCall(thief, { id: 1, op: 'reset', handle: env.handle });
      expect(r1.error!.code).to.equal('MFG_ERR_SESSION_TOKEN');
      // the victim's token from another connection
      const r2 = await rawCall(thief, { id: 2, op: 'reset', session: token, handle: env.handle });
      expect(r2.error!.code).to.equal('MFG_ERR_SESSION_TOKEN');
      // its own session: the handle belongs to another one
      const hello = await rawCall(thief, { id: 3, op: 'hello', protocol: '2.0' });
      const own = hello.result!.session as string;
      expect(own).to.not.equal(token);
      const r3 = await rawCall(thief, { id: 4, op: 'close', session: own, handle: env.handle });
      expect(r3.error!.code).to.equal('MFG_ERR_SESSION_FORBIDDEN');
      // a guessed handle of the old h<n> form names nothing
      const r4 = await rawCall(thief, { id: 5, op: 'reset', session: own, handle: 'h1' });
      expect(r4.error!.code).to.equal('MFG_ERR_SESSION_UNKNOWN_HANDLE');
      thief.close();

      // The victim disconnects; a new socket takes its routing identity (the attack) and
      // replays its token: refused, and the env was freed with the connection anyway.
      victim.close();
      const deadline = Date.now() + 5000;
      while (server.sessions.envCount > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(server.sessions.envCount).to.equal(0);
      const forger = new Dealer({ linger: 0, receiveTimeout: 5000, routingId: 'victim-identity' });
      forger.connect(endpoint);
      const f1 = await rawCall(forger, { id: 1, op: 'reset', session: token, handle: env.handle });
      expect(f1.error!.code).to.equal('MFG_ERR_SESSION_CLOSED');
      expect(f1.error!.details).to.deep.equal({ handle: env.handle, reason: 'disconnected' });
      const fh = await rawCall(forger, { id: 2, op: 'hello', protocol: '2.0' });
      const f2 = await rawCall(forger, { id: 3, op: 'reset', session: fh.result!.session, handle: env.handle });
      expect(f2.error!.code).to.equal('MFG_ERR_SESSION_FORBIDDEN');
      forger.close();
    } finally {
      victim.close();
      thief.close();
      await server.close();
    }
  });

  it('handles carry a per-boot prefix: a handle from before a restart names nothing after it', async () => {
    const s1 = await startServer();
    const c1 = connect(s1.endpoint);
    const old = (await c1.make('LeftRight-v0')).handle;
    c1.close();
    await s1.server.close();
    const s2 = await startServer();
    const c2 = connect(s2.endpoint);
    try {
      const mine = (await c2.make('LeftRight-v0')).handle;
      expect(old.slice(0, 9)).to.not.equal(mine.slice(0, 9));
      const r = await c2.request('reset', { handle: old });
      expect(r.error!.code).to.equal('MFG_ERR_SESSION_UNKNOWN_HANDLE');
    } finally {
      c2.close();
      await s2.server.close();
    }
  });
});
