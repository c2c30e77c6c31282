import { randomBytes } from 'node:crypto';
import { MfgError } from '../core/errors';
import type { FiniteGame, FinitePopulation, MeanFieldAt, SparseKernel } from '../core/finite-game';
import { MAX_SEED, Rng, checkSeed } from '../core/rng';
import { Box } from '../core/spaces/box';
import type { Discrete } from '../core/spaces/discrete';
import type { MultiDiscrete } from '../core/spaces/multi-discrete';
import { checkPolicy, uniformPolicy, type TabularPolicy, type TimeTable } from '../core/tabular/policy';
import { ExactPopulation } from '../populations/exact-population';
import type { FinitePopulationFlow } from '../populations/population';
import { drawFromCdf } from '../populations/state-mass';
import { epochTables, type EpochTables } from './epoch-tables';
import { fictitiousUpdate } from './fictitious-update';
import { checkAutoresetMode, checkMeanFieldMode, type AutoresetMode, type MeanFieldMode } from './modes';
import { actionSpace, observationSpace, stateCoordinates } from './observation-layout';
import { FeatureMap, type PopulationFeatures } from './population-features';
import { IllegalActionRule, checkIllegalActionsMode, type IllegalActionsMode } from './illegal-actions';

// Agent status: before its first reset, inside an episode, or past its last epoch awaiting a reset.
const NEVER_RESET = 0;
const RUNNING = 1;
const ENDED = 2;

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
}

/**
 * N agents of a finite mean-field game stepped in one call, with Gymnasium vector-env semantics
 * (reset(seed, options) / step(actions), autoreset modes) and a mean field that is fixed,
 * refitted by fictitious play from the agents' visits, or made of the agents themselves.
 *
 * The agents belong to population `agentPopulation` (default 0); other populations
 * (multi-population games) follow their flow. Each agent has its own Rng stream derived from its seed only, so the same seeds
 * and actions give the same everything, whatever N and whatever the other agents do (except in
 * `live` mode, where the agents are each other's mean field).
 */
export class MfgVectorEnv {
  readonly numAgents: number;
  readonly agentPopulation: number;
  readonly horizon: number;
  readonly meanField: MeanFieldMode;
  readonly autoreset: AutoresetMode;
  readonly populationKind: string;
  readonly observationSpace: MultiDiscrete;
  readonly actionSpace: Discrete;
  readonly numStates: number;
  readonly numActions: number;
  /** Length of one observation row: state coordinates + epoch. */
  readonly obsDim: number;
  /** The population features appended to observations (dim 0 when none). */
  readonly features: FeatureMap;
  /**
   * The observation space including the population features: observationSpace itself without
   * features, else a float64 Box of [coordinates, t, features].
   */
  readonly fullObservationSpace: MultiDiscrete | Box;

  private readonly pop: FinitePopulation;
  private readonly coords: Int32Array;
  private readonly mu0Cdf: Float64Array;
  private readonly updateEvery: number;
  private readonly entropySeed: number;
  private readonly illegalRule: IllegalActionRule;

  private population: FinitePopulationFlow;
  /** The flow of every population as tables, kept in fictitious mode (the one that refits). */
  private flowTable: TimeTable | null = null;
  private tables: EpochTables | null = null;
  /** Features of mu_t for t = 0..H (t = H repeats H-1), fixed and fictitious modes. */
  private featureTable: Float64Array | null = null;

  private readonly state: Int32Array;
  private readonly epoch: Int32Array;
  private readonly status: Uint8Array;
  private readonly rngs: (Rng | undefined)[];

  private readonly counts: Float64Array | null;
  private iteration = 0;
  private episodesSinceUpdate = 0;

  // live mode scratch: counts and tables of the epochs present at this step, last marginals seen.
  private readonly liveCounts: Float64Array | null;
  private readonly liveRewards: Float64Array[] = [];
  private readonly liveKernels: (SparseKernel | null)[] = [];
  private readonly liveMu: Float64Array | null;
  private closed = false;

