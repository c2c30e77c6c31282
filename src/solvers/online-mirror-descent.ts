import { initialLogPolicy, logSoftmax, policyFromLog, shiftToRowMax } from './log-policy';
import { param, type SolverDefinition } from './solver';

/**
 * Online mirror descent (Perolat et al. 2021; MFGLib `OnlineMirrorDescent`): accumulate the
 * policy's own Q-values, y_{k+1} = y_k + alpha·Q^{pi_k} (against Gamma(pi_k)), and play
 * pi_{k+1} = softmax(y_{k+1}) over legal actions. y starts at log pi_0 (a constant for the
 * uniform start, so this is MFGLib's y_0 = 0), which makes a given initial policy the start;
 * zeros of a deterministic pi_0 start at log 1e-12 instead of -inf (INITIAL_LOG_FLOOR), so they
 * are not frozen. The policy is exp(log-softmax(y)): y itself is never exponentiated, so no
 * legal action's probability is lost to underflow. Each row of y is shifted to a maximum of 0
 * (softmax is shift-invariant), so y stays at the scale of the gaps between actions and its
 * additions do not lose precision to a growing sum (|y| reached 1e6 on Maze).
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
        const y = initial.map((pi, p) => initialLogPolicy(pi, game.horizon, game.populations[p]!));
        return {
          step(current) {
            return game.populations.map((pop, p) => {
              const yp = y[p]!;
              const q = current.qPolicy[p]!;
              for (let j = 0; j < yp.length; j++) yp[j]! += alpha * q[j]!;
              shiftToRowMax(yp, game.horizon, pop);
              return policyFromLog(logSoftmax(yp, game.horizon, pop));
            });
          },
        };
      },
    };
  },
};
