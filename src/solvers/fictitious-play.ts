import type { TabularPolicy, TimeTable } from '../core/tabular/index';
import { bestResponse } from './best-response';
import { exactFlowSource, mixFlows } from './flow-source';
import { mixPolicies } from './mix-policies';
import { param, type SolverDefinition } from './solver';

/**
 * Fictitious play (Perrin et al. 2020; MFGLib `FictitiousPlay`, the damped form): best respond
 * to the current average flow, then average the best response's flow in with weight
 *   alpha_i = 1/(i+2) at step i = 0, 1, ... when alpha = 0 (so pi_k's flow is the mean of the
 *   first k+1 flows), or the fixed alpha otherwise (alpha = 1 is the fixed-point iteration).
 * The average is taken on mean fields through mixPolicies (state-mass-weighted policy mixing).
 * The best response's flow comes from the run's flow source (exact, or an estimator: gd-fp);
 * a source that averagesMixtures gets the mixed flow carried over instead of a new estimate.
 */
export const fictitiousPlay: SolverDefinition = {
  name: 'fp',
  description: 'Fictitious play: average the flows of greedy (or softmax) best responses; weight 1/(i+2), or a fixed alpha.',
  params: {
    alpha: param.range(0, 0, 1, 'mixing weight of the new best response; 0 means 1/(i+2) at step i'),
    temperature: param.nonNegative(0, 'best response temperature: 0 is greedy (exact ties split by the tie rule, uniform by default), > 0 is softmax(Q* / T)'),
  },
  greedy: true,
  create(params, options = {}) {
    const alpha = params['alpha']!;
    const temperature = params['temperature']!;
    const tieBreak = options.tieBreak ?? 'uniform';
    return {
      name: 'fp',
      params,
      tieBreak,
      start(game, _initial, context) {
        const flows = context?.flows ?? exactFlowSource(game);
        // The best response and its flow live only inside a step (mixPolicies returns fresh
        // arrays, even for w = 1), so one pair of buffers serves the whole run: on a 100x100
        // grid with H = 100 that is 80 MB not allocated and collected per iteration.
        let piBr: TabularPolicy | undefined;
        let flowBr: TimeTable | undefined;
        let carried: TimeTable | null = null;
        return {
          step(current, i) {
            const br = (piBr = bestResponse(game, current.qStar, temperature, piBr, tieBreak));
            const w = alpha === 0 ? 1 / (i + 2) : alpha;
            const mix = (flow: TimeTable): TabularPolicy => {
              flowBr = flow;
              carried = flows.averagesMixtures ? mixFlows(current.flow, flow, w) : null;
              return mixPolicies(game, current.policy, current.flow, br, flow, w);
            };
            // Synchronous when the source is (the exact one), so a caller may step without awaiting.
            const flow = flows.flowOf(br, flowBr);
            return flow instanceof Promise ? flow.then(mix) : mix(flow);
          },
          carriedFlow: () => carried,
        };
      },
    };
  },
};
