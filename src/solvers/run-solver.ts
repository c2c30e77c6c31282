import { MfgError } from '../core/errors';
import type { FiniteGame } from '../core/finite-game';
import type { Game } from '../core/game';
import { checkPolicy, evaluateAgainstFlow, evaluatePolicy, uniformPolicy, type PolicyEvaluation, type TabularPolicy, type TimeTable } from '../core/tabular/index';
import { exactFlowSource, meanStateTv, type FlowSource } from './flow-source';
import type { TieBreak } from '../core/tabular/index';
import type { Solver } from './solver';

export interface RunSolverOptions {
  /** Number of updates; exploitability gets iterations + 1 entries unless stopped early. */
  iterations: number;
  /** Stop as soon as the exploitability is <= tol (no early stop when undefined). */
  tol?: number;
  /** Start here instead of the uniform policy over legal actions (checked with checkPolicy). */
  initialPolicy?: TabularPolicy;
  /** Called after every evaluation, index 0 being the initial policy. */
  onIteration?: (progress: IterationProgress) => void;
  /** Aborting stops the run after the iteration in progress; the result covers what was done. */
  signal?: AbortSignal;
  /**
   * Where every flow comes from (default: exactFlowSource, the forward equation). With an
   * estimator the solver's steps see Q tables against the estimated flows, while the recorded
   * exploitability is the exact one, against Gamma(pi).
   */
  flowSource?: FlowSource;
}

export interface IterationProgress {
  iteration: number;
  exploitability: number;
  /** Cumulative wall time since the start of the run, seconds. */
  seconds: number;
  /** The exact evaluation of pi_i (against Gamma(pi_i)). */
  evaluation: PolicyEvaluation;
  /** The evaluation the solver stepped from: against the source's flow (the same object when the source is exact). */
  solverView: PolicyEvaluation;
  /** Mean TV between the source's and the exact state marginals (0 for the exact source). */
  flowTv: number;
}

export type StopReason = 'completed' | 'tolerance' | 'interrupted';

export interface SolverResult {
  solver: string;
  params: Record<string, number | null>;
  /** The tie rule of the solver's greedy best responses; null for solvers that take none. */
  tieBreak: TieBreak | null;
  /** exploitability[i] is that of pi_i; index 0 is the initial policy. */
  exploitability: number[];
  /** seconds[i]: wall time from the start until pi_i was evaluated (non-decreasing). */
  seconds: number[];
  /** Updates actually performed (exploitability.length - 1). */
  iterations: number;
  stopped: StopReason;
  /** The last policy and its evaluation (flow, Q tables, values). */
  policy: TabularPolicy;
  evaluation: PolicyEvaluation;
  /** The flow source's kind ('exact' unless an estimator was injected). */
  flowSource: string;
  /** estimatedExploitability[i]: pi_i's exploitability against its estimated flow (equals exploitability[i] for the exact source). */
  estimatedExploitability: number[];
  /** flowTv[i]: mean TV between pi_i's estimated and exact state marginals (0 for the exact source). */
  flowTv: number[];
}

/**
 * Runs a solver on a finite game: evaluates pi_0, then `iterations` times updates and
 * evaluates, recording the exploitability of every policy and the cumulative time.
 * It yields to the event loop between iterations so a signal (SIGINT on the CLI) can land;
 * the iteration in progress always completes, so the recorded curve is never half a step.
 */
