import { expect } from 'chai';
import * as os from 'node:os';
import { MfgClient } from '../../../clients/ts/index';
import { spawnServe, type ServeProcess } from './serve-process';

/** Pings every 5 ms on its own connection until `done` settles; returns the round-trip times (ms). */
async function pingWhile(c: MfgClient, done: Promise<unknown>): Promise<number[]> {
  let finished = false;
  void done.finally(() => (finished = true));
  const times: number[] = [];
  while (!finished) {
    const t0 = process.hrtime.bigint();
    await c.ping();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    await new Promise((r) => setTimeout(r, 5));
  }
  return times;
}

const quantile = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

describe('hostile clients (3 of the issue): one slow request does not stall the others', function () {
  this.timeout(120_000);
  let serve: ServeProcess;
  /** p99 of pings to the idle server, under whatever load the machine has now. */
  let idleP99 = 0;
  before(async () => {
    serve = await spawnServe();
    const c = MfgClient.connect(serve.endpoint, { timeoutMs: 60_000 });
    await c.ping();
    const times = await pingWhile(c, new Promise((r) => setTimeout(r, 2000)));
    idleP99 = quantile(times, 0.99);
    console.log(`      idle server: ${times.length} pings, p99 ${idleP99.toFixed(2)} ms (load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores)`);
    c.close();
  });
  after(async () => {
    await serve.stop();
  });

  for (const [what, env, options] of [
    ['a multi-second make (CrowdModelling2D size 900)', 'CrowdModelling2D-v0', { kwargs: { size: 900 } }],
    // BeachBar's fit now takes well under a second (plain-JS training of tiny models), too short to overlap
    // anything; a 32² grid's autoregressive fit still takes several seconds.
    ['a generative fit (CrowdModelling2D 32², H = 20, population "generative")', 'CrowdModelling2D-v0', { kwargs: { size: 32, H: 20 }, population: 'generative' }],
  ] as const) {
    it(`ping p99 under 20 ms while another connection runs ${what}`, async () => {
      const slow = MfgClient.connect(serve.endpoint, { timeoutMs: 60_000 });
      const fast = MfgClient.connect(serve.endpoint, { timeoutMs: 60_000 });
      const other = MfgClient.connect(serve.endpoint, { timeoutMs: 60_000 });
      try {
        await Promise.all([slow.hello(), fast.ping(), other.ping()]);
        const t0 = Date.now();
        const made = slow.make(env, options as never);
        // a third connection steps its own small env meanwhile (another worker, or after the make in the same one)
        const small = await other.make('LeftRight-v0', { numAgents: 4 });
        const times = await pingWhile(fast, made);
        const env2 = await made;
        const ms = Date.now() - t0;
        await small.reset(1);
        const p50 = quantile(times, 0.5);
        const p99 = quantile(times, 0.99);
        console.log(`      ${what}: ${ms} ms; ${times.length} pings meanwhile, p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms, max ${Math.max(...times).toFixed(1)} ms`);
        expect(ms).to.be.at.least(1500); // the overlap is real
        expect(times.length).to.be.at.least(50);
        // Before the worker pool no ping completed during the make (the max was its duration).
        // The acceptance bound, strict (figures printed above): the make or fit runs in a worker
        // 10 nice levels below the receive loop (relative, so a server started under `nice` keeps
        // the gap), so on 2 cores the loop gets the CPU when a ping arrives.
        expect(p99, `p99 ${p99.toFixed(1)} ms, idle p99 ${idleP99.toFixed(1)} ms, load average ${os.loadavg()[0]!.toFixed(1)}`).to.be.below(20);
        expect(Math.max(...times)).to.be.below(ms / 10);
        expect(env2.handle).to.match(/^h[0-9a-f]{8}-/);
        await env2.close();
      } finally {
        slow.close();
        fast.close();
        other.close();
      }
    });
  }
});
