import * as fs from 'node:fs';
import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { MfgError } from '../../core/errors';
import { checkTieBreak } from '../../core/tabular/index';
import { checkSeed } from '../../core/rng';
import { GD_SOLVERS, gdSolverDefinition, isGdSolverName, resolveGdParams, runGdMfrl, type GdMfrlResult } from '../../solvers/gd-mfrl';
import { createSolver, runSolver, solverNames, type SolverResult } from '../../solvers/index';
import { curveChart, LABEL_WIDTH } from '../curve-chart';
import { EXIT_INTERRUPTED, interruptOnSigint } from '../interrupt';
import { addEnvOptions, resolveEnv, type EnvOptions } from '../env-options';
import { linePlotSvg } from '../plot';
import { evaluationPath, parseMemoryBudget, tableBytes } from '../../solvers/memory-budget';
import { savePolicy } from '../policy-file';
import { solveStreaming } from './solve-streaming';
import { runInfo } from '../run-info';
import { parseSettings } from '../settings-option';
import { loadPolicy, requireFiniteGame } from './evaluate';
import { addLearningOptions, isLearningSolverName, learningAlgoNames, solveLearning } from './solve-learning';

interface SolveOptions extends EnvOptions {
  algo: string;
  iters: string;
  alpha?: string;
  temperature?: string;
  tieBreak?: string;
  eta?: string;
  nInner?: string;
  tol?: string;
  seed: string;
  policy: string;
  out?: string;
  policyOut?: string;
  plot?: string;
  json?: boolean;
  population: string;
  samples: string;
  settings?: string;
  memoryBudget: string;
  warmFits?: boolean;
}


/**
 * `mfgym solve --env ID --algo NAME [...]`: runs an exact solver and reports the exploitability
 * of every iterate (index 0 = the initial policy) with cumulative wall time.
 */
