/**
 * bench/solvers: time per iteration of every exact solver on every registered finite game, and
 * fictitious play on CrowdModelling2D as the grid grows.
 *
 *   npm run bench:solvers                 # full run (about two minutes on a free core)
 *   npm run bench:solvers -- --quick      # smaller grids and shorter timings
 *   npm run bench:solvers -- --json       # one JSON object on stdout instead of the tables
 *   npm run bench:solvers -- --sizes 10,50 --horizons 10 --games LeftRight-v0,BeachBar-v0
 *
 * One iteration = the solver's update plus the exact evaluation of the new policy (flow
 * Gamma(pi), Q* and Q^pi by backward induction, exploitability), i.e. what runSolver does per
 * step. The grid table splits the two, so a slow kernel is visible as such.
 * state-epochs/s = H·|S| (summed over populations) / seconds per iteration.
 * Timings are wall clock on whatever else the machine is doing: compare rows of one run. The
 * grid table also gives CPU time per iteration (user + system of this process), which stays
 * near the one-free-core figure when other processes share the cores.
 */
import { registerBuiltinEnvs } from '../envs/index';
import type { FiniteGame } from '../src/core/finite-game';
import { evaluatePolicy, uniformPolicy, type PolicyEvaluation, type TabularPolicy } from '../src/core/tabular/index';
import { list, makeGame } from '../src/registry/registry';
import { createSolver, solverNames, type SolverRun } from '../src/solvers/index';
import { runInfo } from '../src/cli/run-info';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const asJson = argv.includes('--json');
const listArg = (flag: string): string[] | null => {
  const i = argv.indexOf(flag);
  return i >= 0 && argv[i + 1] ? argv[i + 1]!.split(',') : null;
};
const SIZES = (listArg('--sizes') ?? (quick ? ['10', '50'] : ['10', '50', '100', '200'])).map(Number);
const HORIZONS = (listArg('--horizons') ?? ['10', '100']).map(Number);
const GAMES = listArg('--games');
/** Per (game, solver) cell: run until this much time has passed (at least 3, at most 200 steps). */
const TARGET_SECONDS = quick ? 0.1 : 0.4;

const now = (): number => Number(process.hrtime.bigint()) / 1e9;

interface Timing {
  iterations: number;
  /** Mean seconds per full iteration (update + evaluation). */
  perIteration: number;
  /** Mean CPU seconds (user + system) per iteration: closer to "one free core" on a busy machine. */
  cpuPerIteration: number;
  /** Mean seconds of the update alone and of the evaluation alone. */
  perStep: number;
  perEvaluation: number;
  exploitability: [number, number];
}

/** One step of a run on the exact flow source, whose steps are synchronous. */
function stepSync(run: SolverRun, evaluation: PolicyEvaluation, i: number): TabularPolicy {
  const pi = stepSync(run, evaluation, i);
  if (pi instanceof Promise) throw new Error('the exact solvers step synchronously');
  return pi;
}

/** Runs a solver step by step, timing its update and the evaluation separately. */
function timeSolver(game: FiniteGame, algo: string, maxIterations: number, targetSeconds: number, warmup: number): Timing {
  const run = createSolver(algo).start(game, uniformPolicy(game));
  let evaluation = evaluatePolicy(game, uniformPolicy(game));
  const first = evaluation.exploitability;
  // Untimed warm-up steps let V8 optimise the kernels before the clock runs.
  let i = 0;
  for (; i < warmup; i++) evaluation = evaluatePolicy(game, stepSync(run, evaluation, i));
  let step = 0;
  let evalTime = 0;
  let timed = 0;
  const start = now();
  const cpu0 = process.cpuUsage();
  while (timed < maxIterations && (timed < 3 || now() - start < targetSeconds)) {
    const t0 = now();
    const pi = stepSync(run, evaluation, i);
    const t1 = now();
    evaluation = evaluatePolicy(game, pi);
    const t2 = now();
    step += t1 - t0;
    evalTime += t2 - t1;
    i++;
    timed++;
  }
  const cpu = process.cpuUsage(cpu0);
  return { iterations: timed, cpuPerIteration: (cpu.user + cpu.system) / 1e6 / timed, perIteration: (step + evalTime) / timed, perStep: step / timed, perEvaluation: evalTime / timed, exploitability: [first, evaluation.exploitability] };
}

function stateEpochs(game: FiniteGame): number {
  return game.horizon * game.populations.reduce((n, p) => n + p.numStates, 0);
}

function fmtSeconds(s: number): string {
  return s >= 1 ? `${s.toFixed(2)} s` : s >= 1e-3 ? `${(s * 1e3).toFixed(2)} ms` : `${(s * 1e6).toFixed(1)} µs`;
}

