import { MfgError } from '../core/errors';
import type { FiniteGame, FinitePopulation } from '../core/finite-game';
import { Rng, checkSeed } from '../core/rng';
import { Box } from '../core/spaces/box';
import type { Discrete } from '../core/spaces/discrete';
import type { MultiDiscrete } from '../core/spaces/multi-discrete';
import { checkPolicy, uniformPolicy, type TabularPolicy, type TimeTable } from '../core/tabular/policy';
import { ExactPopulation } from '../populations/exact-population';
import type { FinitePopulationFlow } from '../populations/population';
import { drawFromCdf } from '../populations/state-mass';
import { checkActions } from './action-check';
import { IllegalActionRule, checkIllegalActionsMode } from './illegal-actions';
import { agentSeeds, offsetSeed, osEntropySeed } from './agent-seeds';
import { ENDED, RUNNING, checkCanStep } from './agent-status';
import { FlowFeatures } from './flow-features';
import { makeSource } from './mean-field/make-source';
import type { MeanFieldSource } from './mean-field/source';
import { checkAutoresetMode, checkMeanFieldMode, type AutoresetMode, type MeanFieldMode } from './modes';
import { actionSpace, observationSpace, stateCoordinates } from './observation-layout';
import { ObservationRows } from './observation-rows';
import { FeatureMap } from './population-features';
import { PerAgentDynamics } from './stepping/per-agent-dynamics';
import { StepBatch } from './stepping/step-batch';
import type { StepDynamics } from './stepping/step-dynamics';
import { chooseStepping, type SteppingReport } from './stepping/stepping-path';
import { TableDynamics } from './stepping/table-dynamics';
import type { PopulationReport, PopulationUpdateResult, ResetOptions, ResetResult, StepResult, VectorEnvOptions, VectorInfos } from './vector-env-types';

export type { VectorEnvOptions, VectorInfos, ResetResult, StepResult, ResetOptions, PopulationUpdateResult, PopulationReport } from './vector-env-types';


/**
 * N agents of a finite mean-field game stepped in one call, with Gymnasium vector-env semantics
 * (reset(seed, options) / step(actions), autoreset modes). Two collaborators do the mean-field
 * work: a MeanFieldSource (fixed, fictitious, live) says what the flow is at each step, and a
 * StepDynamics (table or per-agent, chosen by a memory budget) turns it into rewards and next
 * states. This class keeps the agents: their states, epochs, statuses and Rng streams.
 *
 * The agents belong to population `agentPopulation` (default 0); other populations
 * (multi-population games) follow their flow. Each agent has its own Rng stream derived from its seed
 * only, so the same seeds and actions give the same everything, whatever N and whatever the
 * other agents do (except in `live` mode, where the agents are each other's mean field).
 */
export class MfgVectorEnv {
  readonly numAgents: number;
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
  /** The observation space including the population features (a float64 Box when there are features). */
  readonly fullObservationSpace: MultiDiscrete | Box;
  /** The population the agents belong to: every population-indexed read of the env uses it. */
  readonly agentPopulation: number;
  /** Which stepping path the memory budget chose, and what tables would cost. */
  readonly stepping: SteppingReport;

  private readonly pop: FinitePopulation;
  private readonly rows: ObservationRows;
  private readonly mu0Cdf: Float64Array;
  private readonly entropySeed: number;
  private readonly illegalRule: IllegalActionRule;
  private readonly source: MeanFieldSource;
  private readonly dynamics: StepDynamics;
  private readonly flowFeatures: FlowFeatures | null;
  private readonly batch: StepBatch;

  private readonly state: Int32Array;
  private readonly epoch: Int32Array;
  private readonly status: Uint8Array;
  private readonly rngs: Rng[];
  private readonly next: Int32Array;
  /** Made once, not per step: whether agent i steps now (next_step ignores an ENDED agent's action). */
  private readonly isRunning = (i: number): boolean => this.status[i] === RUNNING;
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
    this.agentPopulation = checkAgentPopulation(options.agentPopulation ?? 0, game.populations.length);
    this.pop = game.populations[this.agentPopulation]!;
    this.numStates = this.pop.numStates;
    this.numActions = this.pop.numActions;
    this.observationSpace = observationSpace(this.pop, this.horizon);
    this.actionSpace = actionSpace(this.pop);
    const coords = stateCoordinates(this.pop);
    this.rows = new ObservationRows(this.pop, coords);
    this.obsDim = this.rows.obsDim;
    this.features = new FeatureMap(this.pop, options.populationFeatures ?? 'none', coords, options.histogramBins ?? 4);
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

