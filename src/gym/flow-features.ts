import type { FinitePopulationFlow } from '../populations/population';
import type { FeatureMap } from './population-features';

/**
 * The population features of observation rows (DESIGN §4): each row gets the features of mu_t
 * at its epoch t, mu_t either the flow's (fixed, fictitious: computed once per epoch and flow
 * version, t = H repeating H-1) or the empirical distribution of the rows that share epoch t
 * now (live). Costs O(S) per epoch computed, never an H·S table.
 */
export class FlowFeatures {
  private readonly table: Float64Array;
  private readonly tableVersion: Float64Array;
  private readonly mu: Float64Array;
  // fromRows' scratch, all zeros between calls.
  private counts: Float64Array | null = null;
  private rowsMu: Float64Array | null = null;

  constructor(
    private readonly map: FeatureMap,
    private readonly p: number,
    private readonly horizon: number,
    private readonly numStates: number,
  ) {
    this.table = new Float64Array(horizon * map.dim);
    this.tableVersion = new Float64Array(horizon).fill(-1);
    this.mu = new Float64Array(numStates);
  }

  /** [N*F]: row i gets the features of the flow's mu at epochs[i] (rows outside mask stay 0). */
  fromFlow(epochs: Int32Array, mask: Uint8Array | null, flow: FinitePopulationFlow, version: number): Float64Array {
    const F = this.map.dim;
    const N = epochs.length;
    const out = new Float64Array(N * F);
    for (let i = 0; i < N; i++) {
      if (mask !== null && !mask[i]) continue;
      const t = Math.min(epochs[i]!, this.horizon - 1);
      if (this.tableVersion[t] !== version) {
        for (let s = 0; s < this.numStates; s++) this.mu[s] = flow.stateMass(this.p, t, s);
        this.map.write(this.mu, this.table, t * F);
        this.tableVersion[t] = version;
      }
      for (let f = 0; f < F; f++) out[i * F + f] = this.table[t * F + f]!;
    }
    return out;
  }

  /** [N*F]: row i gets the features of the distribution of the rows (in mask) at epochs[i]. */
  fromRows(states: Int32Array, epochs: Int32Array, mask: Uint8Array | null): Float64Array {
    const F = this.map.dim;
    const N = states.length;
    const H1 = this.horizon + 1;
    const out = new Float64Array(N * F);
    // Rows grouped by epoch 0..H (terminal rows at t = H form their own group).
    const start = new Int32Array(H1 + 1);
    for (let i = 0; i < N; i++) if (mask === null || mask[i]) start[epochs[i]! + 1]!++;
    for (let t = 0; t < H1; t++) start[t + 1]! += start[t]!;
    const order = new Int32Array(start[H1]!);
    const fill = start.slice(0, H1);
    for (let i = 0; i < N; i++) if (mask === null || mask[i]) order[fill[epochs[i]!]!++] = i;
    const counts = (this.counts ??= new Float64Array(this.numStates));
    const mu = (this.rowsMu ??= new Float64Array(this.numStates));
    const row = new Float64Array(F);
    for (let t = 0; t < H1; t++) {
      const from = start[t]!;
      const to = start[t + 1]!;
      if (from === to) continue;
      const n = to - from;
      for (let j = from; j < to; j++) counts[states[order[j]!]!]! += 1;
      for (let j = from; j < to; j++) mu[states[order[j]!]!] = counts[states[order[j]!]!]! / n;
      this.map.write(mu, row, 0);
      for (let j = from; j < to; j++) {
        out.set(row, order[j]! * F);
        counts[states[order[j]!]!] = 0;
        mu[states[order[j]!]!] = 0;
      }
    }
    return out;
  }
}
