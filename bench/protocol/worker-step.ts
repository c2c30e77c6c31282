/**
 * What a pool worker pays for one `step` request besides the env itself: the wire conversion of
 * the handler and the encoding of the reply frame, timed in one process (no socket, no thread
 * hop), so the figures do not depend on the other jobs of a shared machine as much as bench.py's.
 * The `msgpackr + copy` column is how replies were encoded before reply-encoder.ts.
 *
 *   node dist/bench/protocol/worker-step.js --sizes 4096,65536 --seconds 1 --repeats 3
 */
import { registerBuiltinEnvs } from '../../envs';
import { makeEnv } from '../../src/gym';
import { Rng } from '../../src/core/rng';
import { encodeFrame } from '../../src/server/codec';
import type { HandlerContext } from '../../src/server/handler-context';
import { step } from '../../src/server/handlers/step';
import { DEFAULT_LIMITS } from '../../src/server/limits';
import { encodeReplyFrame } from '../../src/server/reply-encoder';
import type { Session } from '../../src/server/session-table';
import { int32ToWire } from '../../src/server/wire-array';
import { arg, median } from './bench-args';

const ENV_ID = 'CrowdModelling2D-v0';

/** ms per call of fn, the median of `repeats` windows of `seconds`. */
function msPerCall(fn: () => void, seconds: number, repeats: number): number {
  const windows: number[] = [];
  for (let r = 0; r <= repeats; r++) {
    const t0 = performance.now();
    let n = 0;
    while (performance.now() - t0 < seconds * 1000) (fn(), n++);
    if (r > 0) windows.push((performance.now() - t0) / n); // the first window warms up
  }
  return median(windows);
}

async function main(): Promise<void> {
  registerBuiltinEnvs();
  const sizes = arg('sizes', '4096,65536').split(',').map(Number);
  const seconds = Number(arg('seconds', '1'));
  const repeats = Number(arg('repeats', '3'));
  console.log('| N | env.step | step handler (wire arrays) | + msgpackr + copy | + encodeReplyFrame |');
  console.log('|---:|---:|---:|---:|---:|');
  for (const n of sizes) {
    const env = await makeEnv(ENV_ID, { numAgents: n, autoreset: 'next_step' });
    env.reset(0);
    const rng = new Rng(0);
    const pool = Array.from({ length: 8 }, () => Int32Array.from({ length: n }, () => rng.int(5)));
    const wire = pool.map((a) => int32ToWire(a, [n]));
    const ctx = { session: {} as Session, sessions: { env: () => env }, limits: DEFAULT_LIMITS, serverVersion: '', log: () => {} } as unknown as HandlerContext;
    let k = 0;
    const handler = (): Record<string, unknown> => step({ handle: 'h', actions: wire[k++ % 8] }, ctx) as Record<string, unknown>;
    const envMs = msPerCall(() => env.step(pool[k++ % 8]!), seconds, repeats);
    const handlerMs = msPerCall(handler, seconds, repeats);
    const oldMs = msPerCall(() => new Uint8Array(encodeFrame({ v: '2.1', id: k, ok: true, result: handler() })), seconds, repeats);
    const newMs = msPerCall(() => encodeReplyFrame({ v: '2.1', id: k, ok: true, result: handler() }), seconds, repeats);
    env.close();
    console.log(`| ${n} | ${envMs.toFixed(3)} ms | ${handlerMs.toFixed(3)} ms | ${oldMs.toFixed(3)} ms | ${newMs.toFixed(3)} ms |`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