    this.stepping = chooseStepping(game, this.agentPopulation, options.stepping, options.tableBudgetBytes);
    const population = options.population ?? ExactPopulation.fromPolicy(game, uniformPolicy(game));
    this.populationKind = options.populationKind ?? population.kind;
    this.source = makeSource(this.meanField, game, this.agentPopulation, population, updateEvery, N);
    this.dynamics = this.stepping.path === 'table' ? new TableDynamics(game, this.agentPopulation) : new PerAgentDynamics(game, this.agentPopulation);
    if (this.meanField !== 'live') this.dynamics.check(population);
    this.flowFeatures = this.features.dim > 0 ? new FlowFeatures(this.features, this.agentPopulation, this.horizon, this.numStates) : null;

    this.batch = new StepBatch(N);
    this.state = new Int32Array(N);
    this.epoch = new Int32Array(N);
    this.status = new Uint8Array(N);
    this.rngs = new Array<Rng>(N);
    this.next = new Int32Array(N);
  }

  /**
   * Starts episodes. seed: null/undefined continues each agent's stream; one integer s seeds
   * agent i with (s + i) mod 2^53 (Gymnasium's vector convention); an array gives one seed per agent.
   */
  reset(seed?: number | readonly number[] | null, options: ResetOptions = {}): ResetResult {
    this.checkOpen();
    const N = this.numAgents;
    const seeds = agentSeeds(seed, N);
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
    if (this.flowFeatures !== null) out.features = this.featureRows(this.state, this.epoch, null);
    return out;
  }

  /** One step of every agent: actions[i] is agent i's flat action index. */
  step(actions: ArrayLike<number>): StepResult {
    this.checkOpen();
    const N = this.numAgents;
    const { status, state, batch } = this;
    checkCanStep(status, this.autoreset);
    checkActions(actions, N, this.numActions, this.isRunning);
    const resolved = this.illegalRule.resolve(actions, state, this.isRunning);
    actions = resolved.actions;

    this.fillBatch(actions);
    this.source.beginStep(batch);
    const rewards = new Float64Array(N);
    // Scratch, not output: evaluate writes next[i] of exactly the agents advance() reads.
    const next = this.next;
    this.dynamics.evaluate(batch, this.source.flow(), this.source.version, this.rngs, rewards, next);
    const terminated = new Uint8Array(N);
    const truncated = new Uint8Array(N);
    const { ended, final } = this.advance(next, terminated);
    this.source.endStep(ended);
    const infos = this.infos(resolved.illegal);
    if (final !== undefined) {
      infos.finalObs = final.obs;
      infos.finalObsMask = final.mask;
      infos.finalInfo = { actionMask: final.actionMask, t: final.t };
      infos.finalInfoMask = final.mask.slice();
      if (this.flowFeatures !== null) infos.finalFeatures = this.featureRows(final.state, final.t, final.mask);
    }
    const out: StepResult = { obs: this.observations(), rewards, terminated, truncated, infos };
    if (this.flowFeatures !== null) out.features = this.featureRows(this.state, this.epoch, null);
    return out;
  }

  /**
   * `fictitious` mode: L_t <- (1-w) L_t + w·Lhat_t with w = 1/(k+1) at update k, Lhat the
   * empirical visits since the previous update; then the rewards follow the new flow.
   */
  updatePopulation(): PopulationUpdateResult {
    this.checkOpen();
    return this.source.updatePopulation();
  }

  /** Replaces the flow (`fixed` and `fictitious`): a flow table per population, or a policy's flow Gamma(pi). */
  setFlow(flow: TimeTable | FinitePopulationFlow): void {
    this.checkOpen();
    if (!Array.isArray(flow)) this.dynamics.check(flow as FinitePopulationFlow);
    this.source.setFlow(flow);
  }

  /** setFlow(Gamma(pi)): the flow of a tabular policy (checked). */
  setPolicy(policy: TabularPolicy): void {
    checkPolicy(this.game, policy);
    this.setFlow(ExactPopulation.fromPolicy(this.game, policy));
  }

  /** The current flow's state marginals, the fictitious-play counters and the stepping path. */
  report(): PopulationReport {
    this.checkOpen();
    return {
      meanField: this.meanField,
      population: this.populationKind,
      ...this.source.counters(),
      horizon: this.horizon,
      numStates: this.numStates,
      mu: this.source.stateMarginals(),
      stepping: { ...this.stepping },
    };
  }

  /** The flow the rewards are read from (fixed and fictitious modes; live: the initial flow). */
  get currentPopulation(): FinitePopulationFlow {
    return this.source.population;
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

  // The per-agent loops of step() are methods of their own: V8 then optimizes each loop with
  // its own feedback, where loops inside step() itself were compiled on-stack while the code
  // after them had never run, and that code was thrown away and recompiled again and again
  // (measured: half the in-process step time at N = 65536).

  /** next_step: an ENDED agent is reset this step and its action ignored; every RUNNING one steps. */
  private fillBatch(actions: ArrayLike<number>): void {
    const { status, state, epoch, batch } = this;
    batch.count = 0;
    for (let i = 0; i < this.numAgents; i++) if (status[i] === RUNNING) batch.push(i, epoch[i]!, state[i]!, actions[i]!);
  }

  /** Moves every agent to its next state (next[i]), ends the episodes at epoch H-1, resets the ENDED. */
  private advance(next: Int32Array, terminated: Uint8Array): { ended: number; final: FinalRows | undefined } {
    const N = this.numAgents;
    const H = this.horizon;
    const { status, state, epoch } = this;
    const sameStep = this.autoreset === 'same_step';
    let final: FinalRows | undefined;
    let ended = 0;
    for (let i = 0; i < N; i++) {
      if (status[i] === ENDED) {
        // next_step: the reset happens now; reward 0, not terminated.
        this.resetAgent(i);
        continue;
      }
      const t = epoch[i]!;
      if (t + 1 < H) {
        state[i] = next[i]!;
        epoch[i] = t + 1;
        continue;
      }
      // The step at epoch H-1 ends the episode; the terminal observation keeps the state, t = H.
      epoch[i] = H;
      terminated[i] = 1;
      ended++;
      if (sameStep) {
        final ??= { obs: new Int32Array(N * this.obsDim), mask: new Uint8Array(N), t: new Int32Array(N), actionMask: new Uint8Array(N * this.numActions), state: new Int32Array(N) };
        final.state[i] = state[i]!;
        this.rows.write(i, state[i]!, H, final.obs);
        this.rows.writeMask(i, state[i]!, final.actionMask);
        final.mask[i] = 1;
        final.t[i] = H;
        this.resetAgent(i);
      } else {
        status[i] = ENDED;
      }
    }
    return { ended, final };
  }

  private resetAgent(i: number): void {
    // An agent never seeded draws from the entropy seed's stream for its index.
    const rng = (this.rngs[i] ??= new Rng(offsetSeed(this.entropySeed, i)));
    this.state[i] = drawFromCdf(this.mu0Cdf, rng);
    this.epoch[i] = 0;
    this.status[i] = RUNNING;
  }

  private observations(): Int32Array {
    return this.rows.all(this.state, this.epoch);
  }

  /** The infos of every agent (illegalAction: a step's; reset has none). One literal, one shape. */
  private infos(illegalAction?: Uint8Array): VectorInfos {
    const actionMask = this.rows.masks(this.state);
    const t = this.epoch.slice();
    return illegalAction === undefined ? { actionMask, t } : { actionMask, t, illegalAction };
  }

  /** Features of each row's epoch: the flow's mu_t, or in live mode the rows' own distribution. */
  private featureRows(states: Int32Array, epochs: Int32Array, mask: Uint8Array | null): Float64Array {
    const f = this.flowFeatures!;
    if (this.source.featuresFromAgents) return f.fromRows(states, epochs, mask);
    return f.fromFlow(epochs, mask, this.source.population, this.source.version);
  }
}

/** same_step: the terminal rows of the agents whose episode ended in this step (mask[i] = 1). */
interface FinalRows {
  obs: Int32Array;
  mask: Uint8Array;
  t: Int32Array;
  actionMask: Uint8Array;
  state: Int32Array;
}

/** The agents' population index, checked at the edge (options.agentPopulation, wire agent_population). */
function checkAgentPopulation(p: number, populations: number): number {
  if (!Number.isInteger(p) || p < 0 || p >= populations) {
    throw new MfgError('MFG_ERR_ENV_BAD_OPTION', `agentPopulation must be an integer in 0..${populations - 1} (this game has ${populations} population(s)), got ${p}`, {
      details: { option: 'agent_population', value: p, populations },
    });
  }
  return p;
}
