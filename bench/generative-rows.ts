/**
 * bench/generative-rows: what a table-free step costs in the generative population's queries at
 * 1024² (issue #7: >= 1 M agent-steps/s with 65,536 agents). The env's per-agent path asks, per
 * step and epoch, for mu_t at the agents' states in one batched query (stateMassBatch of
 * src/gym/stepping/per-agent-dynamics.ts): sorted, deduplicated states, whose autoregressive
 * log-mass needs one conditional row of 1,024 logits of axis 1 per distinct first coordinate
 * (about 1,024 rows per step when the agents are spread), each an MLP 32 -> 64 -> 1,024 and a
 * log-softmax. The cost of that does not depend on the weights' values, so the generator here is
 * CrowdModelling2D 1024²'s autoregressive generator at its initialisation (seeded), not a fit.
 * Agents are spread uniformly over the grid; step k is epoch k mod H (every step a fresh epoch,
 * as lockstep agents are: no row is reused from the previous step).
 *
 *   node dist/bench/generative-rows.js [--size 1024 --H 20 --agents 65536 --steps 100 --hidden 64]
 *
 * Printed: CPU seconds of the queries, rows computed, and agent-steps per CPU-second of the query
 * alone (the env's rewards and transitions come on top), plus a checksum of every mass returned
 * (a speedup must leave it unchanged: same bits for the same query).
 */
import { createHash } from 'node:crypto';
import { Rng } from '../src/core/rng';
import { stateMassBatch } from '../src/gym/stepping/per-agent-dynamics';
import { CategoricalDensity, CategoricalModel, categoricalConfig } from '../src/populations/generative/categorical-generator';
import type { FinitePopulationFlow } from '../src/populations/population';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SIZE = arg('size', 1024);
const H = arg('H', 20);
const AGENTS = arg('agents', 65_536);
const STEPS = arg('steps', 100);
const HIDDEN = arg('hidden', 64);
const A = 5;

function main(): void {
  const pop = { name: 'crowd', numStates: SIZE * SIZE, numActions: A, stateShape: [SIZE, SIZE], actionShape: [A], mu0: new Float64Array(0), legal: null };
  const cfg = categoricalConfig(pop as never, H, 'autoregressive', 16, HIDDEN);
  const weights = new CategoricalModel(cfg).init(new Rng(1));
  const density = new CategoricalDensity(cfg, weights);
  // The batched query path of the per-agent env: only the generator's logStateMassBatch is used.
  const flow = {
    logStateMassBatch: (_p: number, t: number, states: Int32Array, out?: Float64Array) => density.logStateMassBatch(t, states, out as Float64Array<ArrayBuffer> | undefined),
    stateMass: (_p: number, t: number, s: number) => Math.exp(density.logStateMass(t, s)),
  } as unknown as FinitePopulationFlow;
  const rng = new Rng(2);
  const states = new Int32Array(AGENTS);
  const masses = new Float64Array(AGENTS);
  const hash = createHash('sha256');
  // One warm-up step (JIT), not timed.
  for (let i = 0; i < AGENTS; i++) states[i] = rng.int(SIZE * SIZE);
  stateMassBatch(flow, 0, H - 1, states, masses);
  const distinctRows = new Set<number>();
  let cpu = 0;
  let rows = 0;
  const w0 = performance.now();
  for (let k = 0; k < STEPS; k++) {
    for (let i = 0; i < AGENTS; i++) states[i] = rng.int(SIZE * SIZE);
    distinctRows.clear();
    for (let i = 0; i < AGENTS; i++) distinctRows.add(Math.floor(states[i]! / SIZE));
    rows += distinctRows.size;
    const c0 = process.cpuUsage();
    stateMassBatch(flow, 0, k % H, states, masses);
    const c = process.cpuUsage(c0);
    cpu += (c.user + c.system) / 1e6;
    hash.update(new Uint8Array(masses.buffer, masses.byteOffset, masses.byteLength));
  }
  const wall = (performance.now() - w0) / 1000;
  console.log(`bench/generative-rows: autoregressive generator of CrowdModelling2D ${SIZE}², H = ${H}, hidden ${HIDDEN}; ${AGENTS} agents spread uniformly, ${STEPS} steps (a fresh epoch each)`);
  console.log(`query CPU ${cpu.toFixed(3)} s (${((1000 * cpu) / STEPS).toFixed(1)} ms a step), ${rows} conditional rows of ${SIZE} logits (${(rows / STEPS).toFixed(0)} a step), ${(rows / cpu / 1000).toFixed(1)} k rows per CPU-second`);
  console.log(`agent-steps per CPU-second of the query: ${((AGENTS * STEPS) / cpu / 1e6).toFixed(3)} M   (wall ${wall.toFixed(2)} s for the loop, agent draws included)`);
  console.log(`checksum of every mass returned: ${hash.digest('hex').slice(0, 32)}`);
}

main();
