import type { FinitePopulationFlow } from '../populations/population';
import type { IllegalActionsMode } from './illegal-actions';
import type { AutoresetMode, MeanFieldMode } from './modes';
import type { PopulationFeatures } from './population-features';
import type { SteppingChoice, SteppingReport } from './stepping/stepping-path';

export interface VectorEnvOptions {
  /** N, the agents stepped together (default 1). */
  numAgents?: number;
  meanField?: MeanFieldMode;
  autoreset?: AutoresetMode;
  /** The initial flow (default: the exact flow of the uniform policy, Gamma(uniform)). */
  population?: FinitePopulationFlow;
  /** Name of the representation, reported back (default population.kind). */
  populationKind?: string;
  /** `fictitious` only: refit the flow every that many episodes of N agent-episodes (0 = never by itself). */
  updateEvery?: number;
  /** Seeds agents that reset before ever being seeded (default: 52 bits from the OS). */
  entropySeed?: number;
  /** Population-aware observation features of mu_t at each agent's epoch (default 'none'). */
  populationFeatures?: PopulationFeatures;
  /** Cells per axis of the 'histogram' features (default 4). */
  histogramBins?: number;
  /**
   * How rewards and next states are computed: 'table' (r_t(s, a) for all S·A per epoch, read
   * by index), 'per-agent' (only at the N agents' (s, a)), or 'auto' (default): tables when
   * they fit tableBudgetBytes, else per agent where the game supports it.
   */
  stepping?: SteppingChoice;
  /** Bytes the reward tables may take on the 'auto' path (default 256 MiB). */
  tableBudgetBytes?: number;
  /** The population the N agents belong to (default 0); the others follow their flow. */
  agentPopulation?: number;
  /** An action illegal in the agent's state: 'noop' (default, stepped as the no-op and flagged) or 'error'. */
  illegalActions?: IllegalActionsMode;
}

/** Per-agent infos, vectorised (Gymnasium vector-env form). Arrays are fresh on every call. */
export interface VectorInfos {
  /** [N*A]: 1 where action a is legal in agent i's current state. */
  actionMask: Uint8Array;
  /** [N]: each agent's current epoch (H after its last step). */
  t: Int32Array;
  /** step only, [N]: 1 where the agent's action was illegal and acted as the no-op (illegal-actions.ts). */
  illegalAction?: Uint8Array;
  /** same_step only, on steps where an episode ended: terminal observations, rows valid where finalObsMask. */
  finalObs?: Int32Array;
  finalObsMask?: Uint8Array;
  finalInfo?: { actionMask: Uint8Array; t: Int32Array };
  finalInfoMask?: Uint8Array;
  /** With population features: the features of the terminal observations, [N*F]. */
  finalFeatures?: Float64Array;
}

export interface ResetResult {
  /** [N*(d+1)]: each agent's state coordinates then its epoch. */
  obs: Int32Array;
  /** With population features: [N*F], the features of mu_t at each agent's epoch t. */
  features?: Float64Array;
  infos: VectorInfos;
}

export interface StepResult {
  obs: Int32Array;
  features?: Float64Array;
  rewards: Float64Array;
  terminated: Uint8Array;
  truncated: Uint8Array;
  infos: VectorInfos;
}

export interface ResetOptions {
  /** Reset only the agents where resetMask[i] is 1 (Gymnasium's options["reset_mask"]). */
  resetMask?: Uint8Array | readonly boolean[];
}

export interface PopulationUpdateResult {
  /** k: updates so far, this one included. */
  iteration: number;
  /** w = 1/(k+1), the weight of the new empirical flow. */
  weight: number;
  /** Visits (t, s, a) the update used. */
  samples: number;
  /** Agent-episodes completed since the previous update. */
  episodes: number;
  /** When the average was refitted (a continuous generative population in `fictitious` mode): to what, and the fit's seconds. */
  refit?: { kind: string; seconds: number };
}

export interface PopulationReport {
  meanField: MeanFieldMode;
  population: string;
  iteration: number;
  episodes: number;
  samples: number;
  horizon: number;
  numStates: number;
  /** mu[t*S + s]: state marginals of the current flow (live: of the agents, last seen per epoch). */
  mu: Float64Array;
  /** Which stepping path the env took and what the tables would cost. */
  stepping: SteppingReport;
}
