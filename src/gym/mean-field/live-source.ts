import { MfgError } from '../../core/errors';
import type { FiniteGame } from '../../core/finite-game';
import type { FinitePopulationFlow } from '../../populations/population';
import type { StepBatch } from '../stepping/step-batch';
import type { PopulationUpdateResult } from '../vector-env-types';
import { AgentsFlow, massOfState } from './agents-flow';
import { notFictitious, requireTables, type MeanFieldSource, type SourceCounters } from './source';

/**
 * `live`: the N agents are the population. Each step, the agents stepping at epoch t are L_t of
 * their population (AgentsFlow); other populations follow the initial flow. The report shows the
 * last marginals seen at each epoch, kept as that epoch's sorted cells (no H·S table).
 */
export class LiveSource implements MeanFieldSource {
  readonly mode = 'live' as const;
  readonly featuresFromAgents = true;
  version = 0;
  private readonly agents: AgentsFlow;
  private readonly lastSeen: (Int32Array | null)[];

  constructor(
    private readonly game: FiniteGame,
    private readonly p: number,
    readonly population: FinitePopulationFlow,
  ) {
    requireTables(this.mode, population);
    this.agents = new AgentsFlow(game, p, population);
    this.lastSeen = new Array<Int32Array | null>(game.horizon).fill(null);
  }

  flow(): FinitePopulationFlow {
    return this.agents;
  }

  beginStep(batch: StepBatch): void {
    this.agents.load(batch);
    for (let t = 0; t < this.game.horizon; t++) if (this.agents.count(t) > 0) this.lastSeen[t] = this.agents.epochCells(t).slice();
    this.version++;
  }

  endStep(): void {}

  setFlow(): void {
    throw new MfgError('MFG_ERR_ENV_BAD_MODE', "in mean-field mode 'live' the agents are the flow; it cannot be set", { details: { meanField: this.mode } });
  }

  updatePopulation(): PopulationUpdateResult {
    throw notFictitious(this.mode);
  }

  stateMarginals(): Float64Array {
    const { numStates: S, numActions: A } = this.game.populations[this.p]!;
    const mu = new Float64Array(this.game.horizon * S);
    this.lastSeen.forEach((cells, t) => {
      if (cells === null) return;
      // Only the states present have mass: walk the distinct states of the sorted cells.
      for (let k = 0; k < cells.length; ) {
        const s = Math.floor(cells[k]! / A);
        mu[t * S + s] = massOfState(cells, s, A);
        while (k < cells.length && Math.floor(cells[k]! / A) === s) k++;
      }
    });
    return mu;
  }

  counters(): SourceCounters {
    return { iteration: 0, episodes: 0, samples: 0 };
  }
}
