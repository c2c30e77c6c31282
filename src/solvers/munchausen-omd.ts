import { param, type SolverDefinition } from './solver';
import { initialLogPolicy, logSoftmax, policyFromLog, shiftToRowMax } from './log-policy';

/**
 * Munchausen online mirror descent (Laurière et al. 2022, exact form): the update
 *   pi_{k+1} ∝ pi_k · exp(alpha·Q^{pi_k})
 * applied to the policy itself rather than to an accumulated sum, which is what lets the deep
 * version replace the sum by a log-policy bonus in the reward. Exactly, it is OMD with
 * y = log pi. The run keeps log pi_k itself (normalised by log-softmax, so bounded above by 0
 * however long it runs) and never takes the log of a probability table: a softmax entry that
 * underflowed to 0 would give log 0 = -inf and lose that action for good. Zeros of a
 * deterministic pi_0 start at log 1e-12 (INITIAL_LOG_FLOOR), as in OMD.
 *
 * What is kept is log pi_k up to a per-row constant, shifted so each row's legal maximum is 0
 * (the proportionality in the update makes the constant free). Kept normalised instead
 * (log pi_k itself), the row constant log z rounds differently from OMD's row-max shift, and
 * on Maze at alpha 1 that 1e-13 gap grows about tenfold every 3 iterations (the iteration is
 * chaotic there): exploitabilities part by 1e-9 at iteration 15 and by 278 later. With the
 * same shift both runs do the same floating-point operations, so they agree to the bit.
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
      start(game, initial) {
        const logPi = initial.map((pi, p) => initialLogPolicy(pi, game.horizon, game.populations[p]!));
        return {
          step(current) {
            return game.populations.map((pop, p) => {
              const lp = logPi[p]!;
              const q = current.qPolicy[p]!;
              for (let j = 0; j < lp.length; j++) lp[j]! += alpha * q[j]!;
              shiftToRowMax(lp, game.horizon, pop);
              return policyFromLog(logSoftmax(lp, game.horizon, pop));
            });
          },
        };
      },
    };
  },
};
