import { softmaxPolicy } from '../core/tabular/index';
import { param, type SolverDefinition } from './solver';

/**
 * Boltzmann policy iteration (Cui & Koeppl 2021): pi_{k+1} = softmax(alpha·Q^{pi_k}) over legal
 * actions, with no accumulation. Its fixed points are entropy-regularised equilibria at
 * temperature 1/alpha; the default alpha = 0.01 is a strong regulariser that makes the
 * iteration a contraction on most games.
 */
export const boltzmannPolicyIteration: SolverDefinition = {
  name: 'bpi',
  description: 'Boltzmann policy iteration: pi = softmax(alpha·Q^pi) of the previous policy, no accumulation.',
  params: {
    alpha: param.positive(0.01, 'inverse temperature'),
  },
  create(params) {
    const alpha = params['alpha']!;
    return {
      name: 'bpi',
      params,
      start(game) {
        return {
          step(current) {
            return game.populations.map((pop, p) => softmaxPolicy(current.qPolicy[p]!, alpha, game.horizon, pop.numStates, pop.numActions, pop.legal));
          },
        };
      },
    };
  },
};
