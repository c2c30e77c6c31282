import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MfgClient } from '../../clients/ts/index';

const CLI = path.resolve(__dirname, '../../src/cli/main.js');

function run(args: string[], env: NodeJS.ProcessEnv = process.env): { proc: ChildProcess; stdout: () => string; stderr: () => string; exit: Promise<number | null> } {
  const proc = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { proc, stdout: () => out, stderr: () => err, exit };
}

async function waitFor(pred: () => boolean, ms: number): Promise<void> {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('mfgym serve (the CLI process)', function () {
  this.timeout(30_000);

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`prints "listening <endpoint>", serves, and closes cleanly on ${signal}`, async () => {
      const p = run(['serve', '--bind', 'tcp://127.0.0.1:0', '--max-agents', '10']);
      await waitFor(() => /listening tcp:\/\/127\.0\.0\.1:\d+\n/.test(p.stdout()), 20_000);
      const endpoint = /listening (\S+)/.exec(p.stdout())![1]!;
      const c = MfgClient.connect(endpoint, { timeoutMs: 10_000 });
      const hello = await c.hello();
      expect(hello.limits.max_agents_per_env).to.equal(10);
      const env = await c.make('LeftRight-v0', { numAgents: 2 });
      expect(Array.from((await env.reset(0)).obs.data)).to.deep.equal([0, 0, 0, 0]);
      c.close();
      p.proc.kill(signal);
      expect(await p.exit).to.equal(0);
      expect(p.stderr()).to.contain(`${signal}, closing`).and.to.contain('closed');
      expect(p.stderr()).to.match(/made h[0-9a-f]{8}-[0-9a-f]{16}: LeftRight-v0 N=2/);
    });
  }

  it('bad flags exit 2 with one "mfgym: CODE: message" line', async () => {
    const p = run(['serve', '--max-agents', '0']);
    expect(await p.exit).to.equal(2);
    expect(p.stderr()).to.equal('mfgym: MFG_ERR_CLI_BAD_ARGUMENT: --max-agents must be a positive integer, got "0"\n');
    const q = run(['serve', '--bind', 'localhost:5555']);
    expect(await q.exit).to.equal(2);
    expect(q.stderr()).to.match(/^mfgym: MFG_ERR_CLI_BAD_ARGUMENT: --bind localhost:5555 is not a ZeroMQ endpoint/);
  });

  const glibc = process.platform === 'linux' && typeof (process.report.getReport() as { header: { glibcVersionRuntime?: string } }).header.glibcVersionRuntime === 'string';
  const noMalloc = (): NodeJS.ProcessEnv => {
    const env = { ...process.env };
    for (const k of ['MALLOC_MMAP_THRESHOLD_', 'GLIBC_TUNABLES']) delete env[k];
    return env;
  };

  (glibc ? it : it.skip)('on glibc it serves from a child with a fixed mmap threshold, which stops when the parent is killed', async () => {
    const p = run(['serve', '--bind', 'tcp://127.0.0.1:0'], noMalloc());
    await waitFor(() => /listening /.test(p.stdout()), 20_000);
    const child = Number(/serving from process (\d+) with GLIBC_TUNABLES=glibc\.malloc\.mmap_threshold=131072/.exec(p.stderr())![1]);
    expect(fs.readFileSync(`/proc/${child}/environ`, 'utf8').split('\0')).to.include('GLIBC_TUNABLES=glibc.malloc.mmap_threshold=131072');
    const c = MfgClient.connect(/listening (\S+)/.exec(p.stdout())![1]!, { timeoutMs: 10_000 });
    expect(await c.ping()).to.equal(true);
    c.close();
    p.proc.kill('SIGKILL'); // the relay dies without forwarding anything: the child must notice
    await p.exit;
    await waitFor(() => !fs.existsSync(`/proc/${child}`) || /State:\s+Z/.test(fs.readFileSync(`/proc/${child}/status`, 'utf8')), 10_000);
  });

  (glibc ? it : it.skip)("a user's own malloc setting is kept: no re-run", async () => {
    const p = run(['serve', '--bind', 'tcp://127.0.0.1:0'], { ...noMalloc(), MALLOC_MMAP_THRESHOLD_: '262144' });
    await waitFor(() => /listening /.test(p.stdout()), 20_000);
    expect(p.stderr()).to.not.contain('serving from process');
    p.proc.kill('SIGTERM');
    expect(await p.exit).to.equal(0);
  });
});
