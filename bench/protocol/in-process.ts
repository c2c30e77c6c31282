/**
 * In-process stepping of CrowdModelling2D-v0 with the gym API of src/gym (no socket, no codec):
 * the ceiling the protocol column of bench.py is compared with. Prints one JSON line per N.
 *
 *   node dist/bench/protocol/in-process.js --sizes 1,64,4096,65536 --seconds 2 --repeats 3
 */
import { registerBuiltinEnvs } from '../../envs';
import { makeEnv } from '../../src/gym';
import { Rng } from '../../src/core/rng';
import { arg, median } from './bench-args';

const ENV_ID = 'CrowdModelling2D-v0';

/** Calls fn until `seconds` have passed; returns [calls, elapsed seconds]. */
function timed(fn: () => void, seconds: number): [number, number] {
  const t0 = process.hrtime.bigint();
  const deadline = t0 + BigInt(Math.round(seconds * 1e9));
  let n = 0;
  for (;;) {
    fn();
    n++;
    const t = process.hrtime.bigint();
    if (t >= deadline) return [n, Number(t - t0) / 1e9];
  }
}

async function main(): Promise<void> {
  registerBuiltinEnvs();
  const sizes = arg('sizes', '1,64,4096,65536').split(',').map(Number);
  const seconds = Number(arg('seconds', '2'));
  const repeats = Number(arg('repeats', '3'));
  for (const n of sizes) {
    const env = await makeEnv(ENV_ID, { numAgents: n, autoreset: 'next_step' });
    env.reset(0);
    // Actions drawn beforehand, as in bench.py: the window times the env, not the agent.
    const rng = new Rng(0);
    const pool = Array.from({ length: 8 }, () => Int32Array.from({ length: n }, () => rng.int(5)));
    let k = 0;
    const step = (): void => {
      env.step(pool[k++ % 8]!);
    };
    timed(step, Math.min(0.5, seconds));
    const rates: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const [calls, t] = timed(step, seconds);
      rates.push((calls * n) / t);
    }
    env.close();
    const rate = median(rates);
    console.log(JSON.stringify({ n, agent_steps_per_s: rate, ms_per_step: (1000 * n) / rate }));
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
