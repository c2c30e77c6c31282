/**
 * bench/deep: the learning solvers (q-fp, dqn-fp, d-afp, d-momd; src/learning) next to exact
 * fictitious play and exact Munchausen OMD, on the exploration benchmarks of Laurière et al. 2022:
 * time per iteration and the exact exploitability after every iteration.
 *
 *   npm run bench:deep                                   # FourRooms, Maze, CrowdModelling2D 64², 3 iterations
 *   npm run bench:deep -- --iters 5 --games FourRooms-v0 --algos d-momd,momd
 *   npm run bench:deep -- --params '{"brBatches":10}'    # learning budgets (every learning solver)
 *   npm run bench:deep -- --json
 *   npm run bench:deep -- --populations particles,exact,generative   # the flow the learners face (default exact,generative)
 *   npm run bench:deep -- --games LinearQuadraticContinuous-v0,CrowdAversionND-v0 --iters 6 \
 *     --ac-params '{"brIterations":20,"agents":256,"minibatch":6400}'   # ac-fp rows (bench/deep-continuous.ts)
 *   npm run bench:deep -- --games CrowdAversionND-v0 --d 4 --iters 4  # CrowdAversionND's d (default 10)
 *
 * The ac-fp budget is --iters and --ac-params: PPO work per best response (brIterations x agents x H agent-steps),
 * evalBatches (the exploitability estimate), poolSize and kdePoints (each CrowdAversionND step queries a KDE with
 * kdePoints centres, O(kdePoints·d) per agent-step; at d = 10 the env steps about 10^4 agent-steps per CPU-second
 * with 2048 centres).
 *
 * Each learning solver runs once per --populations entry, the population that makes the flows it
 * faces (src/learning/params.ts POPULATION_PARAMS): 'exact' (exactFlow 1: the output policy's
 * exact flow for D-AFP and D-MOMD, the best response's for q-fp and dqn-fp), 'particles' (the
 * empirical flow of the best response's play) or 'generative' (a generative population fitted to
 * that play, as gd-fp fits its agents; the row adds the fits' seconds per iteration). The exact
 * solvers fp and momd run once (population 'exact').
 *
 * Same iteration count for every solver, so a row compares exploitability at equal iterations
 * (the aim: D-MOMD on FourRooms within 20% of exact MOMD; bench/results/deep-fourrooms-d-momd.txt
 * has the settings that meet it at 3 iterations, and bench/d-momd-gap.ts where the gap comes from). With "tau" in --params, exact MOMD
 * runs with alpha = 1/tau, the step D-MOMD (Munchausen alpha = 1) approximates. Times are wall clock and CPU time of
 * this process; on a shared machine compare ratios within one run.
 */
import { registerBuiltinEnvs } from '../envs/index';
import type { ContinuousGame } from '../src/core/continuous-game';
import type { FiniteGame } from '../src/core/finite-game';
import { continuousRow, type ContinuousRow } from './deep-continuous';
import { runInfo } from '../src/cli/run-info';
import { runLearningSolver } from '../src/learning/run-learning';
import { learningSolverDefinition, learningSolverNames } from '../src/learning/learning-solvers';
import { makeGame } from '../src/registry/registry';
import { createSolver, runSolver } from '../src/solvers/index';
import * as os from 'node:os';

const argv = process.argv.slice(2);
const arg = (flag: string): string | null => {
  const i = argv.indexOf(flag);
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : null;
};
const ITERS = Number(arg('--iters') ?? 3);
const SEED = Number(arg('--seed') ?? 0);
const GAMES = (arg('--games') ?? 'FourRooms-v0,Maze-v0,CrowdModelling2D-v0').split(',');
const ALGOS = (arg('--algos') ?? ['fp', 'momd', ...learningSolverNames()].join(',')).split(',');
const PARAMS = JSON.parse(arg('--params') ?? '{}') as Record<string, unknown>;
/** The population of each learning row, and the parameters that select it (they override --params). */
const POPULATION_CHOICE: Record<string, Record<string, number>> = { particles: { exactFlow: 0, generative: 0 }, exact: { exactFlow: 1, generative: 0 }, generative: { exactFlow: 0, generative: 1 } };
const POPULATIONS = (arg('--populations') ?? 'exact,generative').split(',');
for (const p of POPULATIONS) if (!(p in POPULATION_CHOICE)) throw new Error(`--populations: unknown ${JSON.stringify(p)}, expected some of ${Object.keys(POPULATION_CHOICE).join(', ')}`);
const asJson = argv.includes('--json');
/** CrowdAversionND's dimension d (1..10; the curve is at d = 10). */
const CROWD_D = Number(arg('--d') ?? 10);
if (!Number.isInteger(CROWD_D) || CROWD_D < 1 || CROWD_D > 10) throw new Error(`--d must be an integer in 1..10, got ${arg('--d')}`);
/** CrowdModelling2D at 64x64 (its default H = 10); the presets keep their own sizes. */
const KWARGS: Record<string, Record<string, unknown>> = { 'CrowdModelling2D-v0': { size: 64 }, 'CrowdAversionND-v0': { d: CROWD_D } };
/** ac-fp's parameters for the continuous games. */
const AC_PARAMS = JSON.parse(arg('--ac-params') ?? '{}') as Record<string, unknown>;

