import { MfgError } from '../core/errors';
import type { MfgVectorEnv } from '../gym/vector-env';
import type { ParamSpecs, SolverParams } from '../solvers/solver';
import { AverageNetworkLearner, D_AFP_PARAMS } from './d-afp';
import { D_MOMD_PARAMS, MunchausenLearner } from './d-momd';
import { DQN_PARAMS, DqnBestResponse } from './dqn';
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
  {
    name: 'dqn-fp',
    description: 'fictitious play with DQN best responses (double DQN, target network, replay; TensorFlow.js)',
    params: DQN_PARAMS,
    async createLearner(env, params, seed) {
      const learner = await DqnBestResponse.create(env, params, seed);
      return { learner, backend: learner.handle.backend };
    },
  },
  {
    name: 'd-afp',
    description: 'deep average-network fictitious play: DQN best responses, reservoir buffer, average-policy network (Laurière et al. 2022)',
    params: D_AFP_PARAMS,
    async createLearner(env, params, seed) {
      const learner = await AverageNetworkLearner.create(env, params, seed);
      return { learner, backend: learner.br.handle.backend };
    },
  },
  {
    name: 'd-momd',
    description: 'deep Munchausen online mirror descent: Munchausen DQN target with tau and alpha, softmax policy (Laurière et al. 2022)',
    params: D_MOMD_PARAMS,
    async createLearner(env, params, seed) {
      const learner = await MunchausenLearner.create(env, params, seed);
      return { learner, backend: learner.handle.backend };
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
