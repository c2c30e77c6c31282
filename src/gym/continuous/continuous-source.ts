import type { ContinuousMeanField } from '../../core/continuous-game';
import { MfgError } from '../../core/errors';
import type { ContinuousPopulationFlow } from '../../populations/population';
import type { SourceCounters } from '../mean-field/source';
import { notFictitious } from '../mean-field/source';
import type { MeanFieldMode } from '../modes';
import type { PopulationUpdateResult } from '../vector-env-types';
import { flowMoments } from './flow-moments';

/** The agents about to step: their states (n rows of d), epochs, and which of the N step now. */
export interface ContinuousStepAgents {
  readonly state: Float64Array;
  readonly epoch: Int32Array;
  readonly dim: number;
  readonly stepping: (i: number) => boolean;
}

/**
 * Where a continuous env's mean field comes from (DESIGN §4), the continuous counterpart of
 * MeanFieldSource: `fixed` reads a given flow, `fictitious` averages the agents' visited states
 * into it, `live` makes the stepping agents themselves the flow.
 */
export interface ContinuousSource {
  readonly mode: MeanFieldMode;
  /** The represented flow outside steps (live: the initial one). */
  readonly population: ContinuousPopulationFlow;
  /** What carries the flow now ('particles' once a fictitious update averaged it). */
  readonly flowKind: string;
  /** The mean field of epoch t for the current step. */
  at(t: number): ContinuousMeanField;
  beginStep(agents: ContinuousStepAgents): void;
  /** After the step: how many agent-episodes ended in it. */
  endStep(ended: number): void;
  setFlow(flow: ContinuousPopulationFlow): void;
  updatePopulation(): PopulationUpdateResult;
  counters(): SourceCounters;
  /** Per-epoch mean and variance of the current flow (rows t*d + k). */
  moments(): { mean: Float64Array; variance: Float64Array };
}

/** `fixed`: the flow is given and never changes (setFlow replaces it). */
export class FixedContinuousSource implements ContinuousSource {
  readonly mode = 'fixed' as const;

  constructor(public population: ContinuousPopulationFlow) {}

  get flowKind(): string {
    return this.population.kind;
  }

  at(t: number): ContinuousMeanField {
    return this.population.at(t);
  }

  beginStep(): void {}
  endStep(): void {}

  setFlow(flow: ContinuousPopulationFlow): void {
    this.population = flow;
  }

  updatePopulation(): PopulationUpdateResult {
    throw notFictitious(this.mode);
  }

  counters(): SourceCounters {
    return { iteration: 0, episodes: 0, samples: 0 };
  }

  moments(): { mean: Float64Array; variance: Float64Array } {
    return flowMoments(this.population);
  }
}

/** A flow given to a continuous env must match the game: one mean field per epoch, points of dimension d. */
export function checkFlowMatches(flow: ContinuousPopulationFlow, horizon: number, dim: number): ContinuousPopulationFlow {
  if (flow.horizon !== horizon || flow.dim !== dim) {
    throw new MfgError('MFG_ERR_POPULATION_BAD_SAMPLES', `the flow covers ${flow.horizon} epochs of dimension ${flow.dim}, the game needs ${horizon} epochs of dimension ${dim}`, {
      details: { horizon: flow.horizon, dim: flow.dim, expectedHorizon: horizon, expectedDim: dim },
    });
  }
  return flow;
}
