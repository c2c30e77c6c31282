import * as fs from 'node:fs';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { MfgError } from '../../core/errors';
import { isLearningSolverName as isFiniteLearningSolverName, learningSolverDefinition, learningSolverNames as finiteLearningSolverNames } from '../../learning/learning-solvers';
import { AC_FP_PARAMS } from '../../learning/ac-fp';
import { CONTINUOUS_LEARNING_SOLVERS, isContinuousLearningSolverName } from '../../learning/run-continuous-learning';
import { runLearningSolver } from '../../learning/run-learning';
import { tableBytes } from '../../solvers/memory-budget';
import { resolveParams } from '../../solvers/solver';
import { curveChart } from '../curve-chart';
import { EXIT_INTERRUPTED, interruptOnSigint } from '../interrupt';
import { resolveEnv, type EnvOptions } from '../env-options';
import { linePlotSvg } from '../plot';
import { policyToFile, writePolicyFile } from '../policy-file';
import { runInfo } from '../run-info';
import { parseSettings } from '../settings-option';
import { requireFiniteGame } from './evaluate';
import { solveContinuousLearning } from './solve-continuous-learning';

/** Every learning solver: the finite ones (q-fp, dqn-fp, d-afp, d-momd) and ac-fp for continuous games. */
function learningSolverNames(): string[] {
  return [...finiteLearningSolverNames(), ...CONTINUOUS_LEARNING_SOLVERS.map((d) => d.name)];
}

/** The learning solvers `mfgym solve --algo` accepts besides the exact ones. */
export function learningAlgoNames(): string[] {
  return learningSolverNames();
}

export function isLearningSolverName(name: string): boolean {
  return isFiniteLearningSolverName(name) || isContinuousLearningSolverName(name);
}

/** The options only the learning solvers read; solve.ts adds them to its command. */
export function addLearningOptions(cmd: Command): Command {
  return cmd
    .option('--params <json>', `${learningSolverNames().join('/')}: solver parameters as a JSON object, e.g. {"agents":64,"brBatches":30}`)
    .option('--checkpoint <dir>', `${learningSolverNames().join('/')}: write a checkpoint (networks, buffers, flow, RNG) to this folder after every iteration`)
    .option('--resume <dir>', `${learningSolverNames().join('/')}: resume from a checkpoint folder (same env, algo, params and seed); --iters counts from the start`);
}

export interface LearningSolveOptions extends EnvOptions {
  algo: string;
  iters: string;
  seed: number;
  tol?: string;
  policy: string;
  out?: string;
  policyOut?: string;
  plot?: string;
  json?: boolean;
  params?: string;
  checkpoint?: string;
  resume?: string;
}

/**
 * `mfgym solve --algo q-fp|dqn-fp|d-afp|d-momd`: the same report as the exact solvers (curve,
 * seconds, final values, run info) plus the learning curves (mean episode return per batch of N
 * agent-episodes, loss), the tfjs backend, and how the exploitability was obtained.
 */
