/**
 * A bare zeromq.js ROUTER echo (one `for await` loop, each frame sent straight back): the floor of
 * a Node server on this transport, so bench.py can tell the cost of zeromq.js itself from the cost
 * of the mfgym dispatcher (decode, schema checks, handler, encode).
 *
 *   node dist/bench/protocol/zeromq-echo.js tcp://127.0.0.1:5561
 */
import { Router } from 'zeromq';

async function main(): Promise<void> {
  const sock = new Router();
  await sock.bind(process.argv[2] ?? 'tcp://127.0.0.1:5561');
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => process.exit(0));
  for await (const [identity, frame] of sock) await sock.send([identity!, frame!]);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
