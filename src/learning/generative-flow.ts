import type { FiniteGame } from '../core/finite-game';
import { estimatedFlow, honestyOf, modelsOf, type FitHonesty } from '../solvers/fitted-flow-source';
import { fitStateMarginals } from '../solvers/state-marginal-fit';
import type { FinitePopulationFlow } from '../populations/population';
import type { BatchStep } from './rollout';

/**
 * The generative population of the sampled learning loop (DESIGN §5, GD-MFRL with a learned best
 * response): the states the best response's play visited, the same samples the empirical flow
 * counts, are fitted by the project's generative population exactly as gd-fp fits its simulated
 * agents (fitStateMarginals: the state marginals only, gd-fp's generator rule and defaults), and
 * the flow read back is gd-fp's
 *   L^_t(s, a) = mu^_t(s) · pi_t(a | s)
 * with pi the policy that was played, tabulated (so the action part adds no noise, and a state
 * the generator gives mass to but no agent visited still gets the played action distribution).
 *
 * Collect one iteration's play with add(), then fit(). Each fit is seeded by the caller, so a
 * run is reproducible bit for bit.
 */
export class GenerativeFlowEstimator {
  /** Cumulative seconds spent fitting, the number of fits, and each fit's honesty verdict. */
  seconds = 0;
  fits = 0;
  readonly reports: (FitHonesty | null)[] = [];
  /** The representation fitted last (its generator seeds the next fit when warmStart). */
  last: FinitePopulationFlow | null = null;
  private cells: number[][] = [];

  constructor(
    private readonly game: FiniteGame,
    private readonly options: {
      /** Passed to every fit untouched, as gd-fp's --settings (the generator's budget). */
      readonly settings: Readonly<Record<string, unknown>>;
      /**
       * Start each fit from the previous fit's generator (not softmax: see modelsOf). Off by
       * default, as gd-fp's (FittedFlowSourceOptions.warmStart: a warm fit was cheaper by 5% but
       * ended further from the flow when successive flows are best responses).
       */
      readonly warmStart: boolean;
      readonly signal?: AbortSignal;
    },
  ) {}

  /** Starts a new iteration's sample set. */
  reset(): void {
    this.cells = Array.from({ length: this.game.horizon }, () => []);
  }

  /** One batched step of the played policy: its agents' joint cells s·A + a at epoch t. */
  add(step: BatchStep): void {
    const A = this.game.populations[0]!.numActions;
    const row = this.cells[step.t]!;
    for (let i = 0; i < step.states.length; i++) row.push(step.states[i]! * A + step.actions[i]!);
  }

  /**
   * Fits the generator to the collected states and returns L^ of population 0 ([H·S·A], each
   * epoch sums to 1) for the played policy `played` (population 0's table, [H·S·A]).
   */
  async fit(played: Float64Array, seed: number): Promise<Float64Array> {
    const start = performance.now();
    const numAgents = this.cells[0]?.length ?? 0;
    const samples = { horizon: this.game.horizon, cells: [this.cells.map((c) => Int32Array.from(c))] };
    const previous = this.options.warmStart ? modelsOf(this.last) : undefined;
    const settings = { ...this.options.settings, ...(this.options.signal ? { signal: this.options.signal } : {}), ...(previous !== undefined && this.options.settings['warmStart'] === undefined ? { warmStart: previous } : {}) };
    const population = await fitStateMarginals(this.game, 'generative', samples, { numAgents, seed, settings });
    const flow = estimatedFlow(this.game, population, [played])[0]!;
    this.seconds += (performance.now() - start) / 1000;
    this.fits++;
    this.reports.push(honestyOf(population, previous !== undefined));
    this.last = population;
    return flow;
  }
}
