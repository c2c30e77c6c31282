/**
 * bench/beachbar: gd-fp on BeachBar-v0 with the generative population against particles, both
 * timed in ONE process (wall and CPU seconds, and their ratio), so the figure issue #7 asks for
 * ("the generative population within 10x the wall time of particles") does not depend on what
 * else the machine runs between two CLI calls. The CLI equivalent:
 *   mfgym solve --env BeachBar-v0 --algo gd-fp --population generative --samples 10000 --iters 20
 *
 *   node dist/bench/beachbar.js [--iters 20] [--samples 10000] [--repeats 3] [--seed 0]
 *   node dist/bench/beachbar.js --record bench/results/beachbar-reference.json   # the run's results, bit for bit
 *   node dist/bench/beachbar.js --check bench/results/beachbar-reference.json    # the same, compared (exit 1 on a difference)
 *
 * Each repeat runs particles then generative (the first generative run also loads tfjs, which
 * the generative fit needs; the line "first" keeps that cost, later repeats are warm).
 * --record / --check write or compare the run's exploitability, estimated exploitability and
 * flow-TV curves and a SHA-256 of every fit's full honesty report (baseline included, seconds
 * left out) and fitted weights: a speedup must leave all of them unchanged.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { registerBuiltinEnvs } from '../envs/index';
import type { FiniteGame } from '../src/core/finite-game';
import { makeGame } from '../src/registry/registry';
import { runGdMfrl, type GdMfrlResult } from '../src/solvers/gd-mfrl';

const argv = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const ITERS = Number(arg('iters') ?? 20);
const SAMPLES = Number(arg('samples') ?? 10_000);
const REPEATS = Number(arg('repeats') ?? 3);
const SEED = Number(arg('seed') ?? 0);
const RECORD = arg('record');
const CHECK = arg('check');

interface Timed {
  readonly wall: number;
  readonly cpu: number;
  readonly result: GdMfrlResult;
  readonly digest: string | null;
}

/** Canonical JSON of a fit's report and weights, without timings (a digest of what the fit computed). */
function fitDigest(population: unknown, hash: ReturnType<typeof createHash>): void {
  const fit = (population as { lastFit?: { report?: unknown; models?: { weights: readonly Map<string, { data: ArrayLike<number> }>[] } } | null }).lastFit;
  if (!fit) return;
  hash.update(JSON.stringify(fit.report, (k, v: unknown) => (/seconds/i.test(k) ? undefined : v instanceof Float64Array || v instanceof Float32Array || v instanceof Int32Array ? Array.from(v) : v)));
  for (const set of fit.models?.weights ?? []) {
    for (const [name, w] of [...set].sort(([a], [b]) => (a < b ? -1 : 1))) {
      hash.update(name);
      hash.update(JSON.stringify(Array.from(w.data)));
    }
  }
}

async function timeRun(game: FiniteGame, population: 'particles' | 'generative', digest: boolean): Promise<Timed> {
  const hash = digest ? createHash('sha256') : null;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await runGdMfrl(game, 'gd-fp', {
    iterations: ITERS,
    population,
    numAgents: SAMPLES,
    seed: SEED,
    // The digest reads each fit's report (the lazy parts too): only when asked, outside the timed runs' cost.
    ...(hash ? { onIteration: (p: { population: unknown }) => fitDigest(p.population, hash) } : {}),
  });
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1e6, result, digest: hash ? hash.digest('hex') : null };
}

function curves(r: GdMfrlResult, digest: string | null): Record<string, unknown> {
  return { exploitability: r.exploitability, estimatedExploitability: r.estimatedExploitability, flowTv: r.flowTv, fits: r.fits, fitReports: r.fitReports.map((f) => f && { ...f, trainSeconds: undefined }), digest };
}

async function main(): Promise<void> {
  registerBuiltinEnvs();
  const game = makeGame('BeachBar-v0') as FiniteGame;
  if (RECORD || CHECK) {
    const plain = curves((await timeRun(game, 'generative', false)).result, null);
    const d = await timeRun(game, 'generative', true);
    // Reading every report (lazy parts included) must not change the run: the two curves agree.
    if (JSON.stringify(curves(d.result, null)) !== JSON.stringify(plain)) throw new Error('the digest run (which reads every report) differs from the plain run');
    const got = { env: 'BeachBar-v0', algo: 'gd-fp', iters: ITERS, samples: SAMPLES, seed: SEED, generative: { ...plain, digest: d.digest }, particles: curves((await timeRun(game, 'particles', false)).result, null) };
    const text = JSON.stringify(got, null, 1);
    if (RECORD) {
      fs.writeFileSync(RECORD, `${text}\n`);
      console.log(`recorded ${RECORD} (digest ${d.digest})`);
    }
    if (CHECK) {
      const want = JSON.stringify(JSON.parse(fs.readFileSync(CHECK, 'utf8')), null, 1);
      if (want !== text) {
        console.log(`DIFFERENT from ${CHECK}:\n${text}`);
        process.exitCode = 1;
      } else console.log(`identical to ${CHECK}: curves, fit reports and weights bit for bit (digest ${d.digest})`);
    }
    return;
  }
  console.log(`bench/beachbar: gd-fp on BeachBar-v0, ${ITERS} iterations, ${SAMPLES} agents per fit, seed ${SEED}; one process, ${REPEATS} repeat(s)`);
  console.log('| repeat | particles wall s | particles CPU s | generative wall s | generative CPU s | wall ratio | CPU ratio |');
  console.log('|--:|--:|--:|--:|--:|--:|--:|');
  const ratios: { wall: number; cpu: number }[] = [];
  const warmCpu: { p: number; g: number }[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const p = await timeRun(game, 'particles', false);
    const g = await timeRun(game, 'generative', false);
    ratios.push({ wall: g.wall / p.wall, cpu: g.cpu / p.cpu });
    if (r > 0) warmCpu.push({ p: p.cpu, g: g.cpu });
    console.log(`| ${r === 0 ? 'first' : r} | ${p.wall.toFixed(3)} | ${p.cpu.toFixed(3)} | ${g.wall.toFixed(3)} | ${g.cpu.toFixed(3)} | ${(g.wall / p.wall).toFixed(2)} | ${(g.cpu / p.cpu).toFixed(2)} |`);
    if (r === 0) console.log(`(final exploitability: particles ${p.result.exploitability.at(-1)}, generative ${g.result.exploitability.at(-1)})`);
  }
  if (REPEATS > 1) {
    const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
    const warm = ratios.slice(1);
    console.log(`warm repeats, median ratio: wall ${med(warm.map((x) => x.wall)).toFixed(2)}, CPU ${med(warm.map((x) => x.cpu)).toFixed(2)}`);
    // On a loaded machine the least CPU time of each kind is the least disturbed one.
    const pMin = Math.min(...warmCpu.map((x) => x.p));
    const gMin = Math.min(...warmCpu.map((x) => x.g));
    console.log(`warm repeats, least CPU: particles ${pMin.toFixed(3)} s, generative ${gMin.toFixed(3)} s, ratio ${(gMin / pMin).toFixed(2)}`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
