import { MfgError } from '../core/errors';
import type { FiniteGame } from '../core/finite-game';
import type { Game } from '../core/game';
import { checkSeed, Rng } from '../core/rng';
import {
  backwardInduction,
  checkPolicy,
  checkTieBreak,
  evaluatePolicy,
  softmaxPolicy,
  uniformPolicy,
  valuesFromQ,
  type PolicyEvaluation,
  type TabularPolicy,
  type TieBreak,
  type TimeTable,
} from '../core/tabular/index';
import { DEFAULT_NUM_AGENTS, makePopulation } from '../populations/make-population';
import type { FinitePopulationFlow } from '../populations/population';
import { bestResponse } from './best-response';
import { mixPolicies } from './mix-policies';
import { initialLogPolicy } from './log-policy';
import { checkRunLength, type StopReason } from './run-solver';
import { fictitiousPlay } from './fictitious-play';
import { onlineMirrorDescent } from './online-mirror-descent';
import { resolveParams, type ParamSpecs, type SolverParams } from './solver';

/**
 * GD-MFRL as a solver (DESIGN §5, "any of the above with the generative population instead of
 * the exact one"): fictitious play and online mirror descent in which the flow of the current
 * policy is never computed by the forward equation. Each iteration simulates numAgents agents
 * under the policy, fits a population representation to them (the generative model by default,
 * or particles), and materialises its estimate
 *   L^_t(s, a) = mu^_t(s) · pi_t(a | s)
 * from the representation's state masses (the action part is the known policy, so it adds no
 * noise). Best responses and Q^pi are then EXACT backward inductions against L^ (finite games),
 * and the exploitability recorded per iteration is computed exactly against Gamma(pi), so the
 * curve is directly comparable with the exact solver's.
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
 * Fits are async (TensorFlow.js), so this runs in its own loop rather than through runSolver's
 * synchronous step.
 */
export type GdAlgorithm = 'fp' | 'omd';

/** A GD solver's registry entry: numeric parameters checked like the exact solvers'. */
export interface GdSolverDefinition {
  readonly name: string;
  readonly algorithm: GdAlgorithm;
  readonly description: string;
  readonly params: ParamSpecs;
}

export const gdFictitiousPlay: GdSolverDefinition = {
  name: 'gd-fp',
  algorithm: 'fp',
  description: 'GD-MFRL fictitious play: best respond to the flow a fitted population (generative or particles) estimates from simulated agents.',
  params: fictitiousPlay.params,
};

