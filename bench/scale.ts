/**
 * bench/scale (issue 7): gd-fp with the generative population on CrowdModelling2D at growing
 * sizes, run as streaming fictitious play (no S·A·H table), with the peak RSS and wall time of
 * the run, the exploitability after each iteration (exact on the streaming path where the
 * marginals fit --memory-budget, else a Monte Carlo estimate with its error bar), and the same
 * for exact fp (streaming, exact flows) where it fits.
 *
 *   npm run bench:scale -- --small            # 16², 32² with H = 20, 2 iterations: minutes
 *   npm run bench:scale -- --sizes 256,512,1024 --H 200 --iters 10   # the run: hours
 *   npm run bench:scale -- --socket   # make + 100 steps of 65,536 agents over the socket (bench/scale-serve.ts)
 *
 * Flags: --sizes a,b,c (default 256,512,1024; --small: 16,32) --H (200; --small: 20) --iters
 * (10; --small: 2) --agents (10^4) --memory-budget (2G) --settings JSON (generative options),
 * --warm-fits (start each fit from the previous generator).
 */
import { crowdModelling2D } from '../envs/crowd-modelling-2d';
import { Rng } from '../src/core/rng';
import { parseMemoryBudget, streamingBytes } from '../src/solvers/memory-budget';
import { exactStreamingSource, FittedStreamingSource } from '../src/solvers/streaming-flow-source';
import { runStreamingFp, type StreamingFpProgress, type StreamingFpResult } from '../src/solvers/streaming-fictitious-play';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
}

/** Samples RSS every 50 ms (the peak of a phase, not just its end). */
function rssSampler(): { stop(): number; peak(): number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  return {
    peak: () => Math.max(peak, process.memoryUsage().rss),
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().rss);
    },
  };
}

/** One iterate as it lands, so a run of hours shows where it is (and a cut run keeps its figures). */
function progress(label: string, sampler: { peak(): number }): (p: StreamingFpProgress) => void {
  return (p) => {
    const e = p.exploitability;
    const ex = e.standardError === null ? e.value.toPrecision(4) : `${e.value.toPrecision(4)}±${e.standardError.toPrecision(2)} (estimated)`;
    process.stdout.write(`  ${label} iteration ${String(p.iteration).padStart(2)}  ${p.seconds.toFixed(1).padStart(8)} s  RSS so far ${(sampler.peak() / 2 ** 20).toFixed(0)} MB  exploitability ${ex}\n`);
  };
}

function line(label: string, r: StreamingFpResult, peak: number): string {
  const ex = r.exploitability.map((e) => (e.standardError === null ? e.value.toPrecision(4) : `${e.value.toPrecision(4)}±${e.standardError.toPrecision(2)}`)).join(' ');
  return `${label.padEnd(10)} ${r.seconds[r.seconds.length - 1]!.toFixed(1).padStart(8)} s  peak RSS ${(peak / 2 ** 20).toFixed(0).padStart(6)} MB  policy ${(r.memoryBytes / 2 ** 20).toFixed(1)} MB  exploitability ${ex}`;
}

async function main(): Promise<void> {
  // The socket part (make + steps over the protocol, issue 7 item 6) lives in bench/scale-serve.ts.
  if (process.argv.includes('--socket')) return (await import('./scale-serve')).socketBench();
  const small = process.argv.includes('--small');
  const sizes = flag('sizes', small ? '16,32' : '256,512,1024').split(',').map(Number);
  const H = Number(flag('H', small ? '20' : '200'));
  const iterations = Number(flag('iters', small ? '2' : '10'));
  const agents = Number(flag('agents', '10000'));
  const memoryBudget = parseMemoryBudget(flag('memory-budget', '2G'));
  const settings = JSON.parse(flag('settings', '{}')) as Record<string, unknown>;
  process.stdout.write(`bench/scale: CrowdModelling2D, H = ${H}, ${iterations} iterations, ${agents} agents per fit, budget ${memoryBudget} bytes\n`);
  for (const size of sizes) {
    const game = crowdModelling2D({ size, H });
    const gd = rssSampler();
    const source = new FittedStreamingSource(game, 'generative', { numAgents: agents, seeds: new Rng(1), settings, warmStart: process.argv.includes('--warm-fits') });
    process.stdout.write(`${size}²\n`);
    const r = await runStreamingFp(game, { iterations, flows: source, memoryBudget, seed: 1, onIteration: progress('gd-fp', gd) });
    process.stdout.write(`${line('gd-fp', r, gd.stop())}  fits ${source.fits} (${source.seconds.toFixed(1)} s)\n`);
    // Exact fp holds every iterate's marginals (H·S float64 each): only where they all fit.
    if ((iterations + 2) * streamingBytes(game) > memoryBudget) {
      process.stdout.write(`exact fp   does not fit: ${iterations + 2} flows of ${streamingBytes(game)} bytes over the budget\n`);
      continue;
    }
    const exact = rssSampler();
    const e = await runStreamingFp(game, { iterations, flows: exactStreamingSource(game), memoryBudget, onIteration: progress('exact fp', exact) });
    process.stdout.write(`${line('exact fp', e, exact.stop())}\n`);
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
