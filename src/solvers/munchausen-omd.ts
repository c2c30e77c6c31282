import { softmaxPolicy } from '../core/tabular/index';
import { param, type SolverDefinition } from './solver';

/**
 * Munchausen online mirror descent (Laurière et al. 2022, exact form): the update
 *   pi_{k+1} ∝ pi_k · exp(alpha·Q^{pi_k})
 * applied to the policy itself rather than to an accumulated sum, which is what lets the deep
 * version replace the sum by a log-policy bonus in the reward. Exactly, it is OMD with
 * y = log pi; computing it from log pi_k keeps the logits bounded above by 0 however long it runs.
 */
export const munchausenOmd: SolverDefinition = {
  name: 'momd',
  description: 'Munchausen OMD: pi_{k+1} ∝ pi_k·exp(alpha·Q^{pi_k}) over legal actions.',
  params: {
    alpha: param.positive(1, 'learning rate'),
  },
  create(params) {
    const alpha = params['alpha']!;
    return {
      name: 'momd',
      params,
      start(game) {
        return {
          step(current) {
            return game.populations.map((pop, p) => {
              const pi = current.policy[p]!;
              const q = current.qPolicy[p]!;
              const logits = new Float64Array(pi.length);
              for (let j = 0; j < pi.length; j++) logits[j] = Math.log(pi[j]!) + alpha * q[j]!;
              return softmaxPolicy(logits, 1, game.horizon, pop.numStates, pop.numActions, pop.legal);
            });
          },
        };
      },
    };
  },
};