export const gdOnlineMirrorDescent: GdSolverDefinition = {
  name: 'gd-omd',
  algorithm: 'omd',
  description: 'GD-MFRL online mirror descent: y += alpha·Q^pi against the flow a fitted population estimates from simulated agents.',
  params: onlineMirrorDescent.params,
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
  /** The representation fitted last: to pi_i's agents, or in FP's average mode to the last best response's. */
  readonly population: FinitePopulationFlow;
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

/** Runs gd-fp or gd-omd on a finite game. */
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
  // One stream hands out a seed per fit, in a fixed order, so the run is reproducible.
  const seeds = new Rng(seed);
  const estimator = new FlowEstimator(finite, kind, numAgents, options.settings ?? {}, options.signal);

  let policy = options.initialPolicy ?? uniformPolicy(finite);
  if (options.initialPolicy) checkPolicy(finite, policy);

  const flowUpdate = options.flowUpdate ?? 'auto';
  if (!['auto', 'average', 'refit'].includes(flowUpdate)) {
    throw new MfgError('MFG_ERR_SOLVER_BAD_PARAM', `flowUpdate = ${JSON.stringify(flowUpdate)} is invalid, expected 'auto', 'average' or 'refit'`, {
      details: { param: 'flowUpdate', value: flowUpdate, expected: ['auto', 'average', 'refit'] },
    });
  }
  const averageFlows = def.algorithm === 'fp' && (flowUpdate === 'average' || (flowUpdate === 'auto' && !finite.dynamicsDependOnMeanField));

  const t0 = performance.now();
  const out = {
    exploitability: [] as number[],
    estimatedExploitability: [] as number[],
    flowTv: [] as number[],
    seconds: [] as number[],
    fitSeconds: [] as number[],
  };
  let stopped: StopReason = 'completed';
  let evaluation: PolicyEvaluation | null = null;
  // OMD's accumulated logits start at log pi_0 (zeros at log 1e-12), as the exact omd does.
  const y = def.algorithm === 'omd' ? policy.map((pi, p) => initialLogPolicy(pi, finite.horizon, finite.populations[p]!)) : null;

  // The current policy's estimated flow carried over from the last update (average mode).
  let carried: FlowEstimate | null = null;
  try {
    for (let i = 0; ; i++) {
      const estimate: FlowEstimate = carried ?? (await estimator.estimate(policy, seeds.nextSeed()));
      evaluation = evaluatePolicy(finite, policy);
      const q = finite.populations.map((_pop, p) => backwardInduction(finite, estimate.flow, p, { optimal: true, policy: policy[p]! }));
      out.exploitability.push(evaluation.exploitability);
      out.estimatedExploitability.push(valuesFromQ(finite, policy, q.map((x) => x.qStar!), q.map((x) => x.qPolicy!)).reduce((acc, e) => acc + e.exploitability, 0));
      out.flowTv.push(meanStateTv(finite, estimate.flow, evaluation.flow));
      out.seconds.push((performance.now() - t0) / 1000);
      out.fitSeconds.push(estimator.seconds);
      options.onIteration?.({
        iteration: i,
        exploitability: evaluation.exploitability,
        estimatedExploitability: out.estimatedExploitability[i]!,
        flowTv: out.flowTv[i]!,
        seconds: out.seconds[i]!,
        fitSeconds: estimator.seconds,
        evaluation,
        population: estimate.population,
      });
      if (i === iterations) break;
      if (tol !== undefined && evaluation.exploitability <= tol) {
        stopped = 'tolerance';
        break;
      }
      // One macrotask turn per iteration, so a pending SIGINT handler can abort.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (options.signal?.aborted) {
        stopped = 'interrupted';
        break;
      }
      if (def.algorithm === 'fp') {
        const piBr = bestResponse(finite, q.map((x) => x.qStar!), params['temperature']!, undefined, tieBreak ?? 'uniform');
        const brEstimate = await estimator.estimate(piBr, seeds.nextSeed());
        const alpha = params['alpha']!;
        const w = alpha === 0 ? 1 / (i + 2) : alpha;
        policy = mixPolicies(finite, policy, estimate.flow, piBr, brEstimate.flow, w);
        if (averageFlows) carried = { population: brEstimate.population, flow: mixFlows(estimate.flow, brEstimate.flow, w) };
      } else {
        const alpha = params['alpha']!;
        policy = finite.populations.map((pop, p) => {
          const yp = y![p]!;
          const qp = q[p]!.qPolicy!;
          for (let j = 0; j < yp.length; j++) yp[j]! += alpha * qp[j]!;
          return softmaxPolicy(yp, 1, finite.horizon, pop.numStates, pop.numActions, pop.legal);
        });
      }
    }
  } catch (e) {
    // A fit stopped by the signal ends the run cleanly with what was recorded.
    if (!(e instanceof MfgError && e.code === 'MFG_ERR_GENERATIVE_ABORTED' && evaluation !== null)) throw e;
    stopped = 'interrupted';
  }
  // Interrupted between an update and its evaluation: the result is the last evaluated policy.
  policy = evaluation!.policy;
  return {
    solver: def.name,
    params,
    tieBreak,
    population: kind,
    numAgents,
    seed,
    ...out,
    iterations: out.exploitability.length - 1,
    stopped,
    flowUpdate: averageFlows ? 'average' : 'refit',
    fits: estimator.fits,
    fitReports: estimator.reports,
    policy,
    evaluation: evaluation!,
  };
}

/** The discriminator's verdict on one fit (generative populations). */
export interface FitHonesty {
  readonly consensus: boolean;
  readonly c2stAccuracy: number;
  readonly combinedPValue: number;
}

