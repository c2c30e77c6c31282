import type { ContinuousMeanField } from '../../core/continuous-game';
import type { KdeOptions } from '../../populations/continuous-particles';
import type { ContinuousPopulationFlow } from '../../populations/population';
import type { SourceCounters } from '../mean-field/source';
import { MfgError } from '../../core/errors';
import type { PopulationUpdateResult } from '../vector-env-types';
import type { ContinuousRefit } from './continuous-env-types';
import { AveragedContinuousFlow } from './averaged-flow';
import { flowMoments } from './flow-moments';
import { VisitBuffer } from './visit-buffer';
import type { ContinuousSource, ContinuousStepAgents } from './continuous-source';

/**
 * `fictitious`: the states the agents visit are recorded per epoch, and every `updateEvery`
 * rounds of N agent-episodes (or on updatePopulation()) the flow becomes the FP average
 * mu_t <- (1 - w)·mu_t + w·muhat_t, w = 1/(k+1) at update k, muhat_t the empirical measure of
 * the visits at epoch t since the previous update (epochs without visits keep mu_t), as the
 * finite env's fictitious mode does with its tables. The visits are kept in bounded memory
 * (VisitBuffer: an evenly spaced subsequence of at most 2·particles per epoch). The average is carried by particles
 * (AveragedContinuousFlow); before the first update the given representation is read as is.
 * With a refit (a generative population), each update then fits that representation to the
 * average's particles and the env reads the fit; the average itself stays exact in particles, so
 * the FP weights are not blurred by one fit after another.
 */
export class FictitiousContinuousSource implements ContinuousSource {
  readonly mode = 'fictitious' as const;
  population: ContinuousPopulationFlow;
  private averaged: AveragedContinuousFlow | null = null;
  private visits: VisitBuffer[];
  private iteration = 0;
  private episodesSinceUpdate = 0;
  private samplesSinceUpdate = 0;

  private readonly initialKind: string;
  private refitting = false;

  constructor(
    population: ContinuousPopulationFlow,
    private readonly updateEvery: number,
    private readonly numAgents: number,
    private readonly particles: number,
    private readonly kde: KdeOptions = {},
    private readonly refit?: ContinuousRefit,
  ) {
    this.population = population;
    this.initialKind = population.kind;
    this.visits = this.emptyVisits();
  }

  get flowKind(): string {
    return this.population.kind;
  }

  at(t: number): ContinuousMeanField {
    return this.population.at(t);
  }

  beginStep(agents: ContinuousStepAgents): void {
    const { state, epoch, dim: d, stepping } = agents;
    for (let i = 0; i < epoch.length; i++) {
      if (!stepping(i)) continue;
      this.visits[epoch[i]!]!.push(state, i * d);
      this.samplesSinceUpdate++;
    }
  }

  endStep(ended: number): void {
    this.episodesSinceUpdate += ended;
    if (this.updateEvery > 0 && this.episodesSinceUpdate >= this.updateEvery * this.numAgents) this.updatePopulation();
  }

  updatePopulation(): PopulationUpdateResult {
    if (this.refit) {
      throw new MfgError('MFG_ERR_ENV_BAD_MODE', `this env refits its ${this.initialKind} population on every update, which is a fit: await updatePopulationAsync()`, {
        details: { meanField: 'fictitious', population: this.initialKind },
      });
    }
    return this.average();
  }

  /** The FP update, then (with a refit) the fit of the representation to the new average. */
  async updatePopulationAsync(): Promise<PopulationUpdateResult> {
    // Steps during a refit read the average's particles; a second update would race the first fit.
    if (this.refitting) {
      throw new MfgError('MFG_ERR_ENV_BAD_MODE', `update ${this.iteration} is still refitting the ${this.initialKind} population; wait for its reply`, {
        details: { meanField: 'fictitious', population: this.initialKind, iteration: this.iteration },
      });
    }
    const result = this.average();
    if (!this.refit) return result;
    const t0 = performance.now();
    this.refitting = true;
    try {
      this.population = await this.refit(this.averaged!.samples(), result.iteration);
    } finally {
      this.refitting = false;
    }
    return { ...result, refit: { kind: this.population.kind, seconds: (performance.now() - t0) / 1000 } };
  }

  private average(): PopulationUpdateResult {
    const k = this.iteration + 1;
    const w = 1 / (k + 1);
    const avg = (this.averaged ??= new AveragedContinuousFlow(this.population, this.particles, this.kde));
    this.visits.forEach((buffer, t) => avg.mix(t, buffer.kept(), w));
    this.population = avg;
    const result = { iteration: k, weight: w, samples: this.samplesSinceUpdate, episodes: this.episodesSinceUpdate };
    this.visits = this.emptyVisits();
    this.iteration = k;
    this.episodesSinceUpdate = 0;
    this.samplesSinceUpdate = 0;
    return result;
  }

  /** Replaces the flow; the FP counter keeps counting (as in the finite env). */
  setFlow(flow: ContinuousPopulationFlow): void {
    this.population = flow;
    this.averaged = null;
  }

  counters(): SourceCounters {
    return { iteration: this.iteration, episodes: this.episodesSinceUpdate, samples: this.samplesSinceUpdate };
  }

  moments(): { mean: Float64Array; variance: Float64Array } {
    return flowMoments(this.population);
  }

  /** One buffer per epoch; an update reads at most `particles` visits, so 2·particles kept per epoch are plenty. */
  private emptyVisits(): VisitBuffer[] {
    return Array.from({ length: this.population.horizon }, () => new VisitBuffer(this.population.dim, this.particles));
  }
}

