import { softmaxPolicy } from '../core/tabular/index';
import { param, type SolverDefinition } from './solver';

/**
 * Prior descent (Cui & Koeppl 2021; MFGLib `PriorDescent`): pi_{k+1} ∝ q·exp(Q*_k/eta) with
 * Q* against Gamma(pi_k), and the prior q reset to the new policy when (i+2) % nInner == 0 at
 * step i (MFGLib's counter); nInner = null keeps q = pi_0 forever (GMF-V).
 * Computed as softmax(log q + Q* / eta): the same normalised product, without exp overflowing
 * when Q* / eta is large.
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
        let logPrior = initial.map((pi) => pi.map(Math.log));
        return {
          step(current, i) {
            const next = game.populations.map((pop, p) => {
              const lq = logPrior[p]!;
              const q = current.qStar[p]!;
              const logits = new Float64Array(lq.length);
              for (let j = 0; j < lq.length; j++) logits[j] = lq[j]! + q[j]! / eta;
              return softmaxPolicy(logits, 1, game.horizon, pop.numStates, pop.numActions, pop.legal);
            });
            if (nInner !== null && (i + 2) % nInner === 0) logPrior = next.map((pi) => pi.map(Math.log));
            return next;
          },
        };
      },
    };
  },
};
