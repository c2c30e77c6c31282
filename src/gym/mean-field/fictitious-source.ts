import type { FiniteGame } from '../../core/finite-game';
import type { TimeTable } from '../../core/tabular/policy';
import { ExactPopulation } from '../../populations/exact-population';
import type { FinitePopulationFlow } from '../../populations/population';
import { fictitiousUpdate } from '../fictitious-update';
import type { StepBatch } from '../stepping/step-batch';
import type { PopulationUpdateResult } from '../vector-env-types';
import { flowStateMarginals, requireTables, type MeanFieldSource, type SourceCounters } from './source';

/**
 * `fictitious`: the agents' visits (t, s, a) are counted, and every `updateEvery` rounds of N
 * agent-episodes (or on updatePopulation()) the flow of their population becomes the FP average
 * (1-w) L + w·Lhat, w = 1/(k+1). It holds every population's flow as a table (the average is a
 * table), so it is as large as the exact flow.
 */
export class FictitiousSource implements MeanFieldSource {
  readonly mode = 'fictitious' as const;
  readonly featuresFromAgents = false;
  version = 0;
  population: FinitePopulationFlow;
  private flowTable: TimeTable;
  private readonly counts: Float64Array;
  private iteration = 0;
  private episodesSinceUpdate = 0;

  constructor(
    private readonly game: FiniteGame,
    private readonly p: number,
    population: FinitePopulationFlow,
    private readonly updateEvery: number,
    private readonly numAgents: number,
  ) {
    requireTables(this.mode, population);
    this.population = population;
    this.flowTable = flowTables(game, population);
    const pop = game.populations[p]!;
    this.counts = new Float64Array(game.horizon * pop.numStates * pop.numActions);
  }

  flow(): FinitePopulationFlow {
    return this.population;
  }

  beginStep(batch: StepBatch): void {
    const A = this.game.populations[this.p]!.numActions;
    const SA = this.game.populations[this.p]!.numStates * A;
    for (let k = 0; k < batch.count; k++) this.counts[batch.t[k]! * SA + batch.s[k]! * A + batch.a[k]!]! += 1;
  }

  endStep(ended: number): void {
    this.episodesSinceUpdate += ended;
    if (this.updateEvery > 0 && this.episodesSinceUpdate >= this.updateEvery * this.numAgents) this.updatePopulation();
  }

  updatePopulation(): PopulationUpdateResult {
    const k = this.iteration + 1;
    const samples = this.samples();
    const pop = this.game.populations[this.p]!;
    const flow = [...this.flowTable];
    flow[this.p] = fictitiousUpdate(this.flowTable[this.p]!, this.counts, this.game.horizon, pop.numStates * pop.numActions, k);
    this.install(flow);
    this.counts.fill(0);
    const episodes = this.episodesSinceUpdate;
    this.iteration = k;
    this.episodesSinceUpdate = 0;
    return { iteration: k, weight: 1 / (k + 1), samples, episodes };
  }

  setFlow(flow: TimeTable | FinitePopulationFlow): void {
    this.install(Array.isArray(flow) ? (flow as TimeTable) : flowTables(this.game, flow as FinitePopulationFlow));
  }

  stateMarginals(): Float64Array {
    return flowStateMarginals(this.population, this.p, this.game.horizon, this.game.populations[this.p]!.numStates);
  }

  counters(): SourceCounters {
    return { iteration: this.iteration, episodes: this.episodesSinceUpdate, samples: this.samples() };
  }

  private samples(): number {
    let n = 0;
    for (let j = 0; j < this.counts.length; j++) n += this.counts[j]!;
    return n;
  }

  private install(flow: TimeTable): void {
    this.flowTable = flow;
    this.population = new ExactPopulation(this.game, flow);
    this.version++;
  }
}

/** Every population's flow as one time table each (copied out of a table-holding population). */
function flowTables(game: FiniteGame, population: FinitePopulationFlow): TimeTable {
  if (population instanceof ExactPopulation) return population.flow;
  const H = game.horizon;
  return game.populations.map((pop, p) => {
    const SA = pop.numStates * pop.numActions;
    const out = new Float64Array(H * SA);
    for (let t = 0; t < H; t++) out.set(population.meanFieldAt(t)![p]!, t * SA);
    return out;
  });
}
