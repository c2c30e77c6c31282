import { isFiniteGame } from '../core/game';
import type { FiniteGame } from '../core/finite-game';
import { checkPolicy, uniformPolicy, type TabularPolicy } from '../core/tabular/policy';
import { ExactPopulation } from '../populations/exact-population';
import { makePopulation } from '../populations/make-population';
import type { FinitePopulationFlow } from '../populations/population';
import { makeGame, resolveKwargs } from '../registry/registry';
import type { IllegalActionsMode } from './illegal-actions';
import type { AutoresetMode, MeanFieldMode } from './modes';
import type { PopulationFeatures } from './population-features';
import type { SteppingChoice } from './stepping/stepping-path';
import type { ContinuousVectorEnv } from './continuous/continuous-vector-env';
import { makeContinuousEnv, type ContinuousMakeOptions } from './continuous/make-continuous-env';
import { MfgVectorEnv } from './vector-env';

/** MakeEnvOptions: the finite env's options, and for continuous games those of ContinuousMakeOptions (dtype, outOfBounds, ...). */
export interface MakeEnvOptions extends FiniteMakeOptions, Omit<ContinuousMakeOptions, keyof FiniteMakeOptions> {}

/** The options a finite game's env takes (the original MakeEnvOptions). */
export interface FiniteMakeOptions {
  /** The env's kwargs (validated against its schema, defaults filled). */
  kwargs?: Record<string, unknown>;
  /** N agents stepped together (default 1). */
  numAgents?: number;
  /** Representation of the flow: 'exact' (default), 'particles', 'generative'. */
  population?: string;
  meanField?: MeanFieldMode;
  autoreset?: AutoresetMode;
  /**
   * The policy whose flow Gamma(pi) is the initial mean field (default uniform over legal
   * actions): a full tabular policy, or one Float64Array for the agents' population 0 (the
   * others then follow the uniform policy).
   */
  policy?: TabularPolicy | Float64Array;
  /** `fictitious` mode: refit the flow every that many episodes (0 = only on updatePopulation()). */
  updateEvery?: number;
  /** Seed of agents reset before ever being seeded (default: from the OS). */
  entropySeed?: number;
  /** Population-aware observation features: 'none' (default), 'moments', 'histogram'. */
  populationFeatures?: PopulationFeatures;
  /** Cells per axis of the 'histogram' features (default 4). */
  histogramBins?: number;
  /** The population the agents belong to (default 0; a policy given as one Float64Array is its). */
  agentPopulation?: number;
  /** An action illegal in the agent's state: 'noop' (default) or 'error' (src/gym/illegal-actions.ts). */
  illegalActions?: IllegalActionsMode;
  /** 'auto' (default), 'table' or 'per-agent': see VectorEnvOptions.stepping. */
  stepping?: SteppingChoice;
  /** Bytes the reward tables may take before 'auto' steps per agent (default 256 MiB). */
  tableBudgetBytes?: number;
  /** Agents simulated per population for a sample-based population (default 10^4, DEFAULT_NUM_AGENTS). */
  populationSamples?: number;
  /** Kind-specific settings of the population (the generative fit budget: steps, maxRounds, ...). */
  populationSettings?: Readonly<Record<string, unknown>>;
}

/** The built-in continuous games' ids: makeEnv of one of them is typed as a ContinuousVectorEnv. */
export type ContinuousEnvId = 'LinearQuadraticContinuous-v0' | 'CrowdAversionND-v0' | 'Flocking-v0';

/** Either vector env: finite (MultiDiscrete obs, Discrete actions) or continuous (Box obs and actions). */
export type AnyVectorEnv = MfgVectorEnv | ContinuousVectorEnv;

/** A built vector env and the kwargs it was built with (defaults filled). */
export interface MadeEnv {
  env: AnyVectorEnv;
  kwargs: Record<string, unknown>;
}

/**
 * make(id, {...}) of DESIGN §4: builds the registered game and a vector env of N agents over it:
 * an MfgVectorEnv for a finite game, a ContinuousVectorEnv for a continuous one (the id's type
 * says which for the built-in ids; for an id known only at run time use makeAnyEnv and narrow
 * with `env.kind === 'continuous'` or instanceof).
 * Async because a generative population trains its generator before the first step.
 */
export async function makeEnv(id: ContinuousEnvId, options?: MakeEnvOptions): Promise<ContinuousVectorEnv>;
export async function makeEnv(id: string, options?: MakeEnvOptions): Promise<MfgVectorEnv>;
export async function makeEnv(id: string, options: MakeEnvOptions = {}): Promise<AnyVectorEnv> {
  return (await makeEnvWithKwargs(id, options)).env;
}

/** makeEnv for any id, typed as either env. */
export async function makeAnyEnv(id: string, options: MakeEnvOptions = {}): Promise<AnyVectorEnv> {
  return (await makeEnvWithKwargs(id, options)).env;
}

export async function makeEnvWithKwargs(id: string, options: MakeEnvOptions = {}): Promise<MadeEnv> {
  const kwargs = resolveKwargs(id, options.kwargs ?? {});
  const game = makeGame(id, kwargs);
  if (!isFiniteGame(game)) {
    const { kwargs: _kwargs, ...rest } = options;
    return { env: await makeContinuousEnv(game, rest as ContinuousMakeOptions & Record<string, unknown>), kwargs };
  }
  const kind = options.population ?? 'exact';
  const population = await initialPopulation(game, kind, options);
  const env = new MfgVectorEnv(game, {
    numAgents: options.numAgents,
    meanField: options.meanField,
    autoreset: options.autoreset,
    population,
    populationKind: kind,
    updateEvery: options.updateEvery,
    entropySeed: options.entropySeed,
    populationFeatures: options.populationFeatures,
    histogramBins: options.histogramBins,
    agentPopulation: options.agentPopulation,
    illegalActions: options.illegalActions,
    stepping: options.stepping,
    tableBudgetBytes: options.tableBudgetBytes,
  });
  return { env, kwargs };
}

/**
 * The initial flow. A sample-based kind (particles, generative) under the default uniform policy
 * is simulated from one S·A epoch of it (makePopulation's uniformPolicySource), so no H·S·A table
 * exists on that path: that is what lets a 1024², H = 200 grid be made at all. A given policy,
 * or the exact kind (its flow is H·S·A by nature), goes through the table.
 */
async function initialPopulation(game: FiniteGame, kind: string, options: MakeEnvOptions): Promise<FinitePopulationFlow> {
  const { policy } = options;
  const agentPopulation = options.agentPopulation ?? 0;
  const sampling = { kind, numAgents: options.populationSamples, settings: options.populationSettings };
  if (policy === undefined && kind !== 'exact') return makePopulation(game, sampling);
  let pi = uniformPolicy(game);
  // An out-of-range agentPopulation is reported by the env's constructor, with the valid range.
  if (policy instanceof Float64Array) {
    if (agentPopulation < pi.length) pi[agentPopulation] = policy;
  } else if (policy !== undefined) pi = policy;
  if (policy !== undefined) checkPolicy(game, pi);
  if (kind === 'exact') return ExactPopulation.fromPolicy(game, pi);
  return makePopulation(game, { ...sampling, policy: pi });
}
