import type { FiniteGame } from '../../core/finite-game';
import type { TimeTable } from '../../core/tabular/policy';
import { ExactPopulation } from '../../populations/exact-population';
import type { FinitePopulationFlow } from '../../populations/population';
import type { PopulationUpdateResult } from '../vector-env-types';
import { flowStateMarginals, notFictitious, type MeanFieldSource, type SourceCounters } from './source';

/** `fixed`: the flow is given and changes only when setFlow replaces it. */
export class FixedSource implements MeanFieldSource {
  readonly mode = 'fixed' as const;
  readonly featuresFromAgents = false;
  version = 0;

  constructor(
    private readonly game: FiniteGame,
    private readonly p: number,
    public population: FinitePopulationFlow,
  ) {}

  flow(): FinitePopulationFlow {
    return this.population;
  }

  beginStep(): void {}

  endStep(): void {}

  setFlow(flow: TimeTable | FinitePopulationFlow): void {
    this.population = Array.isArray(flow) ? new ExactPopulation(this.game, flow as TimeTable) : (flow as FinitePopulationFlow);
    this.version++;
  }

  updatePopulation(): PopulationUpdateResult {
    throw notFictitious(this.mode);
  }

  stateMarginals(): Float64Array {
    const pop = this.game.populations[this.p]!;
    return flowStateMarginals(this.population, this.p, this.game.horizon, pop.numStates);
  }

  counters(): SourceCounters {
    return { iteration: 0, episodes: 0, samples: 0 };
  }
}
