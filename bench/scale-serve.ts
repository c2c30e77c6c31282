/**
 * bench/scale, socket part (issue 7 item 6): `make` of CrowdModelling2D {size: 1024, H: 200}
 * with the generative population and 65,536 agents over the socket, then 100 steps, against a
 * server in its own process. Printed: the make's wall time (the generator's fit included), the
 * server's peak RSS (VmHWM of its process: main thread and worker threads), agent-steps/s over
 * the 100 step round trips (and per server CPU-second, what a step costs when the machine is
 * shared), and another connection's ping latency while the make runs (p50, p99, max).
 *
 *   npm run bench:scale -- --socket [--size 1024 --H 200 --agents 65536 --steps 100
 *     --population generative --samples 10000 --settings '{"steps":100,...}' --make-deadline 1800]
 *
 * The server is started by this script (not `mfgym serve`) only to raise make_deadline_s: a fit
 * at 1024², H = 200 may take longer than the default 600 s on a shared machine.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MfgClient } from '../clients/ts/index';
import { Rng } from '../src/core/rng';
import { declaredCost, estimateMake } from '../src/server/env-budget';
import { registerBuiltinEnvs } from '../envs/index';

/** The fit budget a make at 1024², H = 200 uses by default: one round, no kernel tests (see the notes). */
export const DEFAULT_SOCKET_SETTINGS = { steps: 100, maxRounds: 1, kernelTests: false, discriminator: { steps: 100 } };

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
}

const MB = 2 ** 20;

/** VmHWM (peak RSS) and VmRSS of a process, bytes; its user+system CPU seconds. */
function procStatus(pid: number): { peak: number; rss: number } {
  const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string): number => Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(s)?.[1] ?? NaN) * 1024;
  return { peak: kb('VmHWM'), rss: kb('VmRSS') };
}
function cpuSeconds(pid: number): number {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (100 Hz on Linux)
}

function quantile(xs: number[], q: number): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

/** A server in a child process with the given make deadline; resolves to its endpoint and pid. */
async function startServer(makeDeadlineS: number): Promise<{ endpoint: string; pid: number; stop(): Promise<void> }> {
  const dist = path.resolve(__dirname, '..');
  const script = `
    const { MfgServer } = require(${JSON.stringify(path.join(dist, 'src/server/mfg-server'))});
    const server = new MfgServer({ bind: 'tcp://127.0.0.1:0', limits: { makeDeadlineS: ${makeDeadlineS}, requestDeadlineS: 600 }, log: () => {} });
    server.start().then((e) => process.stdout.write('listening ' + e + '\\n'));
    process.once('SIGTERM', () => server.close().then(() => process.exit(0)));`;
  const proc = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, MALLOC_MMAP_THRESHOLD_: '131072' } });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const t0 = Date.now();
  while (!/listening (\S+)\n/.test(out)) {
    if (proc.exitCode !== null || Date.now() - t0 > 30_000) throw new Error('the bench server did not start');
    await new Promise((r) => setTimeout(r, 20));
  }
  const exit = new Promise<void>((r) => proc.on('exit', () => r()));
  return {
    endpoint: /listening (\S+)\n/.exec(out)![1]!,
    pid: proc.pid!,
    stop: async () => {
      proc.kill('SIGTERM');
      await exit;
    },
  };
}

/** Sequential pings until `done` settles: their latencies, ms. */
async function pingWhile(c: MfgClient, done: Promise<unknown>): Promise<number[]> {
  let finished = false;
  void done.then(
    () => (finished = true),
    () => (finished = true),
  );
  const times: number[] = [];
  while (!finished) {
    const t0 = performance.now();
    await c.ping();
    times.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 2));
  }
  return times;
}