export async function runSolver(game: Game, solver: Solver, options: RunSolverOptions): Promise<SolverResult> {
  const finite = requireFinite(game, solver.name);
  const { iterations, tol } = options;
  checkRunLength(iterations, tol);
  let policy = options.initialPolicy ?? uniformPolicy(finite);
  if (options.initialPolicy) checkPolicy(finite, policy);
  const flows = options.flowSource ?? exactFlowSource(finite);

  const t0 = process.hrtime.bigint();
  const elapsed = (): number => Number(process.hrtime.bigint() - t0) / 1e9;
  const exploitability: number[] = [];
  const estimatedExploitability: number[] = [];
  const flowTv: number[] = [];
  const seconds: number[] = [];
  let evaluation: PolicyEvaluation | null = null;
  let view: PolicyEvaluation | null = null;
  /** Evaluates pi: against the source's flow (what the solver steps from) and exactly (what is recorded). */
  const evaluate = async (known: TimeTable | undefined): Promise<void> => {
    if (flows.exact && !known) {
      view = evaluation = evaluatePolicy(finite, policy);
    } else {
      view = evaluateAgainstFlow(finite, policy, known ?? (await flows.flowOf(policy)));
      evaluation = evaluatePolicy(finite, policy);
    }
  };
  const record = (i: number): void => {
    const e = evaluation!;
    exploitability.push(e.exploitability);
    estimatedExploitability.push(view!.exploitability);
    flowTv.push(view === e ? 0 : meanStateTv(finite, view!.flow, e.flow));
    seconds.push(elapsed());
    options.onIteration?.({ iteration: i, exploitability: e.exploitability, seconds: seconds[seconds.length - 1]!, evaluation: e, solverView: view!, flowTv: flowTv[flowTv.length - 1]! });
  };

  const run = solver.start(finite, policy, { flows });
  let stopped: StopReason = 'completed';
  try {
    await evaluate(undefined);
    record(0);
    for (let i = 0; i < iterations; i++) {
      if (tol !== undefined && evaluation!.exploitability <= tol) {
        stopped = 'tolerance';
        break;
      }
      if (options.signal) {
        // One macrotask turn per iteration: enough for a pending signal handler to run.
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (options.signal.aborted) {
          stopped = 'interrupted';
          break;
        }
      }
      const next = await run.step(view!, i);
      const known = run.carriedFlow?.() ?? undefined;
      policy = next;
      await evaluate(known);
      record(i + 1);
    }
  } catch (e) {
    // A flow source's fit stopped by the signal ends the run cleanly with what was recorded.
    if (!(e instanceof MfgError && e.code === 'MFG_ERR_GENERATIVE_ABORTED' && exploitability.length > 0)) throw e;
    stopped = 'interrupted';
  }
  // Interrupted between an update and its evaluation: the result is the last evaluated policy.
  const last = evaluation as PolicyEvaluation | null;
  if (last === null) throw new MfgError('MFG_ERR_INTERNAL', 'runSolver ended without evaluating a policy');
  return {
    solver: solver.name,
    params: { ...solver.params },
    tieBreak: solver.tieBreak ?? null,
    exploitability,
    seconds,
    iterations: exploitability.length - 1,
    stopped,
    policy: last.policy,
    evaluation: last,
    flowSource: flows.kind,
    estimatedExploitability,
    flowTv,
  };
}

function requireFinite(game: Game, solver: string): FiniteGame {
  if (game.kind !== 'finite') {
    throw new MfgError('MFG_ERR_GAME_UNSUPPORTED', `the exact solver ${solver} needs a finite game; this one is ${game.kind} (use a population-based solver)`, {
      details: { solver, kind: game.kind },
    });
  }
  return game;
}

/** Checks a run's length at the edge: iterations an integer >= 0, tol (when given) a number >= 0. */
export function checkRunLength(iterations: number, tol: number | undefined): void {
  if (!Number.isInteger(iterations) || iterations < 0) {
    throw new MfgError('MFG_ERR_SOLVER_BAD_PARAM', `iterations = ${JSON.stringify(iterations)} is invalid, expected an integer >= 0`, {
      details: { param: 'iterations', value: iterations, expected: 'an integer >= 0' },
    });
  }
  if (tol !== undefined && !(typeof tol === 'number' && tol >= 0)) {
    throw new MfgError('MFG_ERR_SOLVER_BAD_PARAM', `tol = ${JSON.stringify(tol)} is invalid, expected a number >= 0`, {
      details: { param: 'tol', value: tol, expected: 'a number >= 0' },
    });
  }
}
