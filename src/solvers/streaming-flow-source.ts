import type { FiniteGame } from '../core/finite-game';
import { Rng } from '../core/rng';
import { forwardStateFlow, type PolicySource, type StateFlow } from '../core/streaming/index';
import { makePopulation } from '../populations/make-population';
import type { FinitePopulationFlow } from '../populations/population';
import { simulateAgentsFrom } from '../populations/simulate-agents';
import { honestyOf, modelsOf, type FitHonesty } from './fitted-flow-source';
import { fitStateMarginals } from './state-marginal-fit';

/** Where the streaming solvers get a policy's state marginals: the forward equation or a fitted population. */
export interface StreamingFlowSource {
  readonly kind: string;
  /** True when flowOf is the exact Gamma(pi): the solver's own evaluation is then the exact one. */
  readonly exact: boolean;
  flowOf(policy: PolicySource): StateFlow | Promise<StateFlow>;
}

/** The forward equation with one epoch of L at a time (H·S held per flow). */
export function exactStreamingSource(game: FiniteGame): StreamingFlowSource {
  return { kind: 'exact', exact: true, flowOf: (policy) => forwardStateFlow(game, policy) };
}

/**
 * GD-MFRL's estimator without tables: simulate numAgents agents under the policy read epoch by
 * epoch, fit a population to them, and answer mu^_t(s) from the representation. Each fit
 * may warm-start from the previous one's generator when the kind has one (`warmStart`, the
 * knowledge base in the loop): successive FP flows differ little, so a fit starts near its answer.
 */
export class FittedStreamingSource implements StreamingFlowSource {
  readonly exact = false;
  seconds = 0;
  fits = 0;
  readonly reports: (FitHonesty | null)[] = [];
  last: FinitePopulationFlow | null = null;

  constructor(
    private readonly game: FiniteGame,
    readonly kind: string,
    private readonly options: { numAgents: number; seeds: Rng; settings: Readonly<Record<string, unknown>>; warmStart: boolean; signal?: AbortSignal },
  ) {}

  async flowOf(policy: PolicySource): Promise<StateFlow> {
    const { numAgents, seeds, signal } = this.options;
    const seed = seeds.nextSeed();
    const start = performance.now();
    const rng = new Rng(seed);
    const samples = simulateAgentsFrom(this.game, policy, numAgents, rng);
    const previous = modelsOf(this.last);
    const settings = { ...this.options.settings, ...(signal ? { signal } : {}), ...(this.options.warmStart && previous ? { warmStart: previous } : {}) };
    // A generator fits the state marginals only: the action part is the known policy (state-marginal-fit.ts).
    const population =
      this.kind === 'generative'
        ? await fitStateMarginals(this.game, this.kind, samples, { numAgents, seed: rng.nextSeed(), settings })
        : await makePopulation(this.game, { kind: this.kind, samples, numAgents, seed: rng.nextSeed(), settings });
    this.seconds += (performance.now() - start) / 1000;
    this.fits++;
    this.reports.push(honestyOf(population, this.options.warmStart && previous !== undefined));
    this.last = population;
    return populationStateFlow(this.game, population);
  }
}

/**
 * A representation's state masses as a StateFlow, through its full-grid query when it has one
 * (else the batched one, else per state). The last epoch answered is kept per population: a
 * streaming pass asks each flow twice per epoch (for the mixture policy's weights and for the
 * mixture's flow), and each answer is S generator densities. The kept vector is returned as a
 * view (StateFlow's contract: valid until the next call), so no caller may write into it.
 */
export function populationStateFlow(game: FiniteGame, population: FinitePopulationFlow): StateFlow {
  type Queries = {
    logStateMassAll?: (p: number, t: number, out: Float64Array) => Float64Array;
    logStateMassBatch?: (p: number, t: number, states: Int32Array, out: Float64Array) => Float64Array;
  };
  const { logStateMassAll: grid, logStateMassBatch: batch } = population as Queries;
  const all = batch && !grid ? game.populations.map((pop) => Int32Array.from({ length: pop.numStates }, (_v, s) => s)) : null;
  const kept = game.populations.map((pop) => new Float64Array(pop.numStates));
  const keptEpoch = game.populations.map(() => -1);
  const fill = (p: number, t: number, out: Float64Array): void => {
    if (grid) grid.call(population, p, t, out);
    else if (batch) batch.call(population, p, t, all![p]!, out);
    else {
      for (let s = 0; s < out.length; s++) out[s] = population.stateMass(p, t, s);
      return;
    }
    for (let s = 0; s < out.length; s++) out[s] = Math.exp(out[s]!);
  };
  return {
    statesAt: (p, t) => {
      if (keptEpoch[p] !== t) {
        fill(p, t, kept[p]!);
        keptEpoch[p] = t;
      }
      return kept[p]!;
    },
    memoryBytes: () => population.memoryBytes() + kept.reduce((n, x) => n + x.byteLength, 0),
  };
}
