import { MfgError } from '../core/errors';
import { boltzmannPolicyIteration } from './boltzmann-policy-iteration';
import { fictitiousPlay } from './fictitious-play';
import { fixedPoint } from './fixed-point';
import { munchausenOmd } from './munchausen-omd';
import { onlineMirrorDescent } from './online-mirror-descent';
import { priorDescent } from './prior-descent';
import { checkTieBreak } from '../core/tabular/best-response';
import { resolveParams, type Solver, type SolverDefinition } from './solver';

/** The exact solvers by registry name, in the order the CLI lists them. */
export const SOLVERS: readonly SolverDefinition[] = [fictitiousPlay, fixedPoint, onlineMirrorDescent, munchausenOmd, boltzmannPolicyIteration, priorDescent];

export function solverNames(): string[] {
  return SOLVERS.map((d) => d.name);
}

export function solverDefinition(name: string): SolverDefinition {
  const def = SOLVERS.find((d) => d.name === name);
  if (!def) {
    throw new MfgError('MFG_ERR_SOLVER_UNKNOWN', `unknown solver ${JSON.stringify(name)}, expected one of ${solverNames().join(', ')}`, {
      details: { solver: name, known: solverNames() },
    });
  }
  return def;
}

/**
 * Builds a solver by name, validating its parameters (unknown or out-of-range ones are errors).
 * `options.tieBreak` ('uniform' or 'first') is accepted by the solvers that take a greedy best
 * response (fp, fixed-point) and is an error for the others, so a flag never silently does nothing.
 */
export function createSolver(name: string, params: Readonly<Record<string, unknown>> = {}, options: { tieBreak?: unknown } = {}): Solver {
  const def = solverDefinition(name);
  const resolved = resolveParams(def, params);
  if (options.tieBreak === undefined) return def.create(resolved);
  if (!def.greedy) {
    const greedy = SOLVERS.filter((d) => d.greedy).map((d) => d.name);
    throw new MfgError('MFG_ERR_SOLVER_BAD_PARAM', `${name} takes no greedy best response, so a tie rule does not apply (it does to ${greedy.join(', ')})`, {
      details: { solver: name, param: 'tieBreak', value: options.tieBreak, accepted: greedy },
    });
  }
  return def.create(resolved, { tieBreak: checkTieBreak(options.tieBreak) });
}

export { resolveParams, param, type Solver, type SolverRun, type SolverContext, type SolverDefinition, type SolverParams, type SolverOptions, type ParamSpec, type ParamSpecs } from './solver';
export { runSolver, type RunSolverOptions, type SolverResult, type IterationProgress, type StopReason } from './run-solver';
export { bestResponse } from './best-response';
export { mixPolicies } from './mix-policies';
export { fictitiousPlay, fixedPoint, onlineMirrorDescent, munchausenOmd, boltzmannPolicyIteration, priorDescent };
export { exactFlowSource, mixFlows, meanStateTv, type FlowSource } from './flow-source';
export { FittedFlowSource, estimatedFlow, type FitHonesty, type FittedFlowSourceOptions } from './fitted-flow-source';
export { runStreamingFp, type StreamingFpOptions, type StreamingFpResult, type StreamingFpProgress, type ExploitabilityRecord } from './streaming-fictitious-play';
export { exactStreamingSource, FittedStreamingSource, populationStateFlow, type StreamingFlowSource } from './streaming-flow-source';
export { monteCarloExploitability, type EstimatedExploitability } from './monte-carlo-exploitability';
export { DEFAULT_MEMORY_BUDGET, evaluationPath, parseMemoryBudget, streamingBytes, tableBytes, type EvaluationPath } from './memory-budget';
