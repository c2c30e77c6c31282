import type { ContinuousGame } from '../../core/continuous-game';
import { MfgError } from '../../core/errors';
import { Rng, checkSeed } from '../../core/rng';
import type { Box } from '../../core/spaces/box';
import type { ContinuousPopulationFlow } from '../../populations/population';
import { agentSeeds, offsetSeed, osEntropySeed } from '../agent-seeds';
import { ENDED, RUNNING, checkCanStep } from '../agent-status';
import { checkAutoresetMode, checkMeanFieldMode, type AutoresetMode, type MeanFieldMode } from '../modes';
import type { PopulationUpdateResult, ResetOptions } from '../vector-env-types';
import { checkContinuousActions } from './continuous-action-check';
import type {
  ContinuousDtype,
  ContinuousInfos,
  ContinuousPopulationReport,
  ContinuousResetResult,
  ContinuousStepResult,
  ContinuousVectorEnvOptions,
  OutOfBoundsMode,
} from './continuous-env-types';
import { DEFAULT_FICTITIOUS_PARTICLES } from './continuous-env-types';
import { checkDtype, checkOutOfBounds, continuousActionSpace, continuousObservationSpace, floatArray, observationRows } from './continuous-layout';
import { FixedContinuousSource, checkFlowMatches, type ContinuousSource } from './continuous-source';
import { FictitiousContinuousSource } from './fictitious-continuous-source';
import { LiveContinuousSource } from './live-continuous-source';
import { checkPositiveInt, checkProvides, defaultPopulation } from './population-checks';

/**
 * N agents of a continuous mean-field game (LinearQuadraticContinuous, CrowdAversionND,
 * Flocking) stepped in one call, with the Gymnasium vector-env semantics of MfgVectorEnv:
 * reset(seed, options) / step(actions), autoreset modes next_step / same_step / disabled, an
 * episode of exactly H steps whose last step (at epoch H-1) is terminated, truncated always false.
 *
 * Layout (row-major, flat typed arrays):
 * - obs [N*(d+1)]: agent i's state x_1..x_d, then its epoch t (t = H in the terminal
 *   observation, which keeps the last state), in `dtype` (float32 by default);
 * - actions [N*dA]: one row of the action dimension per agent, inside actionSpace;
 * - rewards [N] in `dtype`; terminated / truncated [N] as 0/1 bytes; infos.t [N].
 *
 * Each agent has its own Rng stream, derived from its seed only, and the game is stepped one
 * agent at a time with that stream (reward draws first, then the dynamics' noise): the same
 * seeds and actions give the same everything, bit for bit, whatever N (except in `live` mode,
 * where the agents are each other's mean field, and after fictitious updates, which read all).
 */
export class ContinuousVectorEnv {
  readonly kind = 'continuous' as const;
  readonly numAgents: number;
  readonly horizon: number;
  readonly meanField: MeanFieldMode;
  readonly autoreset: AutoresetMode;
  readonly populationKind: string;
  readonly dtype: ContinuousDtype;
  readonly outOfBounds: OutOfBoundsMode;
  /** Box [d + 1]: (x_1..x_d, t). */
  readonly observationSpace: Box;
  /** The game's action Box [dA]. */
  readonly actionSpace: Box;
  /** d, the state dimension. */
  readonly stateDim: number;
  /** dA, the action dimension. */
  readonly actionDim: number;
  /** d + 1, the length of one observation row. */
  readonly obsDim: number;

  private readonly source: ContinuousSource;
  private readonly entropySeed: number;
  private readonly state: Float64Array;
  private readonly next: Float64Array;
  private readonly actions: Float64Array;
  private readonly epoch: Int32Array;
  private readonly status: Uint8Array;
  private readonly rngs: Rng[];
  // Per-agent views, made once: the game is stepped one agent (n = 1) at a time.
  private readonly stateRow: Float64Array[];
  private readonly nextRow: Float64Array[];
  private readonly actionRow: Float64Array[];
  private readonly reward1 = new Float64Array(1);
  private readonly isRunning = (i: number): boolean => this.status[i] === RUNNING;
  private closed = false;