export function solveCommand(): Command {
  return addLearningOptions(addEnvOptions(new Command('solve')))
    .description('run a solver on a finite game (exact, or gd-fp/gd-omd with each flow estimated by a fitted population) and report its exploitability curve')
    .requiredOption('--algo <name>', `solver: ${[...solverNames(), ...GD_SOLVERS.map((d) => d.name), ...learningAlgoNames()].join(' | ')}`)
    .option('--iters <n>', 'number of iterations (the curve has n+1 points)', '100')
    .option('--alpha <a>', 'fp: mixing weight (0 = 1/(i+2)); fixed-point: damping; omd/momd: learning rate; bpi: inverse temperature')
    .option('--temperature <t>', 'fp/fixed-point: softmax best-response temperature (0 = greedy)')
    .option('--tie-break <rule>', 'fp/fixed-point/gd-fp: exact ties of greedy best responses, "uniform" over the maximisers (default, MFGLib) or "first" (lowest index, OpenSpiel\'s argmax)')
    .option('--eta <e>', 'prior-descent: temperature')
    .option('--n-inner <k>', 'prior-descent: reset the prior every k steps (a positive integer, or "none")')
    .option('--tol <x>', 'stop early once the exploitability is <= x')
    .option('--seed <s>', 'recorded with the results (the exact solvers are deterministic)', '0')
    .option('--policy <uniform|file>', 'initial policy: "uniform" over legal actions, or a policy file', 'uniform')
    .option('--out <file>', 'write the results JSON (curve, params, seed, backend, versions) to a file')
    .option('--policy-out <file>', 'write the final policy as a policy file (see README: policy files): JSON, or binary for .mfgpol/.bin names and for large policies')
    .option('--plot <file.svg>', 'write an SVG plot of the exploitability curve')
    .option('--json', 'print exactly one JSON object on stdout (no progress bar, no summary)')
    .option('--population <kind>', 'gd-fp/gd-omd: the representation that estimates each flow (generative | particles | exact)', 'generative')
    .option('--samples <n>', 'gd-fp/gd-omd: simulated agents per fit', '10000')
    .option('--settings <json>', 'gd-fp/gd-omd: population settings passed to every fit, e.g. {"steps":500}')
    .option('--warm-fits', 'gd-fp/gd-omd: start each generative fit from the previous fit\'s generator (not softmax ones)')
    .option('--memory-budget <bytes>', 'tables above this (e.g. 2G, 512M) switch fp/gd-fp to streaming and the exploitability to streaming-exact or Monte Carlo', '2G')
    .addHelpText('after', '\nSIGINT (Ctrl-C) stops after the current iteration, writes the results and exits with status 130.')
    .action(async (opts: SolveOptions) => {
      const iterations = parseNumber('--iters', opts.iters, 'MFG_ERR_SOLVER_BAD_PARAM');
      const seed = checkSeed(parseNumber('--seed', opts.seed, 'MFG_ERR_SEED_INVALID'), '--seed');
      // The sample-based learners (src/learning) have their own loop and report: solve-learning.ts.
      if (isLearningSolverName(opts.algo)) return solveLearning({ ...opts, seed });
      const tol = opts.tol === undefined ? undefined : parseNumber('--tol', opts.tol, 'MFG_ERR_SOLVER_BAD_PARAM');
      const params = solverParamsFromOptions(opts);
      const gd = isGdSolverName(opts.algo);
      // Checked before the env is built, so a bad name or parameter fails first.
      if (gd) resolveGdParams(gdSolverDefinition(opts.algo), params);
      const solver = gd ? null : createSolver(opts.algo, params, { tieBreak: opts.tieBreak });
      const algo = solver?.name ?? opts.algo;
      const { id, kwargs, game } = await resolveEnv(opts);
      const finite = requireFiniteGame(game, id);
      const memoryBudget = parseMemoryBudget(opts.memoryBudget);
      const path = evaluationPath(finite, memoryBudget);
      if (path !== 'table') {
        // Tables over budget: streaming fp/gd-fp, before anything allocates an H·S·A policy.
        const interrupt = interruptOnSigint();
        try {
          const r = await solveStreaming(finite, {
            id, kwargs, algo, params, tieBreak: checkTieBreak(opts.tieBreak ?? 'uniform', '--tie-break'), iterations, seed, memoryBudget, path, population: opts.population, policy: opts.policy, signal: interrupt.signal,
            samples: parseNumber('--samples', opts.samples, 'MFG_ERR_SOLVER_BAD_PARAM'), settings: parseSettings(opts.settings), warmFits: opts.warmFits === true,
            ...(opts.out ? { out: opts.out } : {}), ...(opts.policyOut ? { policyOut: opts.policyOut } : {}), ...(opts.json ? { json: true } : {}),
          });
          if (r.stopped === 'interrupted') process.exitCode = EXIT_INTERRUPTED;
        } finally {
          interrupt.release();
        }
        return;
      }
      const initialPolicy = loadPolicy(opts.policy, finite, id);

      const interrupt = interruptOnSigint();
      const bar = !opts.json && process.stderr.isTTY ? new SingleBar({ stream: process.stderr, format: 'solve {bar} {value}/{total} | exploitability {expl} | {duration_formatted} elapsed, eta {eta_formatted}', hideCursor: true }) : null;
      bar?.start(iterations, 0, { expl: '-' });
      // Without a bar (a pipe, a script), one line says the run started; it is written after the
      // SIGINT handler is in place, so whoever waits for it may interrupt the run cleanly.
      if (!bar) process.stderr.write(`mfgym: solving ${id} with ${algo}, ${iterations} iterations\n`);
      const onIteration = ({ iteration, exploitability }: { iteration: number; exploitability: number }): void => bar?.update(iteration, { expl: exploitability.toPrecision(4) });
      let result: SolverResult | GdMfrlResult;
      try {
        result = solver
          ? await runSolver(finite, solver, { iterations, tol, initialPolicy, signal: interrupt.signal, onIteration })
          : await runGdMfrl(finite, algo, {
              iterations,
              tol,
              initialPolicy,
              signal: interrupt.signal,
              onIteration,
              params,
              ...(opts.tieBreak === undefined ? {} : { tieBreak: checkTieBreak(opts.tieBreak, '--tie-break') }),
              seed,
              population: opts.population,
              numAgents: parseNumber('--samples', opts.samples, 'MFG_ERR_SOLVER_BAD_PARAM'),
              settings: parseSettings(opts.settings),
              warmStart: opts.warmFits === true,
            });
      } finally {
        bar?.stop();
        interrupt.release();
      }

      const final = result.evaluation;
      const report = {
        env: id,
        kwargs,
        algo,
        // The tie rule sits with the numeric parameters, so the params alone say how the run went.
        params: result.tieBreak === null ? result.params : { ...result.params, tieBreak: result.tieBreak },
        seed,
        iterations,
        completedIterations: result.iterations,
        stopped: result.stopped,
        tol: tol ?? null,
        initialPolicy: opts.policy,
        exploitability: result.exploitability,
        seconds: result.seconds,
        final: { exploitability: final.exploitability, policyValue: final.policyValue, bestResponseValue: final.bestResponseValue },
        // Which path ran: the tables fit the budget, every exploitability is exact.
        evaluation: { path: 'table', exploitabilityPath: 'table', memoryBudget, tableBytes: tableBytes(finite) },
        ...(gd ? await gdReport(result as GdMfrlResult) : runInfo()),
        date: new Date().toISOString(),
      };
      if (opts.out) writeFile(opts.out, `${JSON.stringify(report, null, 2)}\n`);
      if (opts.policyOut) {
        savePolicy(opts.policyOut, finite, id, kwargs, result.policy, { algo, params: report.params, iterations: result.iterations, exploitability: final.exploitability });
      }
      if (opts.plot) {
        const xs = result.exploitability.map((_, i) => i);
        writeFile(opts.plot, linePlotSvg(xs, result.exploitability, { title: `${id} · ${algo} ${JSON.stringify(result.params)}`, xLabel: 'iteration', yLabel: 'exploitability (log scale)' }));
      }
      if (opts.json) process.stdout.write(`${JSON.stringify(report)}\n`);
      else process.stdout.write(summary(report, result, opts));
      if (result.stopped === 'interrupted') process.exitCode = EXIT_INTERRUPTED;
    });
}