interface Row {
  game: string;
  algo: string;
  population: string;
  exploitability: number[];
  /** Generative rows: seconds per iteration spent fitting the generator (inside secondsPerIteration). */
  fitSecondsPerIteration: number | null;
  secondsPerIteration: number;
  cpuSecondsPerIteration: number;
  backend: string | null;
  params: Record<string, number | null>;
}

/** The --params entries this solver takes (each learning solver has its own set). */
function paramsFor(algo: string): Record<string, unknown> {
  const names = Object.keys(learningSolverDefinition(algo).params);
  return Object.fromEntries(Object.entries(PARAMS).filter(([k]) => names.includes(k)));
}

async function main(): Promise<void> {
  registerBuiltinEnvs();
  const rows: Row[] = [];
  const continuousRows: ContinuousRow[] = [];
  const load0 = os.loadavg();
  if (!asJson) process.stdout.write(`# node dist/bench/deep.js ${argv.join(' ')} · ${new Date().toISOString()} · load average ${load0.map((x) => x.toFixed(2)).join(' ')} (${os.cpus().length} cpus)\n`);
  for (const id of GAMES) {
    const any = makeGame(id, KWARGS[id] ?? {});
    if (any.kind === 'continuous') {
      continuousRows.push(await continuousRow(id, any as ContinuousGame, KWARGS[id] ?? {}, ITERS, SEED, AC_PARAMS, (line) => !asJson && process.stdout.write(`${line}\n`)));
      continue;
    }
    const game = any as FiniteGame;
    for (const algo of ALGOS) {
      const learning = learningSolverNames().includes(algo);
      for (const population of learning ? POPULATIONS : ['exact']) {
        const cpu0 = process.cpuUsage();
        let ex: number[];
        let seconds: number[];
        let backend: string | null = 'exact-tabular';
        let params: Record<string, number | null>;
        let fitSeconds: number | null = null;
        if (learning) {
          const r = await runLearningSolver(game, algo, { iterations: ITERS, seed: SEED, params: { ...paramsFor(algo), ...POPULATION_CHOICE[population] } });
          ex = r.exploitability;
          seconds = r.seconds;
          backend = r.backend ?? 'js-tabular';
          params = r.params;
          fitSeconds = r.generative ? r.generative.seconds / Math.max(1, ex.length - 1) : null;
        } else {
          // Exact MOMD takes the deep one's mirror-descent step: alpha = 1/tau (D-MOMD with Munchausen alpha = 1).
          const solver = createSolver(algo, algo === 'momd' && typeof PARAMS['tau'] === 'number' ? { alpha: 1 / PARAMS['tau'] } : {});
          const r = await runSolver(game, solver, { iterations: ITERS });
          ex = r.exploitability;
          seconds = r.seconds;
          params = r.params;
        }
        const cpu = process.cpuUsage(cpu0);
        const row: Row = {
          game: id,
          algo,
          population,
          exploitability: ex,
          secondsPerIteration: (seconds[seconds.length - 1]! - seconds[0]!) / Math.max(1, ex.length - 1),
          cpuSecondsPerIteration: (cpu.user + cpu.system) / 1e6 / Math.max(1, ex.length - 1),
          fitSecondsPerIteration: fitSeconds,
          backend,
          params,
        };
        rows.push(row);
        if (!asJson) {
          const fit = fitSeconds === null ? '' : `, fit ${fitSeconds.toFixed(3)}`;
          process.stdout.write(
            `${id.padEnd(20)} ${algo.padEnd(7)} ${population.padEnd(10)} ${row.secondsPerIteration.toFixed(3).padStart(8)} s/it (cpu ${row.cpuSecondsPerIteration.toFixed(3)}${fit})  exploitability ${ex.map((x) => x.toPrecision(4)).join(' ')}\n`,
          );
        }
      }
    }
  }
  const out = { iterations: ITERS, seed: SEED, loadavgBefore: load0, loadavgAfter: os.loadavg(), rows, continuousRows, ...runInfo() };
  if (asJson) process.stdout.write(`${JSON.stringify(out)}\n`);
  else process.stdout.write(`load average before ${load0.map((x) => x.toFixed(2)).join(' ')}, after ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} (${os.cpus().length} cpus)\n`);
}

void main();
