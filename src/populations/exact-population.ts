import { MfgError } from '../core/errors';
import type { FiniteGame, MeanFieldAt, MeanFieldQuery } from '../core/finite-game';
import type { Rng } from '../core/rng';
import { epochView, meanFieldFlow } from '../core/tabular/forward-flow';
import type { TabularPolicy, TimeTable } from '../core/tabular/policy';
import type { FinitePopulationFlow } from './population';
import { sampleFromCdf, stateMasses } from './state-mass';

/**
 * The exact population (DESIGN §3): the tabular forward equation L = Gamma(pi), held whole.
 * It is the reference every other representation is measured against, and the cost to beat:
 * it holds H·S·A joint masses plus H·S state masses per population.
 */
export class ExactPopulation implements FinitePopulationFlow {
  readonly kind = 'exact' as const;
  readonly horizon: number;
  /** mu[p][t*S + s] = mu_t(s), summed once from the flow so state queries are O(1). */
  private readonly mu: Float64Array[];
  /** Cumulative masses of the last epoch sampled from (the gym samples one epoch many times). */
  private cdfKey = -1;
  private cdf: Float64Array | null = null;

  /**
   * Wraps a flow table (the layout of meanFieldFlow: flow[p][t*S*A + s*A + a]). The table is
   * held, not copied: the caller must not change it afterwards.
   */
  constructor(
    readonly game: FiniteGame,
    readonly flow: TimeTable,
  ) {
    this.horizon = game.horizon;
    if (flow.length !== game.populations.length) {
      throw new MfgError('MFG_ERR_GAME_INVALID', `flow has ${flow.length} populations, the game has ${game.populations.length}`);
    }
    this.mu = game.populations.map((pop, p) => {
      const expected = game.horizon * pop.numStates * pop.numActions;
      if (flow[p]!.length !== expected) {
        throw new MfgError('MFG_ERR_GAME_INVALID', `flow of population ${p} has ${flow[p]!.length} entries, expected H*S*A = ${expected}`);
      }
      return stateMasses(flow[p]!, game.horizon * pop.numStates, pop.numActions);
    });
  }

  /** The exact flow of a policy: Gamma(pi) by the forward equation. */
  static fromPolicy(game: FiniteGame, policy: TabularPolicy): ExactPopulation {
    return new ExactPopulation(game, meanFieldFlow(game, policy));
  }

  stateMass(p: number, t: number, s: number): number {
    return this.mu[p]![t * this.game.populations[p]!.numStates + s]!;
  }

  logStateMass(p: number, t: number, s: number): number {
    return Math.log(this.stateMass(p, t, s));
  }

  /** mu_t of population p as a view (length S, no copy). */
  stateDistribution(p: number, t: number): Float64Array {
    const S = this.game.populations[p]!.numStates;
    return this.mu[p]!.subarray(t * S, (t + 1) * S);
  }

  sampleStates(p: number, t: number, n: number, rng: Rng): Int32Array {
    const key = p * this.horizon + t;
    if (this.cdfKey !== key || this.cdf === null) {
      const mu = this.stateDistribution(p, t);
      const cdf = this.cdf !== null && this.cdf.length === mu.length ? this.cdf : new Float64Array(mu.length);
      let acc = 0;
      for (let s = 0; s < mu.length; s++) cdf[s] = acc += mu[s]!;
      this.cdf = cdf;
      this.cdfKey = key;
    }
    return sampleFromCdf(this.cdf, n, rng);
  }

  meanFieldAt(t: number): MeanFieldAt {
    return epochView(this.game, this.flow, t);
  }

  query(t: number): MeanFieldQuery {
    return { stateMass: (p, s) => this.stateMass(p, t, s) };
  }

  memoryBytes(): number {
    let bytes = 0;
    for (const x of this.flow) bytes += x.byteLength;
    for (const x of this.mu) bytes += x.byteLength;
    return bytes + (this.cdf?.byteLength ?? 0);
  }
}
