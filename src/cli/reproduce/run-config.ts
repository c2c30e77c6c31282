import type { ContinuousGame } from '../../core/continuous-game';
import type { FiniteGame } from '../../core/finite-game';
import { Rng } from '../../core/rng';
import type { TabularPolicy, TimeTable } from '../../core/tabular/index';
import { lqClosedForm, lqEquilibriumPolicy, type LqClosedForm } from '../../../envs/linear-quadratic-continuous';
import { simulateContinuous } from '../../populations/simulate-continuous';
import { createSolver, runSolver, type StopReason } from '../../solvers/index';
import { resolveEnv } from '../env-options';
import { loadPolicy, requireFiniteGame } from '../commands/evaluate';
import type { ReproduceConfig } from './config';

/** One evaluated iterate (index 0 = the initial policy). */
export interface IterationRow {
  iteration: number;
  exploitability: number;
  bestResponseValue: number;
  policyValue: number;
  /** Multi-population games: each population's exploitability (they sum to `exploitability`), keyed "exploitability:NAME". */
  [perPopulation: `exploitability:${string}`]: number;
  /** Cumulative wall time: the only field that differs between two runs of the same config. */
  seconds: number;
}

/** One epoch of the LQ run: the simulated population's moments next to the closed form. */
export interface EpochRow {
  t: number;
  mean: number;
  variance: number;
  closedFormMean: number;
  closedFormVariance: number;
  /** W2 between N(mean, variance) and the closed-form Gaussian. */
  w2: number;
}

export interface RunOutcome {
  env: string;
  kwargs: Record<string, unknown>;
  algo: string;
  params: Record<string, number | null>;
  seed: number;
  completedIterations: number;
  stopped: StopReason;
  /** Solver runs: one row per iterate. */
  rows: IterationRow[];
  /** LQ runs: one row per epoch. */
  epochs: EpochRow[];
  finite: { game: FiniteGame; policy: TabularPolicy; flow: TimeTable } | null;
  lq: { points: Float64Array[]; closedForm: LqClosedForm } | null;
}

export interface RunHooks {
  signal?: AbortSignal;
  onIteration?: (iteration: number, exploitability: number) => void;
}

/** Runs what a config says, with its seed (or the override). Deterministic apart from the seconds. */
export async function runConfig(config: ReproduceConfig, seed: number, hooks: RunHooks = {}): Promise<RunOutcome> {
  const { id, kwargs, game } = await resolveEnv({ env: config.env, kwargs: JSON.stringify(config.kwargs) });
  if (config.kind === 'lq-closed-form') return runLq(config, id, kwargs, game as ContinuousGame, seed);
  const finite = requireFiniteGame(game, id);
  const solver = createSolver(config.algo!, config.params ?? {});
  const initialPolicy = loadPolicy(config.initialPolicy ?? 'uniform', finite, id);
  const rows: IterationRow[] = [];
  const result = await runSolver(finite, solver, {
    iterations: config.iterations!,
    ...(config.tol !== undefined ? { tol: config.tol } : {}),
    initialPolicy,
    ...(hooks.signal ? { signal: hooks.signal } : {}),
    onIteration: ({ iteration, exploitability, seconds, evaluation }) => {
      const row: IterationRow = { iteration, exploitability, bestResponseValue: evaluation.bestResponseValue, policyValue: evaluation.policyValue, seconds };
      if (finite.populations.length > 1) finite.populations.forEach((pop, p) => (row[`exploitability:${pop.name}`] = evaluation.populations[p]!.exploitability));
      // seconds last, so the CSV's columns read: what is reproducible, then the wall time.
      const { seconds: s, ...rest } = row;
      rows.push({ ...rest, seconds: s } as IterationRow);
      hooks.onIteration?.(iteration, exploitability);
    },
  });
  return {
    env: id,
    kwargs,
    algo: solver.name,
    params: result.params,
    seed,
    completedIterations: result.iterations,
    stopped: result.stopped,
    rows,
    epochs: [],
    finite: { game: finite, policy: result.policy, flow: result.evaluation.flow },
    lq: null,
  };
}

/**
 * The LQ closed form (Carmona, Fouque and Sun): simulate `samples` agents under the equilibrium
 * control a = (q + eta_t)(m - x) and compare each epoch's moments with the exact Gaussian flow.
 */
function runLq(config: ReproduceConfig, id: string, kwargs: Record<string, unknown>, game: ContinuousGame, seed: number): RunOutcome {
  const closedForm = lqClosedForm(kwargs);
  const sim = simulateContinuous(game, lqEquilibriumPolicy(kwargs), config.samples!, new Rng(seed));
  const epochs: EpochRow[] = sim.points.map((pts, t) => {
    const n = pts.length;
    let m = 0;
    for (let i = 0; i < n; i++) m += pts[i]!;
    m /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (pts[i]! - m) ** 2;
    v /= n - 1;
    const cm = closedForm.mean[t]!;
    const cv = closedForm.variance[t]!;
    return { t, mean: m, variance: v, closedFormMean: cm, closedFormVariance: cv, w2: Math.sqrt((m - cm) ** 2 + (Math.sqrt(v) - Math.sqrt(cv)) ** 2) };
  });
  return {
    env: id,
    kwargs,
    algo: 'lq-closed-form',
    params: { samples: config.samples! },
    seed,
    completedIterations: 0,
    stopped: 'completed',
    rows: [],
    epochs,
    finite: null,
    lq: { points: sim.points, closedForm },
  };
}
