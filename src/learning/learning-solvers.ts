import { MfgError } from '../core/errors';
import type { MfgVectorEnv } from '../gym/vector-env';
import type { ParamSpecs, SolverParams } from '../solvers/solver';
import { Q_FP_PARAMS, TabularBestResponse } from './q-fp';
import type { BestResponseLearner } from './sampled-fictitious-play';

/** A learning solver: its parameters and how to build its best-response learner on an env. */
export interface LearningSolverDefinition {
  readonly name: string;
  readonly description: string;
  readonly params: ParamSpecs;
  /** The learner, and the TensorFlow.js backend it trains on (null: no network). */
  createLearner(env: MfgVectorEnv, params: Readonly<SolverParams>, seed: number): Promise<{ learner: BestResponseLearner; backend: string | null }>;
}

export const LEARNING_SOLVERS: readonly LearningSolverDefinition[] = [
  {
    name: 'q-fp',
    description: 'fictitious play with tabular Q-learning best responses learned from vector-env samples',
    params: Q_FP_PARAMS,
    async createLearner(env, params) {
      return { learner: new TabularBestResponse(env, params), backend: null };
    },
  },
];

export function learningSolverNames(): string[] {
  return LEARNING_SOLVERS.map((d) => d.name);
}

export function isLearningSolverName(name: string): boolean {
  return LEARNING_SOLVERS.some((d) => d.name === name);
}

export function learningSolverDefinition(name: string): LearningSolverDefinition {
  const def = LEARNING_SOLVERS.find((d) => d.name === name);
  if (!def) {
    throw new MfgError('MFG_ERR_SOLVER_UNKNOWN', `unknown learning solver ${JSON.stringify(name)}, expected one of ${learningSolverNames().join(', ')}`, {
      details: { solver: name, known: learningSolverNames() },
    });
  }
  return def;
}
