import { MfgError } from '../core/errors';
import type { FiniteGame } from '../core/finite-game';
import type { Game } from '../core/game';
import { checkSeed, Rng } from '../core/rng';
import { checkTieBreak, type PolicyEvaluation, type TabularPolicy, type TieBreak, type TimeTable } from '../core/tabular/index';
import { DEFAULT_NUM_AGENTS } from '../populations/make-population';
import type { FinitePopulationFlow } from '../populations/population';
import { fictitiousPlay } from './fictitious-play';
import { FittedFlowSource, type FitHonesty } from './fitted-flow-source';
import { exactFlowSource, type FlowSource } from './flow-source';
import { onlineMirrorDescent } from './online-mirror-descent';
import { checkRunLength, runSolver, type StopReason } from './run-solver';
import { resolveParams, type ParamSpecs, type SolverDefinition, type SolverParams } from './solver';

export { estimatedFlow, type FitHonesty } from './fitted-flow-source';
export { meanStateTv } from './flow-source';

/**
 * GD-MFRL as a solver (DESIGN §5, "any of the above with the generative population instead of
 * the exact one"): gd-fp is the fp solver and gd-omd the omd solver, run by runSolver with an
 * estimating flow source (FittedFlowSource) injected instead of the forward equation. Each flow
 * is estimated from numAgents simulated agents fitted by a population representation (the
 * generative model by default, or particles):
 *   L^_t(s, a) = mu^_t(s) · pi_t(a | s).
 * Best responses and Q^pi are then EXACT backward inductions against L^ (finite games), and the
 * exploitability recorded per iteration is computed exactly against Gamma(pi), so the curve is
 * directly comparable with the exact solver's. With population 'exact' the source is the
 * forward equation itself and the run is the exact solver's, bit for bit.
 *
 * Fits per iteration:
 * - FP fits the best response's agents (its flow weights the average, as mixPolicies does for
 *   exact FP). The flow of the next policy is then, by default, the same average of estimates,
 *   L^_{k+1} = (1-w)·L^_k + w·L^(BR_k): when the dynamics ignore the mean field this is exactly
 *   the flow of the mixed policy (Gamma is affine along the mixing), it costs no further fit, and
 *   the estimation noise of successive fits averages out like fictitious play's own average.
 *   When the dynamics read the mean field that identity fails, so the current policy's agents
 *   are simulated and fitted afresh each iteration ('refit', two fits per iteration).
 * - OMD fits the current policy's agents once (for Q^pi); its logits do not average flows.
 */
export type GdAlgorithm = 'fp' | 'omd';

/** A GD solver's registry entry: numeric parameters checked like the exact solvers'. */
export interface GdSolverDefinition {
  readonly name: string;
  readonly algorithm: GdAlgorithm;
  readonly description: string;
  readonly params: ParamSpecs;
  /** The exact solver this one runs with an estimator. */
  readonly base: SolverDefinition;
}

export const gdFictitiousPlay: GdSolverDefinition = {
  name: 'gd-fp',
  algorithm: 'fp',
  description: 'GD-MFRL fictitious play: best respond to the flow a fitted population (generative or particles) estimates from simulated agents.',
  params: fictitiousPlay.params,
  base: fictitiousPlay,
};

export const gdOnlineMirrorDescent: GdSolverDefinition = {
  name: 'gd-omd',
  algorithm: 'omd',
  description: 'GD-MFRL online mirror descent: y += alpha·Q^pi against the flow a fitted population estimates from simulated agents.',
  params: onlineMirrorDescent.params,
  base: onlineMirrorDescent,
};

/** The GD solvers by name, in the order the CLI lists them. */
export const GD_SOLVERS: readonly GdSolverDefinition[] = [gdFictitiousPlay, gdOnlineMirrorDescent];

export function isGdSolverName(name: string): boolean {
  return GD_SOLVERS.some((d) => d.name === name);
}

export function gdSolverDefinition(name: string): GdSolverDefinition {
  const def = GD_SOLVERS.find((d) => d.name === name);
  if (!def) {
    throw new MfgError('MFG_ERR_SOLVER_UNKNOWN', `unknown GD-MFRL solver ${JSON.stringify(name)}, expected one of ${GD_SOLVERS.map((d) => d.name).join(', ')}`, {
      details: { solver: name, known: GD_SOLVERS.map((d) => d.name) },
    });
  }
  return def;
}

