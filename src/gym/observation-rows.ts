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
    if (legal === null) out.fill(1, base, base + A);
    else {
      const row = state * A;
      for (let a = 0; a < A; a++) out[base + a] = legal[row + a]!;
    }
  }

  /** [N*(d+1)]: every agent's observation. */
  all(states: Int32Array, epochs: Int32Array): Int32Array {
    const out = new Int32Array(states.length * this.obsDim);
    for (let i = 0; i < states.length; i++) this.write(i, states[i]!, epochs[i]!, out);
    return out;
  }

  /** [N*A]: every agent's action mask. */
  masks(states: Int32Array): Uint8Array {
    const out = new Uint8Array(states.length * this.pop.numActions);
    for (let i = 0; i < states.length; i++) this.writeMask(i, states[i]!, out);
    return out;
  }
}