export async function solveLearning(opts: LearningSolveOptions): Promise<void> {
  const iterations = Number(opts.iters);
  if (!Number.isInteger(iterations) || iterations < 0) {
    throw new MfgError('MFG_ERR_SOLVER_BAD_PARAM', `--iters ${JSON.stringify(opts.iters)} is invalid, expected an integer >= 0`, { details: { flag: '--iters', value: opts.iters } });
  }
  for (const [flag, given] of [['--tol', opts.tol !== undefined], ['--policy', opts.policy !== 'uniform']] as const) {
    if (given) throw new MfgError('MFG_ERR_CLI_BAD_ARGUMENT', `${flag} is not supported by the learning solver ${opts.algo} (it starts from the uniform policy and runs --iters iterations)`, { details: { flag, algo: opts.algo } });
  }
  let given: Record<string, unknown> = {};
  if (opts.params !== undefined) {
    try {
      given = JSON.parse(opts.params) as Record<string, unknown>;
    } catch (e) {
      throw new MfgError('MFG_ERR_CLI_BAD_ARGUMENT', `--params is not JSON: ${(e as Error).message}`, { details: { flag: '--params', value: opts.params } });
    }
    if (given === null || typeof given !== 'object' || Array.isArray(given)) {
      throw new MfgError('MFG_ERR_CLI_BAD_ARGUMENT', '--params must be a JSON object', { details: { flag: '--params', value: opts.params } });
    }
  }
  const exactFlags = opts as unknown as Record<string, unknown>;
  for (const [flag, key] of [['--alpha', 'alpha'], ['--temperature', 'temperature'], ['--eta', 'eta'], ['--n-inner', 'nInner'], ['--settings', 'settings']] as const) {
    // --settings reaches the generative population's fits (--params '{"generative": 1}'), as gd-fp's.
    if (key === 'settings' && given['generative'] === 1) continue;
    if (exactFlags[key] !== undefined) {
      throw new MfgError('MFG_ERR_CLI_BAD_ARGUMENT', `${flag} is an exact-solver option; give ${opts.algo}'s parameters with --params, e.g. --params '{"${key === 'alpha' ? 'alpha' : 'tau'}": 0.5}'`, { details: { flag, algo: opts.algo } });
    }
  }
  if (isContinuousLearningSolverName(opts.algo)) {
    resolveParams({ name: opts.algo, params: AC_FP_PARAMS }, given); // a bad parameter fails before the env is built
    return solveContinuousLearning(opts, given, iterations);
  }
  const def = learningSolverDefinition(opts.algo);
  resolveParams(def, given); // a bad parameter fails before the env is built
  const { id, kwargs, game } = await resolveEnv(opts);
  const finite = requireFiniteGame(game, id);

  const interrupt = interruptOnSigint();
  const bar = !opts.json && process.stderr.isTTY ? new SingleBar({ stream: process.stderr, format: `${def.name} {bar} {value}/{total} | exploitability {expl} | {duration_formatted} elapsed, eta {eta_formatted}`, hideCursor: true }) : null;
  bar?.start(iterations, 0, { expl: '-' });
  if (!bar) process.stderr.write(`mfgym: learning ${id} with ${def.name}, ${iterations} iterations\n`);
  let result;
  try {
    result = await runLearningSolver(finite, def.name, {
      iterations,
      seed: opts.seed,
      params: given,
      signal: interrupt.signal,
      checkpointDir: opts.checkpoint,
      resumeFrom: opts.resume,
      settings: parseSettings(exactFlags['settings'] as string | undefined),
      onIteration: (i, e) => bar?.update(i, { expl: e.toPrecision(4) }),
    });
  } finally {
    bar?.stop();
    interrupt.release();
  }
  const final = result.evaluation;
  const info = runInfo();
  const report = {
    env: id,
    kwargs,
    algo: def.name,
    params: result.params,
    seed: opts.seed,
    iterations,
    completedIterations: result.iterations,
    stopped: result.stopped,
    tol: null,
    initialPolicy: 'uniform',
    exploitability: result.exploitability,
    exploitabilityKind: result.exploitabilityKind,
    // Learned policies are scored on the tables (games past the learners' size limit are refused).
    evaluation: { path: 'table', exploitabilityPath: 'table', tableBytes: tableBytes(finite) },
    seconds: result.seconds,
    final: { exploitability: final.exploitability, policyValue: final.policyValue, bestResponseValue: final.bestResponseValue },
    curves: result.curves,
    // Only in generative runs (params.generative = 1): the fits' count, seconds and honesty verdicts.
    ...(result.generative ? { generative: result.generative } : {}),
    resumedFrom: opts.resume ?? null,
    backend: { ...info.backend, name: result.backend ?? 'js-tabular', precision: result.backend ? 'float32 training, float64 inference' : 'float64' },
    versions: info.versions,
    date: new Date().toISOString(),
  };
  if (opts.out) writeFile(opts.out, `${JSON.stringify(report, null, 2)}\n`);
  if (opts.policyOut) {
    writePolicyFile(opts.policyOut, policyToFile(finite, id, kwargs, result.policy, { algo: def.name, params: result.params, iterations: result.iterations, exploitability: final.exploitability }));
  }
  if (opts.plot) {
    writeFile(opts.plot, linePlotSvg(result.exploitability.map((_, i) => i), result.exploitability, { title: `${id} · ${def.name} seed ${opts.seed}`, xLabel: 'iteration', yLabel: 'exploitability (log scale)' }));
  }
  if (opts.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else {
    const ex = result.exploitability;
    const total = result.seconds[result.seconds.length - 1]!;
    const n = result.iterations;
    const lines = [
      `${id} · ${def.name} · seed ${opts.seed} · ${n} iterations in ${total.toFixed(2)} s${n ? ` (${(total / n).toPrecision(3)} s/iteration)` : ''} · backend ${report.backend.name}` +
        (result.stopped === 'completed' ? '' : ` · stopped: ${result.stopped}`),
      `exploitability (exact) ${ex[0]!.toPrecision(6)} -> ${ex[ex.length - 1]!.toPrecision(6)}${ex[ex.length - 1]! > 0 ? ` (${(ex[0]! / ex[ex.length - 1]!).toPrecision(3)}x smaller)` : ''}`,
      '',
      'exploitability (log scale) by iteration:',
      curveChart(ex),
      '',
      `mean episode return per batch of ${result.params['agents']} agent-episodes: ${fmt(result.curves.episodeReturn[0])} -> ${fmt(result.curves.episodeReturn[result.curves.episodeReturn.length - 1])}`,
    ];
    if (result.curves.loss.length) lines.push(`training loss: ${fmt(result.curves.loss[0])} -> ${fmt(result.curves.loss[result.curves.loss.length - 1])}`);
    for (const [flag, file] of [['results', opts.out], ['policy', opts.policyOut], ['plot', opts.plot], ['checkpoint', opts.checkpoint]] as const) if (file) lines.push(`${flag} written to ${file}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  if (result.stopped === 'interrupted') process.exitCode = EXIT_INTERRUPTED;
}

function fmt(x: number | undefined): string {
  return x === undefined || !Number.isFinite(x) ? '-' : x.toPrecision(4);
}

function writeFile(file: string, text: string): void {
  try {
    fs.writeFileSync(file, text);
  } catch (e) {
    throw new MfgError('MFG_ERR_CLI_BAD_ARGUMENT', `cannot write ${file}: ${(e as Error).message}`, { cause: e, details: { file } });
  }
}
