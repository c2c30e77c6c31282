import { MfgError } from '../core/errors';
import type { FiniteGame } from '../core/finite-game';
import type { Game } from '../core/game';
import { checkPolicy, evaluatePolicy, uniformPolicy, type PolicyEvaluation, type TabularPolicy } from '../core/tabular/index';
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
}

export interface IterationProgress {
  iteration: number;
  exploitability: number;
  /** Cumulative wall time since the start of the run, seconds. */
  seconds: number;
  evaluation: PolicyEvaluation;
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

  const t0 = process.hrtime.bigint();
  const elapsed = (): number => Number(process.hrtime.bigint() - t0) / 1e9;
  const exploitability: number[] = [];
  const seconds: number[] = [];
  let evaluation = evaluatePolicy(finite, policy);
  const record = (i: number): void => {
    exploitability.push(evaluation.exploitability);
    seconds.push(elapsed());
    options.onIteration?.({ iteration: i, exploitability: evaluation.exploitability, seconds: seconds[seconds.length - 1]!, evaluation });
  };
  record(0);

  const run = solver.start(finite, policy);
  let stopped: StopReason = 'completed';
  for (let i = 0; i < iterations; i++) {
    if (tol !== undefined && evaluation.exploitability <= tol) {
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
    policy = run.step(evaluation, i);
    evaluation = evaluatePolicy(finite, policy);
    record(i + 1);
  }
  return {
    solver: solver.name,
    params: { ...solver.params },
    tieBreak: solver.tieBreak ?? null,
    exploitability,
    seconds,
    iterations: exploitability.length - 1,
    stopped,
    policy,
    evaluation,
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
