import * as fs from 'node:fs';
import { SingleBar } from 'cli-progress';
import type { ContinuousGame } from '../../core/continuous-game';
import { MfgError } from '../../core/errors';
import { runContinuousLearningSolver } from '../../learning/run-continuous-learning';
import { curveChart } from '../curve-chart';
import { resolveEnv } from '../env-options';
import { EXIT_INTERRUPTED, interruptOnSigint } from '../interrupt';
import { linePlotSvg } from '../plot';
import { runInfo } from '../run-info';
import type { LearningSolveOptions } from './solve-learning';

/**
 * `mfgym solve --algo ac-fp` on a continuous game: the learning solvers' report (curves, seeds,
 * backend, checkpoint/resume) with the exploitability estimated by simulation and labelled so,
 * each estimate with its Monte Carlo standard error, and W2 to the closed-form equilibrium flow
 * per iteration where the game has one (LQ).
 */
export async function solveContinuousLearning(opts: LearningSolveOptions, given: Record<string, unknown>, iterations: number): Promise<void> {
  if (opts.policyOut) {
    throw new MfgError('MFG_ERR_CLI_BAD_ARGUMENT', `--policy-out is not supported by ${opts.algo}: policy files hold tabular policies of finite games`, { details: { flag: '--policy-out', algo: opts.algo } });
  }
  const { id, kwargs, game } = await resolveEnv(opts);
  if (game.kind !== 'continuous') {
    throw new MfgError('MFG_ERR_GAME_UNSUPPORTED', `${opts.algo} learns continuous games; ${id} is ${game.kind} (use q-fp, dqn-fp, d-afp or d-momd)`, { details: { env: id, algo: opts.algo } });
  }
  const interrupt = interruptOnSigint();
  const bar = !opts.json && process.stderr.isTTY ? new SingleBar({ stream: process.stderr, format: `${opts.algo} {bar} {value}/{total} | exploitability (estimated) {expl} | {duration_formatted} elapsed, eta {eta_formatted}`, hideCursor: true }) : null;
  bar?.start(iterations, 0, { expl: '-' });
  if (!bar) process.stderr.write(`mfgym: learning ${id} with ${opts.algo}, ${iterations} iterations\n`);
  let result;
  try {
    result = await runContinuousLearningSolver(game as ContinuousGame, opts.algo, {
      iterations,
      seed: opts.seed,
      params: given,
      signal: interrupt.signal,
      checkpointDir: opts.checkpoint,
      resumeFrom: opts.resume,
      // The estimate for iteration i arrives with iteration i+1's best response.
      onIteration: (i, e) => bar?.update(Math.min(i, iterations), { expl: e.toPrecision(4) }),
    });
  } finally {
    bar?.stop();
    interrupt.release();
  }
  const ex = result.exploitability;
  const se = result.exploitabilityStandardError;
  const info = runInfo();
  const report = {
    env: id,
    kwargs,
    algo: result.solver,
    params: result.params,
    seed: opts.seed,
    iterations,
    completedIterations: result.iterations,
    stopped: result.stopped,
    tol: null,
    initialPolicy: 'passive (a = 0)',
    exploitability: ex,
    exploitabilityStandardError: se,
    exploitabilityKind: result.exploitabilityKind,
    evaluation: { path: 'simulation', agentEpisodes: result.params['evalBatches']! * result.params['agents']!, bestResponse: 'ppo' },
    w2ToEquilibrium: result.w2ToEquilibrium,
    population: result.population,
    seconds: result.seconds,
    final: { exploitability: ex[ex.length - 1] ?? null, standardError: se[se.length - 1] ?? null },
    curves: result.curves,
    resumedFrom: opts.resume ?? null,
    backend: { ...info.backend, name: result.backend, precision: 'float32 training, float64 inference' },
    versions: info.versions,
    date: new Date().toISOString(),
  };
  if (opts.out) writeFile(opts.out, `${JSON.stringify(report, null, 2)}\n`);
  if (opts.plot) {
    writeFile(opts.plot, linePlotSvg(ex.map((_, i) => i), ex, { title: `${id} · ${result.solver} seed ${opts.seed} (estimated)`, xLabel: 'iteration', yLabel: 'exploitability, estimated', logY: false }));
  }
  if (opts.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else {
    const total = result.seconds[result.seconds.length - 1] ?? 0;
    const n = result.iterations;
    const fmt = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? '-' : x.toPrecision(4));
    const lines = [
      `${id} · ${result.solver} · seed ${opts.seed} · ${n} iterations in ${total.toFixed(2)} s${n ? ` (${(total / n).toPrecision(3)} s/iteration)` : ''} · backend ${result.backend} · population ${result.population}` +
        (result.stopped === 'completed' ? '' : ` · stopped: ${result.stopped}`),
      `exploitability (estimated: PPO best response vs output policy, by simulation) ${fmt(ex[0])} ± ${fmt(se[0])} -> ${fmt(ex[ex.length - 1])} ± ${fmt(se[se.length - 1])}`,
      ...(result.w2ToEquilibrium ? [`W2 to the closed-form equilibrium flow (max over epochs): ${result.w2ToEquilibrium.map((w) => w.toPrecision(3)).join(' ')}`] : []),
      '',
      'exploitability (estimated) by iteration:',
      curveChart(ex.map((e) => Math.max(e, 1e-12))),
      '',
      `mean episode return per PPO rollout of ${result.params['agents']} agent-episodes: ${fmt(result.curves.episodeReturn[0])} -> ${fmt(result.curves.episodeReturn[result.curves.episodeReturn.length - 1])}`,
      `critic loss: ${fmt(result.curves.loss[0])} -> ${fmt(result.curves.loss[result.curves.loss.length - 1])}`,
    ];
    for (const [flag, file] of [['results', opts.out], ['plot', opts.plot], ['checkpoint', opts.checkpoint]] as const) if (file) lines.push(`${flag} written to ${file}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  if (result.stopped === 'interrupted') process.exitCode = EXIT_INTERRUPTED;
}

function writeFile(file: string, text: string): void {
  try {
    fs.writeFileSync(file, text);
  } catch (e) {
    throw new MfgError('MFG_ERR_CLI_BAD_ARGUMENT', `cannot write ${file}: ${(e as Error).message}`, { cause: e, details: { file } });
  }
}
