/**
 * bench/scale-env: the gym env at a size no table fits. CrowdModelling2D {size: 1024, H: 200} has
 * S·A·H = 10^9 rewards (8.4 GB as tables); the env steps 65,536 agents per agent instead, against
 * a population that never builds an S-sized table either:
 * - particles (default): M agents simulated under the uniform-over-legal policy with the game's
 *   transitionRow (no policy table, no kernel), held as sorted cells (4·M·H bytes);
 * - generative: an autoregressive generator fitted to those particles (a short fit, --fit-steps).
 * Printed: build times, the stepping path, agent-steps/s of env.step, and the process's peak RSS.
 *
 * With --mean-field live the agents are their own mean field (sorted cells per epoch, no H·S·A counts).
 *
 *   npm run bench:scale-env [-- --size 1024 --H 200 --agents 65536 --steps 100 --population particles --particles 65536 --mean-field fixed --stepping auto]
 *   npm run bench:scale-env -- --population generative --fit-steps 20 --fit-settings '{"kernelTests":false,"discriminator":{"steps":10}}'
 */
import { crowdModelling2D } from '../envs/crowd-modelling-2d';
import type { FiniteGame } from '../src/core/finite-game';
import { Rng } from '../src/core/rng';
import { sampleEntries } from '../src/gym/stepping/step-batch';
import { MfgVectorEnv } from '../src/gym/vector-env';
import { ParticlePopulation } from '../src/populations/particle-population';
import type { FiniteFlowSamples, FinitePopulationFlow } from '../src/populations/population';
import { drawFromCdf } from '../src/populations/state-mass';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
}

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const peakRss = (): number => process.resourceUsage().maxRSS * 1024;

/** n agents under the uniform-over-legal policy, moved by transitionRow: the flow's samples, no table. */
function simulateUniform(game: FiniteGame, n: number, rng: Rng): FiniteFlowSamples {
  const pop = game.populations[0]!;
  const { numStates: S, numActions: A, legal } = pop;
  const cdf = new Float64Array(S);
  let acc = 0;
  for (let s = 0; s < S; s++) cdf[s] = acc += pop.mu0[s]!;
  const pick = (s: number): number => {
    if (legal === null) return rng.int(A);
    let k = 0;
    for (let a = 0; a < A; a++) k += legal[s * A + a]!;
    let j = rng.int(k);
    for (let a = 0; a < A; a++) if (legal[s * A + a] && j-- === 0) return a;
    return 0;
  };
  const cells: Int32Array[] = [];
  let states = new Int32Array(n);
  for (let i = 0; i < n; i++) states[i] = drawFromCdf(cdf, rng);
  for (let t = 0; t < game.horizon; t++) {
    const c = new Int32Array(n);
    const next = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const s = states[i]!;
      const a = pick(s);
      c[i] = s * A + a;
      if (t + 1 < game.horizon) {
        const row = game.transitionRow!(0, t, s, a);
        next[i] = sampleEntries(row.next, row.prob, row.start, row.end, rng);
      }
    }
    cells.push(c);
    states = next;
  }
  return { horizon: game.horizon, cells: [cells] };
}

