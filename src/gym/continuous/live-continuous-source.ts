import type { ContinuousMeanField } from '../../core/continuous-game';
import { MfgError } from '../../core/errors';
import { ContinuousParticles } from '../../populations/continuous-particles';
import type { ContinuousPopulationFlow } from '../../populations/population';
import { notFictitious, type SourceCounters } from '../mean-field/source';
import type { PopulationUpdateResult } from '../vector-env-types';
import type { ContinuousSource, ContinuousStepAgents } from './continuous-source';
import { pointMoments } from './flow-moments';

/**
 * `live`: the N agents are the population. Each step, the agents stepping at epoch t are mu_t
 * (their empirical measure, read as ContinuousParticles: sample mean, resampling, and a KDE
 * where the game needs a density). The report shows the moments last seen at each epoch.
 */
export class LiveContinuousSource implements ContinuousSource {
  readonly mode = 'live' as const;
  readonly flowKind = 'agents';
  private fields: (ContinuousParticles | null)[];
  private readonly lastMean: Float64Array;
  private readonly lastVariance: Float64Array;

  constructor(readonly population: ContinuousPopulationFlow) {
    const { horizon: H, dim: d } = population;
    this.fields = new Array<ContinuousParticles | null>(H).fill(null);
    this.lastMean = new Float64Array(H * d).fill(NaN);
    this.lastVariance = new Float64Array(H * d).fill(NaN);
  }

  at(t: number): ContinuousMeanField {
    const f = this.fields[t];
    if (!f) throw new MfgError('MFG_ERR_INTERNAL', `live mean field of epoch ${t} asked while no agent steps at it`);
    return f;
  }

  beginStep(agents: ContinuousStepAgents): void {
    const { state, epoch, dim: d, stepping } = agents;
    const H = this.population.horizon;
    const count = new Int32Array(H);
    for (let i = 0; i < epoch.length; i++) if (stepping(i)) count[epoch[i]!]!++;
    const points = Array.from(count, (c) => (c > 0 ? new Float64Array(c * d) : null));
    const fill = new Int32Array(H);
    for (let i = 0; i < epoch.length; i++) {
      if (!stepping(i)) continue;
      const t = epoch[i]!;
      const row = fill[t]!++;
      for (let k = 0; k < d; k++) points[t]![row * d + k] = state[i * d + k]!;
    }
    this.fields = points.map((p) => (p === null ? null : new ContinuousParticles(p, d)));
    this.fields.forEach((f, t) => {
      if (f !== null) pointMoments(f.points, d, t, this.lastMean, this.lastVariance);
    });
  }

  endStep(): void {}

  setFlow(): void {
    throw new MfgError('MFG_ERR_ENV_BAD_MODE', "in mean-field mode 'live' the agents are the flow; it cannot be set", { details: { meanField: this.mode } });
  }

  updatePopulation(): PopulationUpdateResult {
    throw notFictitious(this.mode);
  }

  counters(): SourceCounters {
    return { iteration: 0, episodes: 0, samples: 0 };
  }

  moments(): { mean: Float64Array; variance: Float64Array } {
    return { mean: this.lastMean.slice(), variance: this.lastVariance.slice() };
  }
}
