import type { ContinuousFlowSamples, ContinuousPopulationFlow } from '../../populations/population';
import type { AutoresetMode, MeanFieldMode } from '../modes';

/** The float type of observations and rewards (Gymnasium's Box dtype); the dynamics always run in float64. */
export type ContinuousDtype = 'float32' | 'float64';

/** What to do with an action outside the action Box: refuse it (default) or clip it into the Box. */
export type OutOfBoundsMode = 'error' | 'clip';

export const OUT_OF_BOUNDS_MODES: readonly OutOfBoundsMode[] = ['error', 'clip'];
export const CONTINUOUS_DTYPES: readonly ContinuousDtype[] = ['float32', 'float64'];

/** Default particles per epoch of the flow a `fictitious` update averages into. */
export const DEFAULT_FICTITIOUS_PARTICLES = 4096;

export interface ContinuousVectorEnvOptions {
  /** N, the agents stepped together (default 1). */
  numAgents?: number;
  meanField?: MeanFieldMode;
  autoreset?: AutoresetMode;
  /**
   * The flow the agents' rewards and dynamics read in `fixed` mode, and the start of `fictitious`
   * (default: the game's exact Gaussian flow when it has one, else particles of its reference policy).
   */
  population?: ContinuousPopulationFlow;
  /** Name of the representation, reported back (default population.kind). */
  populationKind?: string;
  /** `fictitious` only: refit the flow every that many episodes of N agent-episodes (0 = only on updatePopulation()). */
  updateEvery?: number;
  /** `fictitious` only: particles per epoch of the averaged flow (default 4096). */
  fictitiousParticles?: number;
  /**
   * `live` and `fictitious`: at most this many particles per epoch serve as KDE centres where the
   * game needs a density (default 2048; each density query costs O(kdePoints·d)).
   */
  kdePoints?: number;
  /**
   * `fictitious` only: the representation the FP average is refitted to after each update, e.g. a
   * generative population's fit to the averaged particles (makeContinuousEnv sets it for every
   * kind but particles and exact). Without it the average is carried by its particles. A refit is
   * a fit (seconds), so it runs in updatePopulationAsync() only, and excludes updateEvery > 0
   * (whose updates happen inside a synchronous step).
   */
  refit?: ContinuousRefit;
  /** Seeds agents that reset before ever being seeded (default: 52 bits from the OS). */
  entropySeed?: number;
  /** dtype of observations and rewards (default 'float32'). */
  dtype?: ContinuousDtype;
  /** An action outside the action Box: 'error' (default, MFG_ERR_ENV_BAD_ACTION reason 'range') or 'clip'. */
  outOfBounds?: OutOfBoundsMode;
}

/** Fits the flow's representation to the FP average's particles; k is the update (1, 2, ...), for seeding. */
export type ContinuousRefit = (samples: ContinuousFlowSamples, k: number) => Promise<ContinuousPopulationFlow>;

/** Per-agent infos, vectorised (Gymnasium vector-env form). Arrays are fresh on every call. */
export interface ContinuousInfos {
  /** [N]: each agent's current epoch (H after its last step). */
  t: Int32Array;
  /** same_step only, on steps where an episode ended: terminal observations [N*(d+1)], rows valid where finalObsMask. */
  finalObs?: Float32Array | Float64Array;
  finalObsMask?: Uint8Array;
  finalInfo?: { t: Int32Array };
  finalInfoMask?: Uint8Array;
}

export interface ContinuousResetResult {
  /** [N*(d+1)] row-major: each agent's state x_1..x_d, then its epoch t. */
  obs: Float32Array | Float64Array;
  infos: ContinuousInfos;
}

export interface ContinuousStepResult {
  obs: Float32Array | Float64Array;
  /** [N] r_t(x_i, a_i; mu_t), computed in float64 and stored in the env's dtype. */
  rewards: Float32Array | Float64Array;
  terminated: Uint8Array;
  truncated: Uint8Array;
  infos: ContinuousInfos;
}

export interface ContinuousPopulationReport {
  meanField: MeanFieldMode;
  population: string;
  /** What carries the flow now: the given representation, or 'particles' once a fictitious update averaged it. */
  flowKind: string;
  iteration: number;
  episodes: number;
  samples: number;
  horizon: number;
  dim: number;
  /** mean[t*d + k], variance[t*d + k]: per-epoch moments of the current flow (live: of the agents, last seen per epoch; NaN never seen). */
  mean: Float64Array;
  variance: Float64Array;
}
