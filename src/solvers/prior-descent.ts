import { initialLogPolicy, logSoftmax, policyFromLog } from './log-policy';
import { param, type SolverDefinition } from './solver';

/**
 * Prior descent (Cui & Koeppl 2021; MFGLib `PriorDescent`): pi_{k+1} ∝ q·exp(Q*_k/eta) with
 * Q* against Gamma(pi_k), and the prior q reset to the new policy when (i+2) % nInner == 0 at
 * step i (MFGLib's counter); nInner = null keeps q = pi_0 forever (GMF-V).
 * Computed in log space, log pi = log-softmax(log q + Q* / eta): the same normalised product,
 * without exp overflowing when Q* / eta is large, and the prior kept as a log-policy so a reset
 * never takes the log of an entry that underflowed to 0. Zeros of a deterministic pi_0 start at
 * log 1e-12 (INITIAL_LOG_FLOOR) rather than -inf, so they are not frozen.
 */
export const priorDescent: SolverDefinition = {
  name: 'prior-descent',
  description: 'Prior descent: pi ∝ q·exp(Q* / eta), the prior q reset to pi every nInner steps.',
  params: {
    eta: param.positive(1, 'temperature'),
    nInner: param.optionalPositiveInt(null, 'the prior is reset to the current policy when (i+2) % nInner == 0; null never resets it'),
  },
  create(params) {
    const eta = params['eta']!;
    const nInner = params['nInner'] ?? null;
    return {
      name: 'prior-descent',
      params,
      start(game, initial) {
        let logPrior = initial.map((pi, p) => initialLogPolicy(pi, game.horizon, game.populations[p]!));
        return {
          step(current, i) {
            const nextLog = game.populations.map((pop, p) => {
              const lq = logPrior[p]!;
              const q = current.qStar[p]!;
              const logits = new Float64Array(lq.length);
              for (let j = 0; j < lq.length; j++) logits[j] = lq[j]! + q[j]! / eta;
              return logSoftmax(logits, game.horizon, pop, logits);
            });
            if (nInner !== null && (i + 2) % nInner === 0) logPrior = nextLog;
            return nextLog.map(policyFromLog);
          },
        };
      },
    };
  },
};
