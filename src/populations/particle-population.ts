import { MfgError } from '../core/errors';
import type { FiniteGame, MeanFieldAt, MeanFieldQuery } from '../core/finite-game';
import type { Rng } from '../core/rng';
import type { TabularPolicy } from '../core/tabular/policy';
import type { FiniteFlowSamples, FinitePopulationFlow } from './population';
import { simulateAgents } from './simulate-agents';

export { simulateAgents } from './simulate-agents';

/**
 * The particle population (DESIGN §3): N simulated agents, read as a histogram.
 *
 * It holds each epoch's joint cells (s*A + a) SORTED, and nothing else: the histogram mass of
 * state s is the length of the run of cells in [s*A, (s+1)*A), found by two binary searches,
 * so memory is 4·N·H bytes per population whatever the size of the state space (a 512x512
 * grid costs the same as LeftRight), and no S-sized table exists unless a game asks for one
 * through meanFieldAt.
 */
export class ParticlePopulation implements FinitePopulationFlow {
  readonly kind = 'particles' as const;
  readonly horizon: number;
  /** The one materialised L_t (meanFieldAt), kept for the epoch asked last. */
  private tableEpoch = -1;
  private tables: Float64Array[] | null = null;

  private constructor(
    readonly game: FiniteGame,
    /** sorted[p][t]: the cells of population p's particles at epoch t, ascending. */
    private readonly sorted: Int32Array[][],
  ) {
    this.horizon = game.horizon;
  }

  /** The histogram of Monte Carlo samples (copied and sorted; the samples are not changed). */
  static fromSamples(game: FiniteGame, samples: FiniteFlowSamples): ParticlePopulation {
    if (samples.horizon !== game.horizon || samples.cells.length !== game.populations.length) {
      throw new MfgError('MFG_ERR_POPULATION_BAD_SAMPLES', `samples have horizon ${samples.horizon} and ${samples.cells.length} populations, the game has ${game.horizon} and ${game.populations.length}`);
    }
    const sorted = samples.cells.map((perEpoch, p) => {
      const SA = game.populations[p]!.numStates * game.populations[p]!.numActions;
      if (perEpoch.length !== game.horizon) {
        throw new MfgError('MFG_ERR_POPULATION_BAD_SAMPLES', `samples of population ${p} cover ${perEpoch.length} epochs, expected ${game.horizon}`);
      }
      return perEpoch.map((cells, t) => {
        if (cells.length === 0) {
          throw new MfgError('MFG_ERR_POPULATION_BAD_SAMPLES', `population ${p} has no samples at epoch ${t}`);
        }
        const copy = cells.slice().sort();
        if (copy[0]! < 0 || copy[copy.length - 1]! >= SA) {
          throw new MfgError('MFG_ERR_POPULATION_BAD_SAMPLES', `population ${p} at epoch ${t} has a cell outside [0, S*A = ${SA})`);
        }
        return copy;
      });
    });
    return new ParticlePopulation(game, sorted);
  }

  /** n agents simulated under a policy (simulateAgents), as a histogram. */
  static simulate(game: FiniteGame, policy: TabularPolicy, n: number, rng: Rng): ParticlePopulation {
    return ParticlePopulation.fromSamples(game, simulateAgents(game, policy, n, rng));
  }

  /** Number of particles of population p at epoch t. */
  count(p: number, t: number): number {
    return this.sorted[p]![t]!.length;
  }

  stateMass(p: number, t: number, s: number): number {
    const cells = this.sorted[p]![t]!;
    const A = this.game.populations[p]!.numActions;
    return (lowerBound(cells, (s + 1) * A) - lowerBound(cells, s * A)) / cells.length;
  }

  /**
   * stateMass of many states in one sweep: the states visited in ascending order, each run of
   * cells found by walking forward from the previous one (O(n log n + particles), not 2 binary
   * searches per state). The same (end - start)/count as stateMass.
   */
  stateMassBatch(p: number, t: number, states: Int32Array, out = new Float64Array(states.length)): Float64Array {
    const cells = this.sorted[p]![t]!;
    const A = this.game.populations[p]!.numActions;
    const n = states.length;
    // Agent indices sorted by state: keys s * n + k are exact in doubles for any grid this holds.
    const keys = new Float64Array(n);
    for (let k = 0; k < n; k++) keys[k] = states[k]! * n + k;
    keys.sort();
    let lo = 0;
    let prev = -1;
    let mass = 0;
    for (let j = 0; j < n; j++) {
      const s = Math.floor(keys[j]! / n);
      if (s !== prev) {
        lo = gallop(cells, s * A, lo);
        const hi = gallop(cells, (s + 1) * A, lo);
        mass = (hi - lo) / cells.length;
        prev = s;
      }
      out[keys[j]! - s * n] = mass;
    }
    return out;
  }

  logStateMass(p: number, t: number, s: number): number {
    return Math.log(this.stateMass(p, t, s));
  }

  /** Resampling the particles is sampling the histogram. */
  sampleStates(p: number, t: number, n: number, rng: Rng): Int32Array {
    const cells = this.sorted[p]![t]!;
    const A = this.game.populations[p]!.numActions;
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.floor(cells[rng.int(cells.length)]! / A);
    return out;
  }

  /**
   * The histogram of every population at epoch t as a table, built on demand. One set of
   * tables is reused: it is valid until the next call for another epoch (copy it to keep it).
   */
  meanFieldAt(t: number): MeanFieldAt {
    if (this.tableEpoch !== t || this.tables === null) {
      const tables = this.tables ?? this.game.populations.map((pop) => new Float64Array(pop.numStates * pop.numActions));
      tables.forEach((L, p) => {
        L.fill(0);
        const cells = this.sorted[p]![t]!;
        const w = 1 / cells.length;
        for (let i = 0; i < cells.length; i++) L[cells[i]!]! += w;
      });
      this.tables = tables;
      this.tableEpoch = t;
    }
    return this.tables;
  }

  query(t: number): MeanFieldQuery {
    return { stateMass: (p, s) => this.stateMass(p, t, s) };
  }

  memoryBytes(): number {
    let bytes = 0;
    for (const perEpoch of this.sorted) for (const c of perEpoch) bytes += c.byteLength;
    if (this.tables) for (const L of this.tables) bytes += L.byteLength;
    return bytes;
  }
}

/** First index i >= from with a[i] >= x (a ascending): doubling steps, then a binary search. */
function gallop(a: Int32Array, x: number, from: number): number {
  let step = 1;
  let hi = from;
  while (hi < a.length && a[hi]! < x) {
    from = hi + 1;
    hi += step;
    step *= 2;
  }
  hi = Math.min(hi, a.length);
  let lo = from;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index i with a[i] >= x (a ascending). */
function lowerBound(a: Int32Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
