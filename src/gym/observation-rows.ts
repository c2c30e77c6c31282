import type { FinitePopulation } from '../core/finite-game';

/**
 * Writes agents' observation rows and action masks: row i of an observation is agent i's state
 * coordinates (coords, precomputed) then its epoch; row i of a mask is legal[state*A .. +A).
 */
export class ObservationRows {
  readonly obsDim: number;

  constructor(
    private readonly pop: FinitePopulation,
    private readonly coords: Int32Array,
  ) {
    this.obsDim = pop.stateShape.length + 1;
  }

  write(i: number, state: number, epoch: number, out: Int32Array): void {
    const d = this.obsDim - 1;
    const base = i * this.obsDim;
    const c = state * d;
    for (let j = 0; j < d; j++) out[base + j] = this.coords[c + j]!;
    out[base + d] = epoch;
  }

  writeMask(i: number, state: number, out: Uint8Array): void {
    const A = this.pop.numActions;
    const legal = this.pop.legal;
    const base = i * A;
    // A plain loop, not out.fill: a builtin call per row costs more than its A stores.
    if (legal === null) for (let a = 0; a < A; a++) out[base + a] = 1;
    else {
      const row = state * A;
      for (let a = 0; a < A; a++) out[base + a] = legal[row + a]!;
    }
  }

  // all() and masks() run over every agent at every step: they are write() and writeMask() with
  // the row loop inlined (fields read once, no call per agent), the same values.

  /** [N*(d+1)]: every agent's observation. */
  all(states: Int32Array, epochs: Int32Array): Int32Array {
    const N = states.length;
    const dim = this.obsDim;
    const d = dim - 1;
    const coords = this.coords;
    const out = new Int32Array(N * dim);
    if (d === 2) {
      for (let i = 0, o = 0; i < N; i++, o += 3) {
        const c = 2 * states[i]!;
        out[o] = coords[c]!;
        out[o + 1] = coords[c + 1]!;
        out[o + 2] = epochs[i]!;
      }
      return out;
    }
    for (let i = 0, o = 0; i < N; i++, o += dim) {
      const c = states[i]! * d;
      for (let j = 0; j < d; j++) out[o + j] = coords[c + j]!;
      out[o + d] = epochs[i]!;
    }
    return out;
  }

  /** [N*A]: every agent's action mask. */
  masks(states: Int32Array): Uint8Array {
    const N = states.length;
    const A = this.pop.numActions;
    const legal = this.pop.legal;
    const out = new Uint8Array(N * A);
    if (legal === null) return out.fill(1);
    for (let i = 0, o = 0; i < N; i++, o += A) {
      const row = states[i]! * A;
      for (let a = 0; a < A; a++) out[o + a] = legal[row + a]!;
    }
    return out;
  }
}
