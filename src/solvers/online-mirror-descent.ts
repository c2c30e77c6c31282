import { softmaxPolicy } from '../core/tabular/index';
import { param, type SolverDefinition } from './solver';

/**
 * Online mirror descent (Perolat et al. 2021; MFGLib `OnlineMirrorDescent`): accumulate the
 * policy's own Q-values, y_{k+1} = y_k + alpha·Q^{pi_k} (against Gamma(pi_k)), and play
 * pi_{k+1} = softmax(y_{k+1}) over legal actions. y starts at log pi_0 (a constant for the
 * uniform start, so this is MFGLib's y_0 = 0), which makes a given initial policy the start.
 */
export const onlineMirrorDescent: SolverDefinition = {
  name: 'omd',
  description: 'Online mirror descent: y += alpha·Q^pi, pi = softmax(y) over legal actions.',
  params: {
    alpha: param.positive(1, 'learning rate'),
  },
  create(params) {
    const alpha = params['alpha']!;
    return {
      name: 'omd',
      params,
      start(game, initial) {
        const y = initial.map((pi) => pi.map(Math.log));
        return {
          step(current) {
            return game.populations.map((pop, p) => {
              const yp = y[p]!;
              const q = current.qPolicy[p]!;
              for (let j = 0; j < yp.length; j++) yp[j]! += alpha * q[j]!;
              return softmaxPolicy(yp, 1, game.horizon, pop.numStates, pop.numActions, pop.legal);
            });
          },
        };
      },
    };
  },
};