/** Checks user parameters of a GD solver at the edge, exactly as the exact solvers' are checked. */
export function resolveGdParams(def: GdSolverDefinition, given: Readonly<Record<string, unknown>> = {}): SolverParams {
  return resolveParams(def, given);
}

export interface GdMfrlOptions {
  /** Number of updates; exploitability gets iterations + 1 entries unless stopped early. */
  readonly iterations: number;
  /** Solver parameters (alpha, temperature), checked against the definition. */
  readonly params?: Readonly<Record<string, unknown>>;
  /** gd-fp only: how its greedy best responses split exact ties ('uniform' by default, or 'first'). */
  readonly tieBreak?: TieBreak;
  /** Population kind that estimates each flow: 'generative' (default) or 'particles' ('exact' is allowed as a control). */
  readonly population?: string;
  /** Simulated agents per fit (default 10^4). */
  readonly numAgents?: number;
  /** Seeds every simulation and fit (default 0): same seed, same run bit for bit. */
  readonly seed?: number;
  /** Passed to every fit untouched (e.g. the generator's training budget). */
  readonly settings?: Readonly<Record<string, unknown>>;
  /**
   * FP only: how the current policy's flow is estimated after the first iteration. 'average'
   * mixes the previous estimate with the best response's (one fit per iteration), 'refit'
   * simulates and fits the current policy's agents (two). 'auto' (default): 'average' unless the
   * game's dynamics depend on the mean field.
   */
  readonly flowUpdate?: 'auto' | 'average' | 'refit';
  /** Warm-start every generative fit from the previous one's generator (default false: see FittedFlowSourceOptions.warmStart). */
  readonly warmStart?: boolean;
  readonly tol?: number;
  readonly initialPolicy?: TabularPolicy;
  readonly onIteration?: (progress: GdIterationProgress) => void;
  /** Aborting stops after the iteration in progress (or inside a generative fit); the result covers what was done. */
  readonly signal?: AbortSignal;
}

export interface GdIterationProgress {
  readonly iteration: number;
  /** Exact exploitability of pi_i (against Gamma(pi_i)). */
  readonly exploitability: number;
  /** Exploitability of pi_i as the solver sees it: against the estimated flow L^. */
  readonly estimatedExploitability: number;
  /** Mean over populations and epochs of TV(mu^_t, mu_t): how far the estimate is from Gamma(pi_i). */
  readonly flowTv: number;
  /** Cumulative wall time, seconds. */
  readonly seconds: number;
  /** Seconds spent fitting populations so far. */
  readonly fitSeconds: number;
  readonly evaluation: PolicyEvaluation;
  /** The representation fitted last: to pi_i's agents, or in FP's average mode to the last best response's (null for the exact source). */
  readonly population: FinitePopulationFlow | null;
}

export interface GdMfrlResult {
  readonly solver: string;
  readonly params: SolverParams;
  /** gd-fp: the tie rule of its greedy best responses; null for gd-omd. */
  readonly tieBreak: TieBreak | null;
  readonly population: string;
  readonly numAgents: number;
  readonly seed: number;
  /** exploitability[i]: exact, of pi_i; index 0 is the initial policy. */
  readonly exploitability: number[];
  /** estimatedExploitability[i]: of pi_i against its estimated flow. */
  readonly estimatedExploitability: number[];
  /** flowTv[i]: mean TV between pi_i's estimated and exact state marginals. */
  readonly flowTv: number[];
  /** seconds[i]: wall time from the start until pi_i was evaluated (non-decreasing). */
  readonly seconds: number[];
  /** fitSeconds[i]: cumulative seconds spent fitting populations until pi_i was evaluated. */
  readonly fitSeconds: number[];
  readonly iterations: number;
  readonly stopped: StopReason;
  /** How FP estimated the current policy's flow ('average' or 'refit'; 'refit' for OMD). */
  readonly flowUpdate: 'average' | 'refit';
  /** Populations fitted in the run (simulations of numAgents agents each). */
  readonly fits: number;
  /**
   * Per fit, in order: the honesty verdict of representations that carry one (the generative
   * population's consensus loop: C2ST accuracy, combined p-value, consensus), else null.
   */
  readonly fitReports: (FitHonesty | null)[];
  readonly policy: TabularPolicy;
  readonly evaluation: PolicyEvaluation;
}

