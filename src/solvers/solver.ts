import { MfgError } from '../core/errors';
import type { FiniteGame } from '../core/finite-game';
import type { PolicyEvaluation, TabularPolicy, TieBreak, TimeTable } from '../core/tabular/index';
import type { FlowSource } from './flow-source';

/**
 * The contract every exact solver follows (DESIGN §5).
 *
 * A solver is a named update rule with validated parameters. `start` binds it to a game and an
 * initial policy and returns a run; `runSolver` then alternates
 *   evaluation_k = evaluatePolicy(game, pi_k)      (flow Gamma(pi_k), Q*, Q^{pi_k}, exploitability)
 *   pi_{k+1}     = run.step(evaluation_k, k)
 * so the state-space walks live in the core kernels and each solver only combines their tables.
 * Q^pi in the evaluation is always taken against pi's own flow, and every softmax/argmax a step
 * performs ranges over the legal actions only.
 *
 * The flow is an injected dependency (SolverContext.flows): the exact forward equation by
 * default, or an estimator (GD-MFRL: particles or a fitted generator). The evaluation a step
 * receives is then taken against the source's flow, and a solver that needs the flow of another
 * policy (FP's best response) asks the same source.
 */
export interface Solver {
  /** The registry name: fp, fixed-point, omd, momd, bpi, prior-descent. */
  readonly name: string;
  /** Every parameter with its resolved value (defaults filled in), as recorded in results. */
  readonly params: Readonly<SolverParams>;
  /** How its greedy best responses split exact ties; absent for solvers that take none. */
  readonly tieBreak?: TieBreak;
  start(game: FiniteGame, initial: TabularPolicy, context?: SolverContext): SolverRun;
}

/** What runSolver gives a run besides the game: where flows come from. Optional, for compatibility. */
export interface SolverContext {
  /** The source of every flow the run needs (default: exactFlowSource(game)). */
  readonly flows: FlowSource;
}

/** Choices beside the numeric parameters. */
export interface SolverOptions {
  /** Tie rule of greedy best responses (default 'uniform'); only for solvers that take one. */
  readonly tieBreak?: TieBreak;
}

/** A solver bound to one game; it may keep state between steps (averages, logits, priors). */
export interface SolverRun {
  /**
   * The next policy from the evaluation of the current one. `iteration` counts from 0 (the
   * step that produces pi_1). Must return fresh arrays: the caller keeps the previous policy.
   * May be async (an estimating flow source fits a model); runSolver awaits it.
   */
  step(current: PolicyEvaluation, iteration: number): TabularPolicy | Promise<TabularPolicy>;
  /**
   * Optional: the flow of the policy the last step returned, when the run already knows it
   * (FP under a source that averagesMixtures); runSolver then uses it instead of flowOf.
   */
  carriedFlow?(): TimeTable | null;
}

/** Parameter values: numbers, or null for "off" (prior descent's nInner). */
export type SolverParams = Record<string, number | null>;

/** One parameter a solver accepts: its default and the check of a user value. */
export interface ParamSpec {
  readonly default: number | null;
  /** What a valid value is, in words, for the error message ("a number in [0, 1]"). */
  readonly expected: string;
  readonly valid: (v: number | null) => boolean;
  readonly description: string;
}

export type ParamSpecs = Readonly<Record<string, ParamSpec>>;

/** A solver's entry in the registry: its parameters and how to build it from resolved ones. */
export interface SolverDefinition {
  readonly name: string;
  readonly description: string;
  readonly params: ParamSpecs;
  /** True when the solver takes a greedy best response, so a tie rule applies to it. */
  readonly greedy?: boolean;
  create(params: Readonly<SolverParams>, options?: SolverOptions): Solver;
}

/**
 * Checks user-given parameters against a solver's specs at the edge: unknown names, wrong
 * types and out-of-range values are MFG_ERR_SOLVER_BAD_PARAM errors naming the parameter, the
 * value and what is expected. Undefined entries take the default.
 */
export function resolveParams(def: Pick<SolverDefinition, 'name' | 'params'>, given: Readonly<Record<string, unknown>> = {}): SolverParams {
  const known = Object.keys(def.params);
  for (const [key, value] of Object.entries(given)) {
    if (value === undefined) continue;
    if (!(key in def.params)) {
      throw new MfgError('MFG_ERR_SOLVER_BAD_PARAM', `${def.name} takes no parameter "${key}" (it takes ${known.length ? known.join(', ') : 'none'})`, {
        details: { solver: def.name, param: key, value, accepted: known },
      });
    }
  }
  const out: SolverParams = {};
  for (const [key, spec] of Object.entries(def.params)) {
    const value = given[key] === undefined ? spec.default : given[key];
    if (!((value === null || typeof value === 'number') && spec.valid(value as number | null))) {
      throw new MfgError('MFG_ERR_SOLVER_BAD_PARAM', `${def.name}: ${key} = ${JSON.stringify(value)} is invalid, expected ${spec.expected}`, {
        details: { solver: def.name, param: key, value, expected: spec.expected },
      });
    }
    out[key] = value as number | null;
  }
  return out;
}

/** Spec helpers for the common parameter shapes. */
export const param = {
  /** A finite number in [lo, hi] (bounds inclusive unless open is set). */
  range(defaultValue: number, lo: number, hi: number, description: string, open: { lo?: boolean; hi?: boolean } = {}): ParamSpec {
    const l = open.lo ? '(' : '[';
    const h = open.hi ? ')' : ']';
    return {
      default: defaultValue,
      expected: `a number in ${l}${lo}, ${hi}${h}`,
      valid: (v) => typeof v === 'number' && Number.isFinite(v) && (open.lo ? v > lo : v >= lo) && (open.hi ? v < hi : v <= hi),
      description,
    };
  },
  positive(defaultValue: number, description: string): ParamSpec {
    return { default: defaultValue, expected: 'a finite number > 0', valid: (v) => typeof v === 'number' && Number.isFinite(v) && v > 0, description };
  },
  nonNegative(defaultValue: number, description: string): ParamSpec {
    return { default: defaultValue, expected: 'a finite number >= 0', valid: (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0, description };
  },
  /** A positive integer, or null when the feature is off. */
  optionalPositiveInt(defaultValue: number | null, description: string): ParamSpec {
    return { default: defaultValue, expected: 'a positive integer (or null/none)', valid: (v) => v === null || (Number.isInteger(v) && v > 0), description };
  },
} as const;