/** Only the parameters given on the command line; the solver fills in its own defaults. */
function solverParamsFromOptions(opts: SolveOptions): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  if (opts.alpha !== undefined) out['alpha'] = parseNumber('--alpha', opts.alpha, 'MFG_ERR_SOLVER_BAD_PARAM');
  if (opts.temperature !== undefined) out['temperature'] = parseNumber('--temperature', opts.temperature, 'MFG_ERR_SOLVER_BAD_PARAM');
  if (opts.eta !== undefined) out['eta'] = parseNumber('--eta', opts.eta, 'MFG_ERR_SOLVER_BAD_PARAM');
  if (opts.nInner !== undefined) out['nInner'] = opts.nInner === 'none' ? null : parseNumber('--n-inner', opts.nInner, 'MFG_ERR_SOLVER_BAD_PARAM');
  return out;
}

function parseNumber(flag: string, text: string, code: 'MFG_ERR_SOLVER_BAD_PARAM' | 'MFG_ERR_SEED_INVALID'): number {
  const v = text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(v)) {
    throw new MfgError(code, `${flag} ${JSON.stringify(text)} is not a number`, { details: { flag, value: text } });
  }
  return v;
}

function writeFile(file: string, text: string): void {
  try {
    fs.writeFileSync(file, text);
  } catch (e) {
    throw new MfgError('MFG_ERR_CLI_BAD_ARGUMENT', `cannot write ${file}: ${(e as Error).message}`, { cause: e, details: { file } });
  }
}

/**
 * What a GD-MFRL run adds to the results: the population that estimated each flow, its fits'
 * honesty verdicts, the estimated-flow error per iterate, and the tfjs backend that ran.
 */
async function gdReport(r: GdMfrlResult): Promise<Record<string, unknown>> {
  const info = runInfo();
  // tfjs is already loaded when a generative fit ran; loadTf returns that handle and its backend.
  const backend = r.population === 'generative' ? (await import('../../populations/generative/backend')).loadTf().then((h) => h.backend) : Promise.resolve(info.backend.name);
  const verdicts = r.fitReports.filter((f) => f !== null);
  return {
    population: r.population,
    samples: r.numAgents,
    flowUpdate: r.flowUpdate,
    estimatedExploitability: r.estimatedExploitability,
    flowTv: r.flowTv,
    fitSeconds: r.fitSeconds,
    fits: r.fits,
    consensus: verdicts.length ? verdicts.every((f) => f.consensus) : null,
    fitReports: r.fitReports,
    backend: { ...info.backend, name: await backend },
    versions: info.versions,
  };
}

function summary(report: { env: string; algo: string; params: object }, result: SolverResult | GdMfrlResult, opts: SolveOptions): string {
  const ex = result.exploitability;
  const total = result.seconds[result.seconds.length - 1]!;
  const n = result.iterations;
  let best = 0;
  for (let i = 1; i < ex.length; i++) if (ex[i]! < ex[best]!) best = i;
  const first = ex[0]!;
  const last = ex[ex.length - 1]!;
  const lines = [
    `${report.env} · ${report.algo} ${JSON.stringify(report.params)} · ${n} iterations in ${total.toFixed(3)} s${n ? ` (${((1000 * total) / n).toPrecision(3)} ms/iteration)` : ''}` +
      (result.stopped === 'completed' ? '' : ` · stopped: ${result.stopped}`),
    `exploitability ${first.toPrecision(6)} -> ${last.toPrecision(6)}${last > 0 ? ` (${(first / last).toPrecision(3)}x smaller)` : ''}; min ${ex[best]!.toPrecision(6)} at iteration ${best}`,
    '',
    'exploitability (log scale) by iteration:',
    curveChart(ex),
    xAxis(n, Math.min(ex.length, 60)),
  ];
  for (const [flag, file] of [['results', opts.out], ['policy', opts.policyOut], ['plot', opts.plot]] as const) if (file) lines.push(`${flag} written to ${file}`);
  return `${lines.join('\n')}\n`;
}

/** "0 ... n" under the chart's first and last columns. */
function xAxis(n: number, columns: number): string {
  const last = String(n);
  return `${' '.repeat(LABEL_WIDTH + 1)}0${' '.repeat(Math.max(1, columns - 1 - last.length))}${last}  (iteration)`;
}