async function main(): Promise<void> {
  const size = Number(flag('size', '1024'));
  const H = Number(flag('H', '200'));
  const N = Number(flag('agents', '65536'));
  const steps = Number(flag('steps', '100'));
  const kind = flag('population', 'particles');
  const M = Number(flag('particles', '65536'));
  const fitSteps = Number(flag('fit-steps', '300'));
  const meanField = flag('mean-field', 'fixed') as 'fixed' | 'live';
  const stepping = flag('stepping', 'auto') as 'auto' | 'table' | 'per-agent';
  const load = (await import('node:os')).loadavg();
  console.log(`bench/scale-env: CrowdModelling2D ${size}x${size}, H=${H}, ${N} agents, ${steps} steps, population ${kind}, mean field ${meanField} (machine load ${load.map((x) => x.toFixed(1)).join(' ')})`);

  let t0 = performance.now();
  const game = crowdModelling2D({ size, H });
  console.log(`game built: ${((performance.now() - t0) / 1000).toFixed(2)} s`);

  t0 = performance.now();
  const samples = simulateUniform(game, M, new Rng(1));
  let population: FinitePopulationFlow = ParticlePopulation.fromSamples(game, samples);
  console.log(`particles: ${M} agents x ${H} epochs simulated in ${((performance.now() - t0) / 1000).toFixed(2)} s, ${mib(population.memoryBytes())}`);
  if (kind === 'generative') {
    t0 = performance.now();
    const { fitGenerativePopulation } = await import('../src/populations/generative/index');
    // --fit-settings: more generative options, e.g. '{"kernelTests":false}' to time the stepping alone (the report's tests are most of a 1024² fit).
    const extra = JSON.parse(flag('fit-settings', '{}')) as Record<string, unknown>;
    const fit = await fitGenerativePopulation(game, samples, { generator: 'autoregressive', seed: 1, steps: fitSteps, maxRounds: 1, ...extra });
    population = fit.population;
    console.log(`generative: fitted in ${((performance.now() - t0) / 1000).toFixed(1)} s, of which ${fit.trainSeconds.toFixed(1)} s training (${fit.steps} Adam steps, ${fit.backend}), ${mib(population.memoryBytes())}`);
  }

  t0 = performance.now();
  const env = new MfgVectorEnv(game, { numAgents: N, population, meanField, stepping, entropySeed: 1 });
  const r = env.reset(0);
  console.log(`env made and reset: ${((performance.now() - t0) / 1000).toFixed(2)} s; stepping ${JSON.stringify(env.stepping)}`);

  // Random legal actions; half the agents are reset at mid-run, so two epochs step side by side.
  const rng = new Rng(3);
  const A = env.numActions;
  let mask = r.infos.actionMask;
  const actions = new Int32Array(N);
  let stepSeconds = 0;
  let stepCpuSeconds = 0;
  let agentSteps = 0;
  let rewardSum = 0;
  // Per block of H steps (an episode of the agents not reset at mid-run): later episodes read the
  // generator's rows as summaries (row-summary-cache.ts) instead of recomputing them.
  const block = { cpu: 0, wall: 0, n: 0 };
  for (let k = 0; k < steps; k++) {
    if (k === steps >> 1) mask = env.reset(null, { resetMask: Uint8Array.from({ length: N }, (_, i) => i & 1) }).infos.actionMask;
    for (let i = 0; i < N; i++) {
      let a = rng.int(A);
      while (!mask[i * A + a]) a = (a + 1) % A;
      actions[i] = a;
    }
    const s0 = performance.now();
    const c0 = process.cpuUsage();
    const out = env.step(actions);
    stepSeconds += (performance.now() - s0) / 1000;
    const c1 = process.cpuUsage(c0);
    stepCpuSeconds += (c1.user + c1.system) / 1e6;
    agentSteps += N;
    block.cpu += (c1.user + c1.system) / 1e6;
    block.wall += (performance.now() - s0) / 1000;
    block.n += N;
    if ((k + 1) % H === 0 || k + 1 === steps) {
      console.log(`  steps ${k - (k % H) + 1}-${k + 1}: ${(block.n / block.wall / 1e6).toFixed(2)} M agent-steps/s, ${(block.n / block.cpu / 1e6).toFixed(2)} M per CPU-second`);
      block.cpu = block.wall = block.n = 0;
    }
    mask = out.infos.actionMask;
    for (let i = 0; i < N; i++) rewardSum += out.rewards[i]!;
  }
  console.log(`stepped: ${agentSteps} agent-steps in ${stepSeconds.toFixed(2)} s of env.step = ${(agentSteps / stepSeconds / 1e6).toFixed(2)} M agent-steps/s (mean reward ${(rewardSum / agentSteps).toFixed(3)})`);
  console.log(`  per CPU-second of env.step (what the step costs when the machine is shared): ${(agentSteps / stepCpuSeconds / 1e6).toFixed(2)} M agent-steps/s`);
  console.log(`peak RSS: ${mib(peakRss())} (the reward tables alone would be ${mib(env.stepping.tableBytes)})`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