  constructor(
    readonly game: FiniteGame,
    options: VectorEnvOptions = {},
  ) {
    const N = options.numAgents ?? 1;
    if (!Number.isInteger(N) || N < 1) {
      throw new MfgError('MFG_ERR_ENV_BAD_OPTION', `numAgents must be a positive integer, got ${N}`, { details: { option: 'numAgents', value: N } });
    }
    this.numAgents = N;
    this.horizon = game.horizon;
    this.meanField = checkMeanFieldMode(options.meanField ?? 'fixed');
    this.autoreset = checkAutoresetMode(options.autoreset ?? 'next_step');
    const updateEvery = options.updateEvery ?? 0;
    if (!Number.isInteger(updateEvery) || updateEvery < 0) {
      throw new MfgError('MFG_ERR_ENV_BAD_OPTION', `updateEvery must be a non-negative integer, got ${updateEvery}`, { details: { option: 'update_every', value: updateEvery } });
    }
    this.updateEvery = updateEvery;
    const p = options.agentPopulation ?? 0;
    if (!Number.isInteger(p) || p < 0 || p >= game.populations.length) {
      throw new MfgError('MFG_ERR_ENV_BAD_OPTION', `agentPopulation must be an integer in 0..${game.populations.length - 1} (this game has ${game.populations.length} population(s)), got ${p}`, {
        details: { option: 'agent_population', value: p, populations: game.populations.length },
      });
    }
    this.agentPopulation = p;
    this.pop = game.populations[p]!;
    this.numStates = this.pop.numStates;
    this.numActions = this.pop.numActions;
    this.observationSpace = observationSpace(this.pop, this.horizon);
    this.actionSpace = actionSpace(this.pop);
    this.obsDim = this.pop.stateShape.length + 1;
    this.coords = stateCoordinates(this.pop);
    this.features = new FeatureMap(this.pop, options.populationFeatures ?? 'none', this.coords, options.histogramBins ?? 4);
    if (this.features.dim === 0) this.fullObservationSpace = this.observationSpace;
    else {
      const low = [...this.pop.stateShape.map(() => 0), 0, ...this.features.low];
      const high = [...this.pop.stateShape.map((n) => n - 1), this.horizon, ...this.features.high];
      this.fullObservationSpace = new Box(low, high, [low.length], 'float64');
    }
    this.mu0Cdf = new Float64Array(this.numStates);
    let acc = 0;
    for (let s = 0; s < this.numStates; s++) this.mu0Cdf[s] = acc += this.pop.mu0[s]!;
    this.illegalRule = new IllegalActionRule(this.pop, checkIllegalActionsMode(options.illegalActions ?? 'noop'));
    this.entropySeed = options.entropySeed === undefined ? osEntropySeed() : checkSeed(options.entropySeed, 'entropySeed');

    this.population = options.population ?? ExactPopulation.fromPolicy(game, uniformPolicy(game));
    this.populationKind = options.populationKind ?? this.population.kind;
    if (this.meanField !== 'fixed' && this.population.meanFieldAt(0) === null) {
      throw new MfgError('MFG_ERR_GAME_UNSUPPORTED', `mean-field mode '${this.meanField}' needs a population that holds tables, and '${this.population.kind}' does not`, {
        details: { meanField: this.meanField, population: this.population.kind },
      });
    }
    if (this.meanField === 'fictitious') this.flowTable = flowTables(game, this.population);
    if (this.meanField !== 'live' || !game.dynamicsDependOnMeanField) this.tables = epochTables(game, this.population, p);
    if (this.meanField !== 'live') this.featureTable = this.flowFeatures();

    this.state = new Int32Array(N);
    this.epoch = new Int32Array(N);
    this.status = new Uint8Array(N);
    this.rngs = new Array<Rng | undefined>(N);
    const SA = this.numStates * this.numActions;
    this.counts = this.meanField === 'fictitious' ? new Float64Array(this.horizon * SA) : null;
    this.liveCounts = this.meanField === 'live' ? new Float64Array(this.horizon * SA) : null;
    this.liveMu = this.meanField === 'live' ? new Float64Array(this.horizon * this.numStates) : null;
    if (this.meanField === 'live') {
      for (let t = 0; t < this.horizon; t++) {
        this.liveRewards.push(new Float64Array(SA));
        this.liveKernels.push(null);
      }
    }
  }

  /**
   * Starts episodes. seed: null/undefined continues each agent's stream; one integer s seeds
   * agent i with (s + i) mod 2^53 (Gymnasium's vector convention); an array gives one seed per agent.
   */
  reset(seed?: number | readonly number[] | null, options: ResetOptions = {}): ResetResult {
    this.checkOpen();
    const N = this.numAgents;
    const seeds = this.agentSeeds(seed);
    let mask: ArrayLike<number | boolean> | null = null;
    if (options.resetMask !== undefined) {
      mask = options.resetMask;
      if (mask.length !== N) {
        throw new MfgError('MFG_ERR_ENV_BAD_OPTION', `reset_mask has ${mask.length} entries, expected one per agent (${N})`, {
          details: { option: 'reset_mask', expected: [N], got: [mask.length] },
        });
      }
    }
    for (let i = 0; i < N; i++) {
      if (mask !== null && !mask[i]) continue;
      if (seeds !== null) this.rngs[i] = new Rng(seeds[i]!);
      this.resetAgent(i);
    }
    const out: ResetResult = { obs: this.observations(), infos: this.infos() };
    if (this.features.dim > 0) out.features = this.featureRows(this.state, this.epoch, null);
    return out;
  }