/** What one fit gives the solver: the representation and the flow table it implies for the policy. */
interface FlowEstimate {
  readonly population: FinitePopulationFlow;
  /** L^[p][t*S*A + s*A + a] = mu^_t(s) · pi_t(a|s). */
  readonly flow: TimeTable;
}

/** Simulates agents under a policy, fits a population to them, and reads back its flow table. */
class FlowEstimator {
  /** Cumulative seconds spent in simulation + fitting, and the number of fits. */
  seconds = 0;
  fits = 0;
  readonly reports: (FitHonesty | null)[] = [];

  constructor(
    private readonly game: FiniteGame,
    private readonly kind: string,
    private readonly numAgents: number,
    private readonly settings: Readonly<Record<string, unknown>>,
    private readonly signal: AbortSignal | undefined,
  ) {}

  async estimate(policy: TabularPolicy, seed: number): Promise<FlowEstimate> {
    const start = performance.now();
    const settings = this.signal ? { ...this.settings, signal: this.signal } : this.settings;
    const population = await makePopulation(this.game, { kind: this.kind, policy, numAgents: this.numAgents, seed, settings });
    const flow = estimatedFlow(this.game, population, policy);
    this.seconds += (performance.now() - start) / 1000;
    this.fits++;
    this.reports.push(honestyOf(population));
    return { population, flow };
  }
}

/** (1-w)·a + w·b, table by table (a fresh table: estimates may be shared with the caller). */
function mixFlows(a: TimeTable, b: TimeTable, w: number): TimeTable {
  return a.map((x, p) => {
    const y = b[p]!;
    const out = new Float64Array(x.length);
    for (let j = 0; j < x.length; j++) out[j] = (1 - w) * x[j]! + w * y[j]!;
    return out;
  });
}

/** The consensus verdict a generative population keeps on `lastFit.report`, if any. */
function honestyOf(population: FinitePopulationFlow): FitHonesty | null {
  const report = (population as { lastFit?: { report?: Partial<FitHonesty> } | null }).lastFit?.report;
  if (!report || typeof report.consensus !== 'boolean' || typeof report.c2stAccuracy !== 'number' || typeof report.combinedPValue !== 'number') return null;
  return { consensus: report.consensus, c2stAccuracy: report.c2stAccuracy, combinedPValue: report.combinedPValue };
}

/**
 * The flow table a representation implies for a policy: L^_t(s, a) = mu^_t(s)·pi_t(a|s), read
 * through stateMass so it works for every kind, including those that never build a table.
 */
export function estimatedFlow(game: FiniteGame, population: FinitePopulationFlow, policy: TabularPolicy, out?: TimeTable): TimeTable {
  const H = game.horizon;
  return game.populations.map((pop, p) => {
    const { numStates: S, numActions: A } = pop;
    const pi = policy[p]!;
    const L = out?.[p] ?? new Float64Array(H * S * A);
    for (let t = 0; t < H; t++) {
      for (let s = 0; s < S; s++) {
        const m = population.stateMass(p, t, s);
        const row = (t * S + s) * A;
        for (let a = 0; a < A; a++) L[row + a] = m * pi[row + a]!;
      }
    }
    return L;
  });
}

/** Mean over populations and epochs of the total variation between two flows' state marginals. */
export function meanStateTv(game: FiniteGame, a: TimeTable, b: TimeTable): number {
  let total = 0;
  let count = 0;
  game.populations.forEach((pop, p) => {
    const { numStates: S, numActions: A } = pop;
    const x = a[p]!;
    const z = b[p]!;
    for (let t = 0; t < game.horizon; t++) {
      let tv = 0;
      for (let s = 0; s < S; s++) {
        const row = (t * S + s) * A;
        let d = 0;
        for (let k = 0; k < A; k++) d += x[row + k]! - z[row + k]!;
        tv += Math.abs(d);
      }
      total += tv / 2;
      count++;
    }
  });
  return total / count;
}

function requireFinite(game: Game, solver: string): FiniteGame {
  if (game.kind !== 'finite') {
    throw new MfgError('MFG_ERR_GAME_UNSUPPORTED', `${solver} computes exact best responses and needs a finite game; this one is ${game.kind}`, {
      details: { solver, kind: game.kind },
    });
  }
  return game;
}