function fmtRate(r: number): string {
  return r >= 1e6 ? `${(r / 1e6).toFixed(2)} M` : r >= 1e3 ? `${(r / 1e3).toFixed(1)} k` : r.toFixed(0);
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]): string => `| ${cells.map((x, c) => (c === 0 ? x.padEnd(widths[c]!) : x.padStart(widths[c]!))).join(' | ')} |`;
  return [line(header), `|${widths.map((w, c) => (c === 0 ? ` ${'-'.repeat(w)} ` : ` ${'-'.repeat(w - 1)}: `)).join('|')}|`, ...rows.map(line)].join('\n');
}

function main(): void {
  registerBuiltinEnvs();
  const solvers = solverNames();
  // Every registered finite game at its defaults, plus the literature configurations whose
  // defaults are smaller than the published runs: OpenSpiel's Braess test (100 steps of 0.05) and
  // its four-population predator-prey setting.
  const configs: { env: string; kwargs: Record<string, unknown> }[] = [
    ...list()
      .filter((s) => s.kind === 'finite')
      .map((s) => ({ env: s.id, kwargs: {} })),
    { env: 'DynamicRouting-v0', kwargs: { max_num_time_step: 100, time_step_length: 0.05 } },
    { env: 'PredatorPrey-v0', kwargs: { populations: 4 } },
  ].filter((c) => !GAMES || GAMES.includes(c.env));

  const gameRows: Record<string, unknown>[] = [];
  for (const { env, kwargs } of configs) {
    const game = makeGame(env, kwargs) as FiniteGame;
    const label = Object.keys(kwargs).length ? `${env} ${JSON.stringify(kwargs)}` : env;
    for (const algo of solvers) {
      const t = timeSolver(game, algo, 200, TARGET_SECONDS, 3);
      gameRows.push({ env: label, kwargs, algo, stateEpochs: stateEpochs(game), ...t, stateEpochsPerSecond: stateEpochs(game) / t.perIteration });
      if (!asJson) process.stderr.write('.');
    }
  }

  const gridRows: Record<string, unknown>[] = [];
  for (const H of HORIZONS) {
    for (const size of SIZES) {
      const game = makeGame('CrowdModelling2D-v0', { size, H }) as FiniteGame;
      const iterations = size * size * H >= 1e6 ? 3 : 10;
      const t = timeSolver(game, 'fp', iterations, 0, 1);
      gridRows.push({ env: 'CrowdModelling2D-v0', size, H, algo: 'fp', stateEpochs: stateEpochs(game), ...t, stateEpochsPerSecond: stateEpochs(game) / t.perIteration });
      if (!asJson) process.stderr.write('.');
    }
  }
  if (!asJson) process.stderr.write('\n');

  const info = runInfo();
  if (asJson) {
    process.stdout.write(`${JSON.stringify({ quick, games: gameRows, crowdModelling2D: gridRows, ...info, date: new Date().toISOString() })}\n`);
    return;
  }
  const out: string[] = [];
  out.push(`mfgym bench:solvers — ${info.backend.cpu} (${info.backend.cpus} cpus), node ${info.versions.node}, ${new Date().toISOString()}`);
  out.push('', 'Time per iteration (update + exact evaluation), default kwargs (rows with kwargs: literature configurations), from the uniform policy:', '');
  const byGame = new Map<string, Record<string, unknown>[]>();
  for (const r of gameRows) byGame.set(r['env'] as string, [...(byGame.get(r['env'] as string) ?? []), r]);
  out.push(
    table(
      ['game', 'states×epochs', ...solvers],
      [...byGame.entries()].map(([env, rows]) => [env, String(rows[0]!['stateEpochs']), ...solvers.map((a) => fmtSeconds(rows.find((r) => r['algo'] === a)!['perIteration'] as number))]),
    ),
  );
  out.push('', 'Fictitious play on CrowdModelling2D-v0 (size×size torus, 5 actions), per iteration:', '');
  out.push(
    table(
      ['size', 'H', 'states×epochs', 'iteration', 'of which evaluation', 'FP update', 'CPU time', 'state-epochs/s'],
      gridRows.map((r) => [
        `${r['size']}×${r['size']}`,
        String(r['H']),
        String(r['stateEpochs']),
        fmtSeconds(r['perIteration'] as number),
        fmtSeconds(r['perEvaluation'] as number),
        fmtSeconds(r['perStep'] as number),
        fmtSeconds(r['cpuPerIteration'] as number),
        fmtRate(r['stateEpochsPerSecond'] as number),
      ]),
    ),
  );
  process.stdout.write(`${out.join('\n')}\n`);
}

main();