  /** One step of every agent: actions[i] is agent i's flat action index. */
  step(actions: ArrayLike<number>): StepResult {
    this.checkOpen();
    const N = this.numAgents;
    const A = this.numActions;
    const H = this.horizon;
    const SA = this.numStates * A;
    const { status, state, epoch, rngs, counts } = this;
    this.checkCanStep();
    if (actions.length !== N) {
      throw new MfgError('MFG_ERR_ENV_BAD_ACTION', `expected ${N} actions (one per agent), got ${actions.length}`, {
        details: { reason: 'shape', expected: [N], got: [actions.length] },
      });
    }
    for (let i = 0; i < N; i++) {
      if (status[i] !== RUNNING) continue; // next_step: the action of an agent being reset is ignored
      const a = actions[i]!;
      if (a !== (a | 0) || a < 0 || a >= A) {
        const reason = Number.isNaN(a) ? 'nan' : Number.isInteger(a) ? 'range' : 'dtype';
        throw new MfgError('MFG_ERR_ENV_BAD_ACTION', `action of agent ${i} is ${a}, outside Discrete(${A})`, { details: { agent: i, value: numberForJson(a), reason } });
      }
    }
    const resolved = this.illegalRule.resolve(actions, state, (i) => status[i] === RUNNING);
    actions = resolved.actions;

    let rewardsAt: readonly Float64Array[];
    let kernelsAt: readonly (SparseKernel | null)[];
    if (this.meanField === 'live') {
      this.liveTables(actions);
      rewardsAt = this.liveRewards;
      kernelsAt = this.game.dynamicsDependOnMeanField ? this.liveKernels : this.tables!.kernels;
    } else {
      rewardsAt = this.tables!.rewards;
      kernelsAt = this.tables!.kernels;
    }

    const rewards = new Float64Array(N);
    const terminated = new Uint8Array(N);
    const truncated = new Uint8Array(N);
    const sameStep = this.autoreset === 'same_step';
    let finalObs: Int32Array | undefined;
    let finalMask: Uint8Array | undefined;
    let finalT: Int32Array | undefined;
    let finalActionMask: Uint8Array | undefined;
    let finalState: Int32Array | undefined;
    let ended = 0;
    for (let i = 0; i < N; i++) {
      if (status[i] === ENDED) {
        // next_step: the reset happens now; reward 0, not terminated.
        this.resetAgent(i);
        continue;
      }
      const t = epoch[i]!;
      const s = state[i]!;
      const row = s * A + actions[i]!;
      rewards[i] = rewardsAt[t]![row]!;
      if (counts !== null) counts[t * SA + row]! += 1;
      if (t + 1 < H) {
        state[i] = sampleRow(kernelsAt[t]!, row, rngs[i]!);
        epoch[i] = t + 1;
        continue;
      }
      // The step at epoch H-1 ends the episode; the terminal observation keeps the state, t = H.
      epoch[i] = H;
      terminated[i] = 1;
      ended++;
      if (sameStep) {
        if (finalObs === undefined) {
          finalObs = new Int32Array(N * this.obsDim);
          finalMask = new Uint8Array(N);
          finalT = new Int32Array(N);
          finalActionMask = new Uint8Array(N * A);
          finalState = new Int32Array(N);
        }
        finalState![i] = s;
        this.writeObservation(i, finalObs);
        this.writeActionMask(i, finalActionMask!);
        finalMask![i] = 1;
        finalT![i] = H;
        this.resetAgent(i);
      } else {
        status[i] = ENDED;
      }
    }
    if (counts !== null) {
      this.episodesSinceUpdate += ended;
      if (this.updateEvery > 0 && this.episodesSinceUpdate >= this.updateEvery * N) this.updatePopulation();
    }
    const infos = this.infos();
    infos.illegalAction = resolved.illegal;
    if (finalObs !== undefined) {
      infos.finalObs = finalObs;
      infos.finalObsMask = finalMask;
      infos.finalInfo = { actionMask: finalActionMask!, t: finalT! };
      infos.finalInfoMask = finalMask!.slice();
      if (this.features.dim > 0) infos.finalFeatures = this.featureRows(finalState!, finalT!, finalMask!);
    }
    const out: StepResult = { obs: this.observations(), rewards, terminated, truncated, infos };
    if (this.features.dim > 0) out.features = this.featureRows(this.state, this.epoch, null);
    return out;
  }

