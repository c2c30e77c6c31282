import type { TabularPolicy, TimeTable } from '../core/tabular/index';
import { bestResponse } from './best-response';
import { exactFlowSource } from './flow-source';
import { mixPolicies } from './mix-policies';
import { param, type SolverDefinition } from './solver';

/**
 * Fixed-point iteration (OpenSpiel `mfg/algorithms/fixed_point.py`): the next policy is the
 * best response to the current flow, greedy or softmax(Q* / temperature). Damping alpha < 1 moves
 * the mean field only part of the way, L_{k+1} = (1-alpha)·L_k + alpha·Gamma(BR(L_k)) (the
 * "damped fixed point" of the MFG learning surveys), through the same state-mass-weighted
 * mixing as fictitious play; alpha = 1 is the plain Banach-Picard iteration.
 * Greedy and undamped, it cycles on most games (LeftRight alternates left/right); a small
 * damping with a softmax best response contracts to the regularised equilibrium.
 */
export const fixedPoint: SolverDefinition = {
  name: 'fixed-point',
  description: 'Fixed point: jump to the best response of the current flow (greedy or softmax), optionally damped on the mean field.',
  params: {
    alpha: param.range(1, 0, 1, 'damping: weight of the best response\'s flow (1 = undamped)', { lo: true }),
    temperature: param.nonNegative(0, 'best response temperature: 0 is greedy, > 0 is softmax(Q* / T)'),
  },
  greedy: true,
  create(params, options = {}) {
    const alpha = params['alpha']!;
    const temperature = params['temperature']!;
    const tieBreak = options.tieBreak ?? 'uniform';
    return {
      name: 'fixed-point',
      params,
      tieBreak,
      start(game, _initial, context) {
        const flows = context?.flows ?? exactFlowSource(game);
        // Undamped, the best response is the next policy and must be fresh; damped, it only
        // feeds mixPolicies, so its buffers (and its flow's) are reused across steps.
        let piBr: TabularPolicy | undefined;
        let flowBr: TimeTable | undefined;
        return {
          step(current) {
            if (alpha === 1) return bestResponse(game, current.qStar, temperature, undefined, tieBreak);
            const br = (piBr = bestResponse(game, current.qStar, temperature, piBr, tieBreak));
            const mix = (flow: TimeTable): TabularPolicy => mixPolicies(game, current.policy, current.flow, br, (flowBr = flow), alpha);
            // Synchronous when the source is (the exact one), so a caller may step without awaiting.
            const flow = flows.flowOf(br, flowBr);
            return flow instanceof Promise ? flow.then(mix) : mix(flow);
          },
        };
      },
    };
  },
};
