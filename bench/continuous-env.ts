/**
 * bench/continuous-env: continuous games in the gym env, in process and over the socket.
 * 1. LQ over the socket (an MfgServer on loopback, the TypeScript client, protocol 2.1): N agents
 *    under the closed-form control a = (q + eta_t)(m_0 - x); each epoch's mean and variance of the
 *    agents against the closed form, in standard errors, and a figure (histograms at four epochs,
 *    the variance per epoch) in bench/results/continuous-lq.svg. Round trips per second as well.
 * 2. In-process agent-steps per second (wall and per CPU-second) of each continuous game.
 *
 *   npm run bench:continuous [-- --agents 4096 --seed 2026 --out bench/results/continuous-lq.svg]
 */
import { writeFileSync } from 'node:fs';
import { MfgClient, decodeArrays, float64Array } from '../clients/ts/index';
import { registerBuiltinEnvs } from '../envs/index';
import { lqClosedForm } from '../envs/linear-quadratic-continuous';
import { distributionPlotSvg } from '../src/cli/distribution-plot';
import { makeEnv } from '../src/gym/make-env';
import { MfgServer } from '../src/server/mfg-server';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
}

async function lqOverTheSocket(N: number, seed: number, out: string): Promise<void> {
  const server = new MfgServer({ bind: 'tcp://127.0.0.1:0', log: () => {} });
  const endpoint = await server.start();
  const client = MfgClient.connect(endpoint, { timeoutMs: 60_000, clientName: 'bench-continuous' });
  try {
    const H = 100;
    const exact = lqClosedForm({});
    const env = await client.make('LinearQuadraticContinuous-v0', { numAgents: N });
    let obs = decodeArrays((await env.reset(seed)).obs) as { data: Float32Array };
    const xs: Float64Array[] = [];
    let zMean = 0;
    let zVar = 0;
    const t0 = process.hrtime.bigint();
    for (let k = 0; k < H; k++) {
      const x = Float64Array.from({ length: N }, (_, i) => obs.data[2 * i]!);
      xs.push(x);
      const m = x.reduce((a, b) => a + b, 0) / N;
      const v = x.reduce((a, b) => a + (b - m) ** 2, 0) / (N - 1);
      const ve = exact.variance[k]!;
      zMean = Math.max(zMean, Math.abs(m - exact.mean[k]!) / Math.sqrt(ve / N));
      zVar = Math.max(zVar, Math.abs(v - ve) / (ve * Math.sqrt(2 / (N - 1))));
      const gain = 0.01 + exact.eta[k]!;
      const actions = x.map((xi) => gain * (0 - xi));
      obs = (await env.step(actions)).obs as unknown as { data: Float32Array };
    }
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    await env.close();
    const variance = xs.map((x) => {
      const m = x.reduce((a, b) => a + b, 0) / N;
      return x.reduce((a, b) => a + (b - m) ** 2, 0) / (N - 1);
    });
    console.log(`LQ over the socket, N = ${N}, seed ${seed}, float32 obs: 100 epochs, max |mean error| = ${zMean.toFixed(2)} SE, max |variance error| = ${zVar.toFixed(2)} SE (bound 4)`);
    console.log(`  100 step round trips of ${N} agents in ${seconds.toFixed(2)} s: ${(H / seconds).toFixed(0)} steps/s, ${((H * N) / seconds / 1e6).toFixed(2)} M agent-steps/s`);
    const panels = [0, 10, 50, 99].map((t) => ({ t, points: xs[t]!, mean: exact.mean[t]!, variance: exact.variance[t]! }));
    writeFileSync(out, distributionPlotSvg(panels, { simulated: variance, closedForm: [...exact.variance] }, `LinearQuadraticContinuous over the socket: ${N} agents under the closed-form control`));
    console.log(`  figure: ${out}`);
  } finally {
    client.close();
    await server.close();
  }
}

async function inProcessRates(): Promise<void> {
  const cases: [string, Record<string, unknown>, number, string, number, number?][] = [
    ['LinearQuadraticContinuous-v0', { H: 100 }, 65536, 'exact', 50],
    ['CrowdAversionND-v0', { d: 10, H: 20 }, 1024, 'exact', 20],
    ['CrowdAversionND-v0', { d: 10, H: 20 }, 1024, 'particles', 5],
    ['CrowdAversionND-v0', { d: 10, H: 20 }, 1024, 'particles', 5, 256],
    ['Flocking-v0', { d: 2, H: 50 }, 1024, 'particles', 10],
  ];
  for (const [id, kwargs, N, population, steps, kdePoints] of cases) {
    const env = await makeEnv(id as 'Flocking-v0', { kwargs, numAgents: N, population, populationSamples: 10_000, ...(kdePoints ? { kdePoints } : {}) });
    env.reset(0);
    const a = new Float64Array(N * env.actionDim);
    env.step(a);
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (let k = 0; k < steps; k++) env.step(a);
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    const used = process.cpuUsage(c0);
    const cpu = (used.user + used.system) / 1e6;
    console.log(`${id} ${JSON.stringify(kwargs)} ${population}${kdePoints ? ` (kdePoints ${kdePoints})` : ''}, N = ${N}: ${((N * steps) / wall / 1e6).toFixed(3)} M agent-steps/s wall, ${((N * steps) / cpu / 1e6).toFixed(3)} M per CPU-second`);
  }
}

async function main(): Promise<void> {
  registerBuiltinEnvs();
  await lqOverTheSocket(Number(flag('agents', '4096')), Number(flag('seed', '2026')), flag('out', 'bench/results/continuous-lq.svg'));
  await inProcessRates();
  const load = (await import('node:os')).loadavg().map((x) => x.toFixed(2)).join(' ');
  console.log(`load average ${load} (2 cpus)`);
}

void main();