  /**
   * `fictitious` mode: L_t <- (1-w) L_t + w·Lhat_t with w = 1/(k+1) at update k, Lhat the
   * empirical visits since the previous update; then the reward tables follow the new flow.
   */
  updatePopulation(): PopulationUpdateResult {
    this.checkOpen();
    if (this.meanField !== 'fictitious' || this.counts === null || this.flowTable === null) {
      throw new MfgError('MFG_ERR_ENV_BAD_MODE', `population updates need mean-field mode 'fictitious', this env is '${this.meanField}'`, {
        details: { meanField: this.meanField },
      });
    }
    const k = this.iteration + 1;
    let samples = 0;
    for (let j = 0; j < this.counts.length; j++) samples += this.counts[j]!;
    const SA = this.numStates * this.numActions;
    const flow = [...this.flowTable];
    flow[this.agentPopulation] = fictitiousUpdate(this.flowTable[this.agentPopulation]!, this.counts, this.horizon, SA, k);
    this.installFlow(flow);
    this.counts.fill(0);
    const episodes = this.episodesSinceUpdate;
    this.iteration = k;
    this.episodesSinceUpdate = 0;
    return { iteration: k, weight: 1 / (k + 1), samples, episodes };
  }

  /** Replaces the flow (`fixed` and `fictitious`): a flow table per population, or a policy's flow Gamma(pi). */
  setFlow(flow: TimeTable | FinitePopulationFlow): void {
    this.checkOpen();
    if (this.meanField === 'live') {
      throw new MfgError('MFG_ERR_ENV_BAD_MODE', "in mean-field mode 'live' the agents are the flow; it cannot be set", { details: { meanField: this.meanField } });
    }
    if (Array.isArray(flow)) this.installFlow(flow);
    else {
      const pop = flow as FinitePopulationFlow;
      if (this.meanField === 'fictitious') this.installFlow(flowTables(this.game, pop));
      else {
        this.population = pop;
        this.tables = epochTables(this.game, pop, this.agentPopulation);
        this.featureTable = this.flowFeatures();
      }
    }
  }

  /** setFlow(Gamma(pi)): the flow of a tabular policy (checked). */
  setPolicy(policy: TabularPolicy): void {
    checkPolicy(this.game, policy);
    this.setFlow(ExactPopulation.fromPolicy(this.game, policy));
  }

  /** The current flow's state marginals and the fictitious-play counters. */
  report(): PopulationReport {
    this.checkOpen();
    const H = this.horizon;
    const S = this.numStates;
    let mu: Float64Array;
    if (this.liveMu !== null) mu = this.liveMu.slice();
    else {
      mu = new Float64Array(H * S);
      for (let t = 0; t < H; t++) for (let s = 0; s < S; s++) mu[t * S + s] = this.population.stateMass(this.agentPopulation, t, s);
    }
    let samples = 0;
    if (this.counts !== null) for (let j = 0; j < this.counts.length; j++) samples += this.counts[j]!;
    return {
      meanField: this.meanField,
      population: this.populationKind,
      iteration: this.iteration,
      episodes: this.episodesSinceUpdate,
      samples,
      horizon: H,
      numStates: S,
      mu,
    };
  }