export async function socketBench(): Promise<void> {
  const size = Number(flag('size', '1024'));
  const H = Number(flag('H', '200'));
  const N = Number(flag('agents', '65536'));
  const steps = Number(flag('steps', '100'));
  const population = flag('population', 'generative') as 'generative' | 'particles';
  const samples = Number(flag('samples', '10000'));
  const settings = JSON.parse(flag('settings', JSON.stringify(DEFAULT_SOCKET_SETTINGS))) as Record<string, unknown>;
  const makeDeadlineS = Number(flag('make-deadline', '1800'));
  const kwargs = { size, H };
  registerBuiltinEnvs();
  const estimate = estimateMake(declaredCost('CrowdModelling2D-v0', kwargs)!, {
    numAgents: N,
    population,
    meanField: 'fixed',
    policyGiven: false,
    samples,
    hidden: settings.hidden as number | undefined,
    embedding: settings.embedding as number | undefined,
    batchSize: settings.batchSize as number | undefined,
  });
  const load = () => os.loadavg().map((x) => x.toFixed(1)).join(' ');
  console.log(`bench/scale --socket: CrowdModelling2D ${size}², H = ${H}, ${N} agents, ${steps} steps, population ${population} (${samples} simulated agents, settings ${JSON.stringify(settings)}); load average ${load()} on ${os.cpus().length} cores`);
  console.log(`server's estimate: ${estimate.figure}`);

  const server = await startServer(makeDeadlineS);
  const a = MfgClient.connect(server.endpoint, { timeoutMs: makeDeadlineS * 1000 + 60_000, clientName: 'bench-scale-socket' });
  const b = MfgClient.connect(server.endpoint, { timeoutMs: 30_000, clientName: 'bench-scale-ping' });
  try {
    await Promise.all([a.hello(), b.hello()]);
    const idle = await pingWhile(b, new Promise((r) => setTimeout(r, 1000)));
    const before = procStatus(server.pid);
    console.log(`server idle: RSS ${(before.rss / MB).toFixed(0)} MiB; ping p50 ${quantile(idle, 0.5).toFixed(2)} ms, p99 ${quantile(idle, 0.99).toFixed(2)} ms (${idle.length} pings)`);

    let peakDuringMake = before.rss;
    const sampler = setInterval(() => (peakDuringMake = Math.max(peakDuringMake, procStatus(server.pid).rss)), 200);
    const t0 = performance.now();
    const made = a.make('CrowdModelling2D-v0', { kwargs, numAgents: N, population, populationSamples: samples, populationSettings: settings });
    const pings = await pingWhile(b, made);
    const env = await made;
    const makeSeconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    console.log(`make: ${makeSeconds.toFixed(1)} s (load average ${load()}); server RSS peak during it ${(peakDuringMake / MB).toFixed(0)} MiB`);
    console.log(`ping on another connection during the make: ${pings.length} pings, p50 ${quantile(pings, 0.5).toFixed(2)} ms, p99 ${quantile(pings, 0.99).toFixed(2)} ms, max ${Math.max(...pings).toFixed(1)} ms`);

    const r = await env.reset(0);
    const A = 5;
    const rng = new Rng(3);
    const actions = new Int32Array(N);
    // A finite game's infos always carry the mask (only continuous games have none).
    let mask = r.infos.action_mask!.data as Uint8Array;
    let stepSeconds = 0;
    let rewardSum = 0;
    const cpu0 = cpuSeconds(server.pid);
    for (let k = 0; k < steps; k++) {
      for (let i = 0; i < N; i++) {
        let x = rng.int(A);
        while (!mask[i * A + x]) x = (x + 1) % A;
        actions[i] = x;
      }
      const s0 = performance.now();
      const out = await env.step(actions);
      stepSeconds += (performance.now() - s0) / 1000;
      mask = out.infos.action_mask!.data as Uint8Array;
      const rw = out.rewards.data as Float64Array;
      for (let i = 0; i < N; i++) rewardSum += rw[i]!;
    }
    const serverCpu = cpuSeconds(server.pid) - cpu0;
    const agentSteps = steps * N;
    const after = procStatus(server.pid);
    console.log(
      `stepped: ${agentSteps} agent-steps in ${stepSeconds.toFixed(2)} s of step round trips = ${(agentSteps / stepSeconds / 1e6).toFixed(2)} M agent-steps/s ` +
        `(${((stepSeconds / steps) * 1000).toFixed(1)} ms a step; mean reward ${(rewardSum / agentSteps).toFixed(3)})`,
    );
    console.log(`  server CPU during the steps: ${serverCpu.toFixed(2)} s = ${(agentSteps / serverCpu / 1e6).toFixed(2)} M agent-steps per server CPU-second`);
    console.log(`server peak RSS (VmHWM): ${(after.peak / MB).toFixed(0)} MiB (idle ${(before.rss / MB).toFixed(0)} MiB; estimate of the env ${(estimate.bytes / MB).toFixed(0)} MiB; tables would be ${((8 * H * size * size * 5) / MB).toFixed(0)} MiB of rewards alone); load average ${load()}`);
    await env.close();
  } finally {
    a.close();
    b.close();
    await server.stop();
  }
}

if (require.main === module) {
  socketBench().catch((e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  });
}