  constructor(
    readonly game: ContinuousGame,
    options: ContinuousVectorEnvOptions = {},
  ) {
    const N = options.numAgents ?? 1;
    if (!Number.isInteger(N) || N < 1) {
      throw new MfgError('MFG_ERR_ENV_BAD_OPTION', `numAgents must be a positive integer, got ${N}`, { details: { option: 'numAgents', value: N } });
    }
    const updateEvery = options.updateEvery ?? 0;
    if (!Number.isInteger(updateEvery) || updateEvery < 0) {
      throw new MfgError('MFG_ERR_ENV_BAD_OPTION', `updateEvery must be a non-negative integer, got ${updateEvery}`, { details: { option: 'update_every', value: updateEvery } });
    }
    const particles = options.fictitiousParticles ?? DEFAULT_FICTITIOUS_PARTICLES;
    if (!Number.isInteger(particles) || particles < 1) {
      throw new MfgError('MFG_ERR_ENV_BAD_OPTION', `fictitiousParticles must be a positive integer, got ${particles}`, { details: { option: 'fictitious_particles', value: particles } });
    }
    const kde = options.kdePoints === undefined ? {} : { maxKernelPoints: checkPositiveInt(options.kdePoints, 'kdePoints', 'kde_points') };
    const refit = options.meanField === 'fictitious' ? options.refit : undefined;
    if (refit && updateEvery > 0) {
      throw new MfgError('MFG_ERR_ENV_BAD_OPTION', `update_every > 0 updates inside a step, and a ${options.populationKind ?? 'refitted'} population is refitted on every update (a fit): update with population_update`, {
        details: { option: 'update_every', value: updateEvery, population: options.populationKind ?? null },
      });
    }
    this.numAgents = N;
    this.horizon = game.horizon;
    this.meanField = checkMeanFieldMode(options.meanField ?? 'fixed');
    this.autoreset = checkAutoresetMode(options.autoreset ?? 'next_step');
    this.dtype = checkDtype(options.dtype ?? 'float32');
    this.outOfBounds = checkOutOfBounds(options.outOfBounds ?? 'error');
    this.observationSpace = continuousObservationSpace(game, this.dtype);
    this.actionSpace = continuousActionSpace(game, this.dtype);
    const d = (this.stateDim = game.stateSpace.size);
    const dA = (this.actionDim = game.actionSpace.size);
    this.obsDim = d + 1;
    this.entropySeed = options.entropySeed === undefined ? osEntropySeed() : checkSeed(options.entropySeed, 'entropySeed');

    const population = checkFlowMatches(options.population ?? defaultPopulation(game), this.horizon, d);
    this.populationKind = options.populationKind ?? population.kind;
    if (this.meanField !== 'live') checkProvides(game, population.at(0), population.kind);
    this.source =
      this.meanField === 'fixed'
        ? new FixedContinuousSource(population)
        : this.meanField === 'fictitious'
          ? new FictitiousContinuousSource(population, updateEvery, N, particles, kde, refit)
          : new LiveContinuousSource(population, kde);

    this.state = new Float64Array(N * d);
    this.next = new Float64Array(N * d);
    this.actions = new Float64Array(N * dA);
    this.epoch = new Int32Array(N);
    this.status = new Uint8Array(N);
    this.rngs = new Array<Rng>(N);
    this.stateRow = Array.from({ length: N }, (_, i) => this.state.subarray(i * d, (i + 1) * d));
    this.nextRow = Array.from({ length: N }, (_, i) => this.next.subarray(i * d, (i + 1) * d));
    this.actionRow = Array.from({ length: N }, (_, i) => this.actions.subarray(i * dA, (i + 1) * dA));
  }

  /**
   * Starts episodes. seed: null/undefined continues each agent's stream; one integer s seeds
   * agent i with (s + i) mod 2^53 (Gymnasium's vector convention); an array gives one seed per agent.
   */
  reset(seed?: number | readonly number[] | null, options: ResetOptions = {}): ContinuousResetResult {
    this.checkOpen();
    const N = this.numAgents;
    const seeds = agentSeeds(seed, N);
    const mask = options.resetMask;
    if (mask !== undefined && mask.length !== N) {
      throw new MfgError('MFG_ERR_ENV_BAD_OPTION', `reset_mask has ${mask.length} entries, expected one per agent (${N})`, {
        details: { option: 'reset_mask', expected: [N], got: [mask.length] },
      });
    }
    for (let i = 0; i < N; i++) {
      if (mask !== undefined && !mask[i]) continue;
      if (seeds !== null) this.rngs[i] = new Rng(seeds[i]!);
      this.resetAgent(i);
    }
    return { obs: this.observations(), infos: { t: this.epoch.slice() } };
  }

  /** One step of every agent: actions[i*dA + k] is component k of agent i's action. */
  step(actions: ArrayLike<number>): ContinuousStepResult {
    this.checkOpen();
    const N = this.numAgents;
    checkCanStep(this.status, this.autoreset);
    checkContinuousActions(actions, N, this.actionSpace, this.outOfBounds, this.isRunning, this.actions);
    this.source.beginStep({ state: this.state, epoch: this.epoch, dim: this.stateDim, stepping: this.isRunning });
    const rewards = floatArray(this.dtype, N);
    this.evaluate(rewards);
    const terminated = new Uint8Array(N);
    const truncated = new Uint8Array(N);
    const infos: ContinuousInfos = { t: new Int32Array(0) };
    const ended = this.advance(terminated, infos);
    this.source.endStep(ended);
    infos.t = this.epoch.slice();
    return { obs: this.observations(), rewards, terminated, truncated, infos };
  }

  /** `fictitious` mode: mu_t <- (1-w) mu_t + w·muhat_t, w = 1/(k+1) at update k, muhat_t the visits since the previous update. */
  updatePopulation(): PopulationUpdateResult {
    this.checkOpen();
    return this.source.updatePopulation();
  }

