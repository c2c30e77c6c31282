import { expect } from 'chai';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { MfgClient } from '../../../clients/ts/index';
import { MB, spawnServe } from './serve-process';

const CLIENT = path.resolve(__dirname, '../../../clients/ts/index.js');

/** A client process that makes `count` big envs, prints "ready" and waits to be killed. */
const holder = (endpoint: string, count: number): string => `
const { MfgClient } = require(${JSON.stringify(CLIENT)});
(async () => {
  const c = MfgClient.connect(${JSON.stringify(endpoint)}, { timeoutMs: 60000 });
  for (let i = 0; i < ${count}; i++) await c.make('CrowdModelling2D-v0', { kwargs: { size: 100, H: 40 }, numAgents: 1000 });
  process.stdout.write('ready\\n');
  setInterval(() => {}, 1000);
})();`;

describe('hostile clients (5 of the issue): a killed client frees its worlds', function () {
  this.timeout(60_000);

  it('kill -9 on a client holding 5 envs: server RSS back within 10% of its start 5 s after', async () => {
    const serve = await spawnServe();
    const probe = MfgClient.connect(serve.endpoint, { timeoutMs: 20_000 });
    try {
      await probe.ping();
      // settle, as on any server that has served a while: the first envs of this kind load code and
      // grow each worker's heap once (a new env goes to the emptier of the two workers), a fixed
      // ~10 MB that is not the killed client's worlds; so one of them is made and closed in each
      await probe.ping();
      const warm = [await probe.make('CrowdModelling2D-v0', { kwargs: { size: 100, H: 40 }, numAgents: 1000 }), await probe.make('CrowdModelling2D-v0', { kwargs: { size: 100, H: 40 }, numAgents: 1000 })];
      for (const e of warm) await e.close();
      await new Promise((r) => setTimeout(r, 1000));
      const rss0 = serve.rss();
      const child = spawn(process.execPath, ['-e', holder(serve.endpoint, 5)], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
        child.on('exit', () => reject(new Error('the holder exited early')));
      });
      const rssHeld = serve.rss();
      child.kill('SIGKILL');
      const t0 = Date.now();
      await new Promise((r) => setTimeout(r, 5000));
      const rssAfter = serve.rss();
      console.log(
        `      server RSS: ${(rss0 / MB).toFixed(0)} MB at start, ${(rssHeld / MB).toFixed(0)} MB holding 5 envs, ` +
          `${(rssAfter / MB).toFixed(0)} MB ${((Date.now() - t0) / 1000).toFixed(1)} s after kill -9`,
      );
      expect(rssHeld - rss0, 'the envs must be big enough to see').to.be.greaterThan(100 * MB);
      // "back within 10%": not more than 10% above the start (it may end below it: the GC that
      // frees the envs also collects the workers' first-use garbage counted in the start)
      expect(rssAfter / rss0).to.be.below(1.1);
      expect(serve.stderr()).to.match(/closed: its connection dropped/);
      expect(await probe.ping()).to.equal(true);
    } finally {
      probe.close();
      await serve.stop();
    }
  });
});
