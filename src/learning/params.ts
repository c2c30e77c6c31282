import type { ParamSpec, ParamSpecs } from '../solvers/solver';

/** A positive integer parameter (batches, agents, network widths). */
export function positiveInt(defaultValue: number, description: string): ParamSpec {
  return { default: defaultValue, expected: 'an integer >= 1', valid: (v) => typeof v === 'number' && Number.isInteger(v) && v >= 1, description };
}

/** A non-negative integer parameter (0 = off). */
export function nonNegativeInt(defaultValue: number, description: string): ParamSpec {
  return { default: defaultValue, expected: 'an integer >= 0', valid: (v) => typeof v === 'number' && Number.isInteger(v) && v >= 0, description };
}

/** A switch: 0 (off) or 1 (on). */
export function flag(defaultValue: 0 | 1, description: string): ParamSpec {
  return { default: defaultValue, expected: '0 or 1', valid: (v) => v === 0 || v === 1, description };
}

/**
 * Which population makes each flow of the sampled loop (every learning solver): the empirical
 * flow of the best response's play (the default: particles), the exact flow of a policy
 * (exactFlow 1), or a generative population fitted to the same visits as the empirical flow,
 * as gd-fp fits its agents (generative 1; GenerativeFlowEstimator).
 */
export const POPULATION_PARAMS: ParamSpecs = {
  exactFlow: flag(
    0,
    '1: the next flow is exact (env.setPolicy, as OpenSpiel): the output policy\'s for D-AFP and D-MOMD (replacing the flow), the best response\'s for q-fp and dqn-fp (averaged in); 0: the empirical flow of the play (popBatches)',
  ),
  generative: flag(0, '1: each new flow is a generative population fitted to the visited states of the greedy play (gd-fp\'s fit and defaults), times the played policy; 0: the empirical flow of that play'),
  generativeWarmStart: flag(0, 'generative 1 only: start each fit from the previous fit\'s generator (never for softmax generators; off by default, as gd-fp)'),
};