  /** The flow the rewards are read from (fixed and fictitious modes). */
  get currentPopulation(): FinitePopulationFlow {
    return this.population;
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

  private checkCanStep(): void {
    const N = this.numAgents;
    const stuck: number[] = [];
    let count = 0;
    for (let i = 0; i < N; i++) {
      const st = this.status[i];
      if (st === NEVER_RESET || (st === ENDED && this.autoreset === 'disabled')) {
        if (stuck.length < 16) stuck.push(i);
        count++;
      }
    }
    if (count === 0) return;
    const never = this.status[stuck[0]!] === NEVER_RESET;
    throw new MfgError(
      'MFG_ERR_ENV_NEEDS_RESET',
      never
        ? `agent ${stuck[0]} was never reset: call reset() before step()`
        : `${count} agent(s) ended their episode and autoreset is disabled: reset them with reset(seed, {reset_mask})`,
      { details: { agents: stuck, count } },
    );
  }

  private agentSeeds(seed: number | readonly number[] | null | undefined): number[] | null {
    const N = this.numAgents;
    if (seed === null || seed === undefined) return null;
    if (typeof seed === 'number') {
      const s = checkSeed(seed);
      const out = new Array<number>(N);
      // (s + i) mod 2^53, kept exact in doubles.
      for (let i = 0; i < N; i++) out[i] = i <= MAX_SEED - s ? s + i : i - (MAX_SEED - s) - 1;
      return out;
    }
    if (!Array.isArray(seed) && !ArrayBuffer.isView(seed)) {
      throw new MfgError('MFG_ERR_SEED_INVALID', `seed must be null, an integer or an array of ${N} integers`, { details: { seed: String(seed) } });
    }
    if (seed.length !== N) {
      throw new MfgError('MFG_ERR_ENV_BAD_OPTION', `seed list has ${seed.length} entries, expected one per agent (${N})`, {
        details: { option: 'seed', expected: [N], got: [seed.length] },
      });
    }
    return seed.map((x, i) => {
      try {
        return checkSeed(x, `seed[${i}]`);
      } catch (e) {
        (e as MfgError).details.index = i;
        throw e;
      }
    });
  }

  private rngOf(i: number): Rng {
    let r = this.rngs[i];
    if (r === undefined) {
      const s = this.entropySeed;
      r = new Rng(i <= MAX_SEED - s ? s + i : i - (MAX_SEED - s) - 1);
      this.rngs[i] = r;
    }
    return r;
  }

  private resetAgent(i: number): void {
    this.state[i] = drawFromCdf(this.mu0Cdf, this.rngOf(i));
    this.epoch[i] = 0;
    this.status[i] = RUNNING;
  }

  private writeObservation(i: number, out: Int32Array): void {
    const d = this.obsDim - 1;
    const base = i * this.obsDim;
    const c = this.state[i]! * d;
    for (let j = 0; j < d; j++) out[base + j] = this.coords[c + j]!;
    out[base + d] = this.epoch[i]!;
  }

  private writeActionMask(i: number, out: Uint8Array): void {
    const A = this.numActions;
    const legal = this.pop.legal;
    const base = i * A;
    if (legal === null) out.fill(1, base, base + A);
    else {
      const row = this.state[i]! * A;
      for (let a = 0; a < A; a++) out[base + a] = legal[row + a]!;
    }
  }

  private observations(): Int32Array {
    const N = this.numAgents;
    const dim = this.obsDim;
    const d = dim - 1;
    const out = new Int32Array(N * dim);
    const { state, epoch, coords } = this;
    if (d === 1) {
      for (let i = 0; i < N; i++) {
        out[2 * i] = state[i]!;
        out[2 * i + 1] = epoch[i]!;
      }
      return out;
    }
    for (let i = 0; i < N; i++) {
      const base = i * dim;
      const c = state[i]! * d;
      for (let j = 0; j < d; j++) out[base + j] = coords[c + j]!;
      out[base + d] = epoch[i]!;
    }
    return out;
  }

  private infos(): VectorInfos {
    const N = this.numAgents;
    const A = this.numActions;
    const t = this.epoch.slice();
    let actionMask: Uint8Array;
    const legal = this.pop.legal;
    if (legal === null) actionMask = new Uint8Array(N * A).fill(1);
    else {
      actionMask = new Uint8Array(N * A);
      const state = this.state;
      for (let i = 0; i < N; i++) {
        const row = state[i]! * A;
        const base = i * A;
        for (let a = 0; a < A; a++) actionMask[base + a] = legal[row + a]!;
      }
    }
    return { actionMask, t };
  }

  /** live mode: L_t = the empirical joint (s, a) of the running agents at epoch t, for each epoch present. */
  private liveTables(actions: ArrayLike<number>): void {
    const N = this.numAgents;
    const A = this.numActions;
    const S = this.numStates;
    const SA = S * A;
    const H = this.horizon;
    const counts = this.liveCounts!;
    const present = new Float64Array(H);
    for (let i = 0; i < N; i++) {
      if (this.status[i] !== RUNNING) continue;
      const t = this.epoch[i]!;
      counts[t * SA + this.state[i]! * A + actions[i]!]! += 1;
      present[t]! += 1;
    }
    for (let t = 0; t < H; t++) {
      const n = present[t]!;
      if (n === 0) continue;
      const L0 = counts.slice(t * SA, (t + 1) * SA);
      counts.fill(0, t * SA, (t + 1) * SA);
      for (let j = 0; j < SA; j++) L0[j] = L0[j]! / n;
      const mu = this.liveMu!;
      for (let s = 0; s < S; s++) {
        let m = 0;
        for (let a = 0; a < A; a++) m += L0[s * A + a]!;
        mu[t * S + s] = m;
      }
      const p = this.agentPopulation;
      const others = this.game.populations.length > 1 ? this.population.meanFieldAt(t)! : null;
      const L: MeanFieldAt = others === null ? [L0] : others.map((Lq, q) => (q === p ? L0 : Lq));
      this.game.reward(p, t, L, this.liveRewards[t]!);
      if (this.game.dynamicsDependOnMeanField && t + 1 < H) this.liveKernels[t] = this.game.transition(p, t, L);
    }
  }

  private installFlow(flow: TimeTable): void {
    const population = new ExactPopulation(this.game, flow);
    this.flowTable = flow;
    this.population = population;
    this.tables = epochTables(this.game, population, this.agentPopulation);
    this.featureTable = this.flowFeatures();
  }

  /** Features of the flow's mu_t for t = 0..H-1, and t = H (terminal observations) repeating H-1. */
  private flowFeatures(): Float64Array | null {
    const F = this.features.dim;
    if (F === 0) return null;
    const H = this.horizon;
    const S = this.numStates;
    const table = new Float64Array((H + 1) * F);
    const mu = new Float64Array(S);
    for (let t = 0; t < H; t++) {
      for (let s = 0; s < S; s++) mu[s] = this.population.stateMass(this.agentPopulation, t, s);
      this.features.write(mu, table, t * F);
    }
    table.copyWithin(H * F, (H - 1) * F, H * F);
    return table;
  }

  /**
   * Features of each row's epoch: the flow's mu_t, or in live mode the empirical distribution of
   * the rows (agents) that share that epoch now. Rows outside mask (when given) are left at 0.
   */
  private featureRows(states: Int32Array, epochs: Int32Array, mask: Uint8Array | null): Float64Array {
    const F = this.features.dim;
    const N = this.numAgents;
    const out = new Float64Array(N * F);
    let table = this.featureTable;
    if (table === null) {
      const H1 = this.horizon + 1;
      const S = this.numStates;
      const counts = new Float64Array(H1 * S);
      const n = new Float64Array(H1);
      for (let i = 0; i < N; i++) {
        if (mask !== null && !mask[i]) continue;
        counts[epochs[i]! * S + states[i]!]! += 1;
        n[epochs[i]!]! += 1;
      }
      table = new Float64Array(H1 * F);
      for (let t = 0; t < H1; t++) {
        if (n[t] === 0) continue;
        const mu = counts.subarray(t * S, (t + 1) * S);
        for (let s = 0; s < S; s++) mu[s] = mu[s]! / n[t]!;
        this.features.write(mu, table, t * F);
      }
    }
    for (let i = 0; i < N; i++) {
      if (mask !== null && !mask[i]) continue;
      const from = epochs[i]! * F;
      for (let f = 0; f < F; f++) out[i * F + f] = table[from + f]!;
    }
    return out;
  }
}

/** Next state drawn from row `row` of a CSR kernel; rows with one entry draw nothing. */
function sampleRow(kernel: SparseKernel, row: number, rng: Rng): number {
  const start = kernel.rowStart[row]!;
  const end = kernel.rowStart[row + 1]!;
  if (end - start === 1) return kernel.next[start]!;
  const prob = kernel.prob;
  // 32 random bits are plenty to pick among a row's few entries, at half the cost of random().
  const u = rng.nextUint32() * 2.3283064365386963e-10;
  let acc = 0;
  for (let j = start; j < end; j++) {
    acc += prob[j]!;
    if (u < acc) return kernel.next[j]!;
  }
  // Rounding left u just above the row's total: the last entry with mass.
  for (let j = end - 1; j > start; j--) if (prob[j]! > 0) return kernel.next[j]!;
  return kernel.next[start]!;
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

function osEntropySeed(): number {
  const b = randomBytes(8);
  return (b.readUInt32LE(0) & 0xfffff) * 4294967296 + b.readUInt32LE(4);
}

function numberForJson(x: number): number | string {
  return Number.isFinite(x) ? x : String(x);
}