  /**
   * updatePopulation, then, where the env refits (a generative population in `fictitious` mode),
   * the fit of that representation to the new average; the one call for every env.
   */
  async updatePopulationAsync(): Promise<PopulationUpdateResult> {
    this.checkOpen();
    return this.source instanceof FictitiousContinuousSource ? this.source.updatePopulationAsync() : this.source.updatePopulation();
  }

  /** Replaces the flow (`fixed` and `fictitious`), e.g. a solver's next iterate. */
  setFlow(flow: ContinuousPopulationFlow): void {
    this.checkOpen();
    checkFlowMatches(flow, this.horizon, this.stateDim);
    checkProvides(this.game, flow.at(0), flow.kind);
    this.source.setFlow(flow);
  }

  /** The flow the rewards are read from (fixed and fictitious; live: the initial flow). */
  get currentPopulation(): ContinuousPopulationFlow {
    return this.source.population;
  }

  /** The current flow's per-epoch moments and the fictitious-play counters. */
  report(): ContinuousPopulationReport {
    this.checkOpen();
    const { mean, variance } = this.source.moments();
    return {
      meanField: this.meanField,
      population: this.populationKind,
      flowKind: this.source.flowKind,
      ...this.source.counters(),
      horizon: this.horizon,
      dim: this.stateDim,
      mean,
      variance,
    };
  }

  /** Releases the agents' state; every later call throws. Safe to call twice. */
  close(): void {
    this.closed = true;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  // ---- internals ----

  private checkOpen(): void {
    if (this.closed) throw new MfgError('MFG_ERR_SESSION_CLOSED', 'this env was closed', { details: { reason: 'closed' } });
  }

  /** Rewards, then next states, of every RUNNING agent, each with its own stream. */
  private evaluate(rewards: Float32Array | Float64Array): void {
    const H = this.horizon;
    const { game, epoch, rngs, reward1 } = this;
    for (let i = 0; i < this.numAgents; i++) {
      if (this.status[i] !== RUNNING) continue;
      const t = epoch[i]!;
      const mf = this.source.at(t);
      const x = this.stateRow[i]!;
      const a = this.actionRow[i]!;
      game.reward(t, x, a, 1, mf, rngs[i]!, reward1);
      rewards[i] = reward1[0]!;
      if (t + 1 < H) game.step(t, x, a, 1, mf, rngs[i]!, this.nextRow[i]!);
    }
  }

  /** Moves every agent to its next state, ends the episodes at epoch H-1, resets the ENDED (next_step) or the ended (same_step). */
  private advance(terminated: Uint8Array, infos: ContinuousInfos): number {
    const N = this.numAgents;
    const H = this.horizon;
    const { status, epoch } = this;
    const sameStep = this.autoreset === 'same_step';
    let ended = 0;
    for (let i = 0; i < N; i++) {
      if (status[i] === ENDED) {
        this.resetAgent(i); // next_step: the reset happens now; reward 0, not terminated
        continue;
      }
      const t = epoch[i]!;
      if (t + 1 < H) {
        this.stateRow[i]!.set(this.nextRow[i]!);
        epoch[i] = t + 1;
        continue;
      }
      // The step at epoch H-1 ends the episode; the terminal observation keeps the state, t = H.
      epoch[i] = H;
      terminated[i] = 1;
      ended++;
      if (sameStep) {
        this.recordFinal(i, infos);
        this.resetAgent(i);
      } else {
        status[i] = ENDED;
      }
    }
    return ended;
  }

  /** same_step: agent i's terminal row into infos.finalObs (created on the first ended agent). */
  private recordFinal(i: number, infos: ContinuousInfos): void {
    const N = this.numAgents;
    const D = this.obsDim;
    if (infos.finalObs === undefined) {
      infos.finalObs = floatArray(this.dtype, N * D);
      infos.finalObsMask = new Uint8Array(N);
      infos.finalInfo = { t: new Int32Array(N) };
      infos.finalInfoMask = new Uint8Array(N);
    }
    const row = this.stateRow[i]!;
    for (let k = 0; k < this.stateDim; k++) infos.finalObs[i * D + k] = row[k]!;
    infos.finalObs[i * D + this.stateDim] = this.horizon;
    infos.finalObsMask![i] = 1;
    infos.finalInfo!.t[i] = this.horizon;
    infos.finalInfoMask![i] = 1;
  }

  private resetAgent(i: number): void {
    // An agent never seeded draws from the entropy seed's stream for its index.
    const rng = (this.rngs[i] ??= new Rng(offsetSeed(this.entropySeed, i)));
    this.game.sampleInitial(1, rng, this.stateRow[i]!);
    this.epoch[i] = 0;
    this.status[i] = RUNNING;
  }

  private observations(): Float32Array | Float64Array {
    return observationRows(this.state, this.epoch, this.stateDim, this.dtype);
  }
}