/** Runs gd-fp or gd-omd on a finite game: the exact solver with an estimating flow source. */
export async function runGdMfrl(game: Game, solver: string | GdSolverDefinition, options: GdMfrlOptions): Promise<GdMfrlResult> {
  const def = typeof solver === 'string' ? gdSolverDefinition(solver) : solver;
  const finite = requireFinite(game, def.name);
  const params = resolveGdParams(def, options.params);
  if (options.tieBreak !== undefined && def.algorithm !== 'fp') {
    throw new MfgError('MFG_ERR_SOLVER_BAD_PARAM', `${def.name} takes no greedy best response, so a tie rule does not apply (it does to gd-fp)`, {
      details: { solver: def.name, param: 'tieBreak', value: options.tieBreak },
    });
  }
  const tieBreak = def.algorithm === 'fp' ? checkTieBreak(options.tieBreak ?? 'uniform') : null;
  const { iterations, tol } = options;
  checkRunLength(iterations, tol);
  const kind = options.population ?? 'generative';
  const numAgents = options.numAgents ?? DEFAULT_NUM_AGENTS;
  const seed = checkSeed(options.seed ?? 0);

  const flowUpdate = options.flowUpdate ?? 'auto';
  if (!['auto', 'average', 'refit'].includes(flowUpdate)) {
    throw new MfgError('MFG_ERR_SOLVER_BAD_PARAM', `flowUpdate = ${JSON.stringify(flowUpdate)} is invalid, expected 'auto', 'average' or 'refit'`, {
      details: { param: 'flowUpdate', value: flowUpdate, expected: ['auto', 'average', 'refit'] },
    });
  }
  // The exact "estimator" is the forward equation: every flow from it, nothing averaged.
  const averageFlows = kind !== 'exact' && def.algorithm === 'fp' && (flowUpdate === 'average' || (flowUpdate === 'auto' && !finite.dynamicsDependOnMeanField));
  // One stream hands out a seed per fit, in a fixed order, so the run is reproducible.
  const fitted =
    kind === 'exact' ? null : new FittedFlowSource(finite, { kind, numAgents, seeds: new Rng(seed), settings: options.settings ?? {}, averagesMixtures: averageFlows, warmStart: options.warmStart ?? false, signal: options.signal });
  const counted = fitted ?? countingExactSource(finite);
  const flows: FlowSource = fitted ?? counted;
  const fitSeconds: number[] = [];
  const result = await runSolver(finite, def.base.create(params, tieBreak === null ? {} : { tieBreak }), {
    iterations,
    tol,
    initialPolicy: options.initialPolicy,
    signal: options.signal,
    flowSource: flows,
    onIteration: (progress) => {
      fitSeconds.push(fitted?.seconds ?? 0);
      options.onIteration?.({
        iteration: progress.iteration,
        exploitability: progress.exploitability,
        estimatedExploitability: progress.solverView.exploitability,
        flowTv: progress.flowTv,
        seconds: progress.seconds,
        fitSeconds: fitted?.seconds ?? 0,
        evaluation: progress.evaluation,
        population: fitted?.last ?? null,
      });
    },
  });
  return {
    solver: def.name,
    params,
    tieBreak,
    population: kind,
    numAgents,
    seed,
    exploitability: result.exploitability,
    estimatedExploitability: result.estimatedExploitability,
    flowTv: result.flowTv,
    seconds: result.seconds,
    fitSeconds,
    iterations: result.iterations,
    stopped: result.stopped,
    flowUpdate: averageFlows ? 'average' : 'refit',
    fits: counted.fits,
    fitReports: fitted?.reports ?? new Array<null>(counted.fits).fill(null),
    policy: result.policy,
    evaluation: result.evaluation,
  };
}

/** The forward equation, counting the flows it computes (what `fits` reports for the exact control). */
function countingExactSource(game: FiniteGame): FlowSource & { fits: number } {
  const exact = exactFlowSource(game);
  const counter = {
    ...exact,
    fits: 0,
    flowOf(policy: TabularPolicy, out?: TimeTable): TimeTable {
      counter.fits++;
      return exact.flowOf(policy, out) as TimeTable;
    },
  };
  return counter;
}

function requireFinite(game: Game, solver: string): FiniteGame {
  if (game.kind !== 'finite') {
    throw new MfgError('MFG_ERR_GAME_UNSUPPORTED', `${solver} computes exact best responses and needs a finite game; this one is ${game.kind}`, {
      details: { solver, kind: game.kind },
    });
  }
  return game;
}
