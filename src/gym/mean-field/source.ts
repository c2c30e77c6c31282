import { MfgError } from '../../core/errors';
import type { TimeTable } from '../../core/tabular/policy';
import type { FinitePopulationFlow } from '../../populations/population';
import type { MeanFieldMode } from '../modes';
import type { StepBatch } from '../stepping/step-batch';
import type { PopulationUpdateResult } from '../vector-env-types';

/** The fictitious-play counters a report shows. */
export interface SourceCounters {
  iteration: number;
  episodes: number;
  samples: number;
}

/**
 * Where an env's mean field comes from (DESIGN §4): the env asks it, each step, for the flow the
 * agents' rewards and next states are read from, and tells it who stepped and how many episodes
 * ended. `fixed` returns a given flow; `fictitious` refits a flow from the agents' visits;
 * `live` makes the stepping agents themselves the flow of their population.
 */
export interface MeanFieldSource {
  readonly mode: MeanFieldMode;
  /** Changes whenever flow() does: step dynamics rebuild what they cached from it. */
  readonly version: number;
  /** The flow the current step reads (valid until the next beginStep or setFlow). */
  flow(): FinitePopulationFlow;
  /** The represented flow outside steps: fixed/fictitious the current one, live the initial one. */
  readonly population: FinitePopulationFlow;
  /** Whether observation features summarise the agents (live) rather than the flow. */
  readonly featuresFromAgents: boolean;
  /** The agents about to step, before their rewards are read. */
  beginStep(batch: StepBatch): void;
  /** After the step: how many agent-episodes ended in it. */
  endStep(ended: number): void;
  setFlow(flow: TimeTable | FinitePopulationFlow): void;
  updatePopulation(): PopulationUpdateResult;
  /** mu[t*S + s] of the agents' population (live: of the agents, last seen per epoch). */
  stateMarginals(): Float64Array;
  counters(): SourceCounters;
}

/** The error of updatePopulation outside `fictitious`. */
export function notFictitious(mode: MeanFieldMode): MfgError {
  return new MfgError('MFG_ERR_ENV_BAD_MODE', `population updates need mean-field mode 'fictitious', this env is '${mode}'`, { details: { meanField: mode } });
}

/** fictitious and live read the flow as tables: refuse a population that never makes one. */
export function requireTables(mode: MeanFieldMode, population: FinitePopulationFlow): void {
  if (population.meanFieldAt(0) === null) {
    throw new MfgError('MFG_ERR_GAME_UNSUPPORTED', `mean-field mode '${mode}' needs a population that holds tables, and '${population.kind}' does not`, {
      details: { meanField: mode, population: population.kind },
    });
  }
}

/** mu[t*S + s] = population.stateMass(p, t, s) for every epoch (what a report shows; H·S numbers). */
export function flowStateMarginals(population: FinitePopulationFlow, p: number, horizon: number, numStates: number): Float64Array {
  const mu = new Float64Array(horizon * numStates);
  for (let t = 0; t < horizon; t++) for (let s = 0; s < numStates; s++) mu[t * numStates + s] = population.stateMass(p, t, s);
  return mu;
}
