import type { FiniteGame } from '../core/finite-game';
import { Rng } from '../core/rng';
import type { TabularPolicy, TimeTable } from '../core/tabular/index';
import { makePopulation } from '../populations/make-population';
import type { FinitePopulationFlow } from '../populations/population';
import { simulateAgents } from '../populations/simulate-agents';
import type { FlowSource } from './flow-source';
import { fitStateMarginals } from './state-marginal-fit';

/** The discriminator's verdict on one fit (generative populations). */
export interface FitHonesty {
  readonly consensus: boolean;
  readonly c2stAccuracy: number;
  readonly combinedPValue: number;
  /** Adam steps of the generator and its training seconds in this fit (what a warm start saves). */
  readonly steps?: number;
  readonly trainSeconds?: number;
  /** Whether this fit started from the previous fit's generator. */
  readonly warmStarted?: boolean;
}

export interface FittedFlowSourceOptions {
  /** The population kind fitted to each policy's agents: 'particles', 'generative', or any registered kind. */
  readonly kind: string;
  readonly numAgents: number;
  /** Hands out one seed per fit, in call order, so a run is reproducible bit for bit. */
  readonly seeds: Rng;
  /** Passed to every fit untouched (e.g. the generator's training budget). */
  readonly settings: Readonly<Record<string, unknown>>;
  /** See FlowSource.averagesMixtures (GD-MFRL FP's 'average' flow update). */
  readonly averagesMixtures: boolean;
  /**
   * Start each fit from the previous fit's generator (kinds that have one: generative), the
   * knowledge base in the loop: successive flows of a solver differ little, so the fit starts
   * near its answer. Default false, by measurement: FP fits best responses, whose flows differ
   * from one iteration to the next, and on CrowdModelling2D 32², H = 20 (8 gd-fp iterations,
   * 500-step fits) warm starts saved 5% of the CPU time and ended with a worse flow (mean TV
   * 0.108 against 0.065 cold). Softmax generators (S·A <= 4096) are never warm-started: their data
   * initialisation is closer still (BeachBar, 5 iterations: 27 s cold, 47 s warm).
   */
  readonly warmStart?: boolean;
  readonly signal?: AbortSignal;
}

/**
 * The GD-MFRL estimator as a flow source (DESIGN §5): flowOf(pi) simulates numAgents agents
 * under pi, fits a population representation to them (a generator to their state marginals
 * only, see state-marginal-fit.ts), and reads back
 *   L^_t(s, a) = mu^_t(s) · pi_t(a | s)
 * from the representation's state masses (the action part is the known policy, so it adds no
 * noise). It keeps the run's record: fits, their seconds, and each fit's honesty verdict.
 */
export class FittedFlowSource implements FlowSource {
  readonly exact = false;
  readonly kind: string;
  readonly averagesMixtures: boolean;
  /** Cumulative seconds spent in simulation + fitting, and the number of fits. */
  seconds = 0;
  fits = 0;
  readonly reports: (FitHonesty | null)[] = [];
  /** The representation fitted last. */
  last: FinitePopulationFlow | null = null;

  constructor(
    private readonly game: FiniteGame,
    private readonly options: FittedFlowSourceOptions,
  ) {
    this.kind = options.kind;
    this.averagesMixtures = options.averagesMixtures;
  }

  async flowOf(policy: TabularPolicy, out?: TimeTable): Promise<TimeTable> {
    const { kind, numAgents, seeds, signal } = this.options;
    const seed = seeds.nextSeed();
    const start = performance.now();
    const previous = this.options.warmStart === true ? modelsOf(this.last) : undefined;
    const settings = { ...this.options.settings, ...(signal ? { signal } : {}), ...(previous && this.options.settings['warmStart'] === undefined ? { warmStart: previous } : {}) };
    // A generator fits the state marginals only: the action part of L^ is the known policy (state-marginal-fit.ts).
    const population =
      kind === 'generative' ? await fitGenerative(this.game, policy, numAgents, seed, settings) : await makePopulation(this.game, { kind, policy, numAgents, seed, settings });
    const flow = estimatedFlow(this.game, population, policy, out);
    this.seconds += (performance.now() - start) / 1000;
    this.fits++;
    this.reports.push(honestyOf(population, previous !== undefined));
    this.last = population;
    return flow;
  }
}

/** numAgents agents simulated under policy (seeded as makePopulation seeds them), their state marginals fitted. */
async function fitGenerative(game: FiniteGame, policy: TabularPolicy, numAgents: number, seed: number, settings: Readonly<Record<string, unknown>>): Promise<FinitePopulationFlow> {
  const rng = new Rng(seed);
  const samples = simulateAgents(game, policy, numAgents, rng);
  return fitStateMarginals(game, 'generative', samples, { numAgents, seed: rng.nextSeed(), settings, policy });
}

/** The fitted generator (GeneratorModels) a generative population keeps on `lastFit.models`, when worth a warm start (not softmax). */
export function modelsOf(population: FinitePopulationFlow | null): unknown {
  const models = (population as { lastFit?: { models?: { kind?: string } } | null } | null)?.lastFit?.models;
  return models && models.kind !== 'softmax' ? models : undefined;
}

/** The consensus verdict a generative population keeps on `lastFit.report`, if any. */
export function honestyOf(population: FinitePopulationFlow, warmStarted = false): FitHonesty | null {
  const fit = (population as { lastFit?: { report?: Partial<FitHonesty>; steps?: number; trainSeconds?: number } | null }).lastFit;
  const report = fit?.report;
  if (!report || typeof report.consensus !== 'boolean' || typeof report.c2stAccuracy !== 'number' || typeof report.combinedPValue !== 'number') return null;
  return {
    consensus: report.consensus,
    c2stAccuracy: report.c2stAccuracy,
    combinedPValue: report.combinedPValue,
    ...(typeof fit.steps === 'number' ? { steps: fit.steps } : {}),
    ...(typeof fit.trainSeconds === 'number' ? { trainSeconds: fit.trainSeconds } : {}),
    warmStarted,
  };
}

/**
 * The flow table a representation implies for a policy: L^_t(s, a) = mu^_t(s)·pi_t(a|s), read
 * through stateMass so it works for every kind, including those that never build a table.
 */
export function estimatedFlow(game: FiniteGame, population: FinitePopulationFlow, policy: TabularPolicy, out?: TimeTable): TimeTable {
  const H = game.horizon;
  return game.populations.map((pop, p) => {
    const { numStates: S, numActions: A } = pop;
    const pi = policy[p]!;
    const L = out?.[p] ?? new Float64Array(H * S * A);
    for (let t = 0; t < H; t++) {
      for (let s = 0; s < S; s++) {
        const m = population.stateMass(p, t, s);
        const row = (t * S + s) * A;
        for (let a = 0; a < A; a++) L[row + a] = m * pi[row + a]!;
      }
    }
    return L;
  });
}
