import { expect } from 'chai';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
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
  this.timeout(90_000);

  it('kill -9 on a client holding 5 envs: server RSS back within 10% of its start 5 s after', async () => {
    // As a user runs it: no malloc setting in its environment (spawnServe removes any).
    const serve = await spawnServe();
    if (process.platform === 'linux' && typeof (process.report.getReport() as { header: { glibcVersionRuntime?: string } }).header.glibcVersionRuntime === 'string') {
      // on glibc, serve re-runs itself with a fixed mmap threshold: the RSS read is the child's
      expect(serve.stderr()).to.match(/serving from process \d+ with GLIBC_TUNABLES=glibc\.malloc\.mmap_threshold=131072/);
      expect(serve.servingPid).to.not.equal(serve.proc.pid);
      expect(fs.readFileSync(`/proc/${serve.servingPid}/status`, 'utf8')).to.match(new RegExp(`PPid:\\s+${serve.proc.pid}\\n`));
    }
    const probe = MfgClient.connect(serve.endpoint, { timeoutMs: 20_000 });
    try {
      await probe.ping();
      /** A client process makes 5 big envs, is killed with SIGKILL; RSS while it held them and 5 s after. */
      const holdAndKill = async (): Promise<{ held: number; after: number; seconds: number }> => {
        const child = spawn(process.execPath, ['-e', holder(serve.endpoint, 5)], { stdio: ['ignore', 'pipe', 'inherit'] });
        await new Promise<void>((resolve, reject) => {
          child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
          child.on('exit', () => reject(new Error('the holder exited early')));
        });
        const held = serve.rss();
        child.kill('SIGKILL');
        const t0 = Date.now();
        await new Promise((r) => setTimeout(r, 5000));
        return { held, after: serve.rss(), seconds: (Date.now() - t0) / 1000 };
      };
      // Settle, as on any server that has served a while: the first such client loads code and
      // grows each worker's heap once (about 10 MB that are not its worlds), so the start is taken
      // after one full make-and-kill cycle; the second cycle is the one measured: what a killed
      // client leaves behind, and whether it accumulates.
      const first = await holdAndKill();
      const rss0 = serve.rss();
      const { held: rssHeld, after: rssAfter, seconds } = await holdAndKill();
      console.log(
        `      server RSS: first client ${(first.held / MB).toFixed(0)} MB held, ${(first.after / MB).toFixed(0)} MB after; ` +
          `then ${(rss0 / MB).toFixed(0)} MB at start, ${(rssHeld / MB).toFixed(0)} MB holding 5 envs, ${(rssAfter / MB).toFixed(0)} MB ${seconds.toFixed(1)} s after kill -9`,
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
