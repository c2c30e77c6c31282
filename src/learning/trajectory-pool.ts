import { MfgError } from '../core/errors';
import type { Rng } from '../core/rng';
import type { ContinuousFlowSamples } from '../populations/population';

/**
 * The averaged flow of continuous fictitious play, carried as M agent trajectories: slot i holds
 * the states x_0..x_{H-1} of one agent that followed one of the best responses so far. After
 * best response k (k = 1, 2, ...) each slot is replaced, with probability 1/k, by the
 * corresponding trajectory of BR_k's play, so by induction every slot is a draw from the
 * mixture (1/k)·sum_{j<=k} mu^{BR_j}: the flow of fictitious play
 *   mu_bar_k = (1 - 1/k)·mu_bar_{k-1} + (1/k)·mu^{BR_k}
 * (Cardaliaguet and Hadikhanloo 2017: the first best response replaces the initial flow), and
 * the flow of the mixture policy in which each agent draws one BR_j uniformly at time 0. Whole
 * trajectories are swapped (one coin per slot, not per epoch) so the pool stays a set of agent
 * paths. Each slot also remembers which best response it follows (`owner`).
 */
export class TrajectoryPool {
  readonly points: Float64Array[];
  readonly owner: Int32Array;
  /** Best responses mixed in so far. */
  updates = 0;

  constructor(
    readonly horizon: number,
    readonly dim: number,
    readonly size: number,
  ) {
    this.points = Array.from({ length: horizon }, () => new Float64Array(size * dim));
    this.owner = new Int32Array(size).fill(-1);
  }

  /** Mixes in the trajectories of one best response's play: fresh[t] = size rows of dim at epoch t. */
  mixIn(fresh: readonly Float64Array[], rng: Rng): void {
    if (fresh.length !== this.horizon || fresh.some((p) => p.length !== this.size * this.dim)) {
      throw new MfgError('MFG_ERR_INTERNAL', `a pool update needs ${this.horizon} epochs of ${this.size}x${this.dim} states`);
    }
    this.updates++;
    const w = 1 / this.updates;
    const d = this.dim;
    for (let i = 0; i < this.size; i++) {
      if (this.updates > 1 && rng.random() >= w) continue;
      for (let t = 0; t < this.horizon; t++) this.points[t]!.set(fresh[t]!.subarray(i * d, (i + 1) * d), i * d);
      this.owner[i] = this.updates - 1;
    }
  }

  samples(): ContinuousFlowSamples {
    return { horizon: this.horizon, dim: this.dim, points: this.points };
  }

  /** Epoch means (length dim each). */
  means(): Float64Array[] {
    return this.points.map((p) => {
      const m = new Float64Array(this.dim);
      for (let i = 0; i < this.size; i++) for (let k = 0; k < this.dim; k++) m[k]! += p[i * this.dim + k]! / this.size;
      return m;
    });
  }

  /** Everything a checkpoint needs, as arrays; and its inverse. */
  toArrays(prefix: string): Record<string, Float64Array | Int32Array> {
    const out: Record<string, Float64Array | Int32Array> = { [`${prefix}.owner`]: this.owner.slice() };
    this.points.forEach((p, t) => (out[`${prefix}.t${t}`] = p.slice()));
    return out;
  }

  loadArrays(prefix: string, updates: number, arrays: Record<string, ArrayLike<number>>): void {
    this.updates = updates;
    this.owner.set(arrays[`${prefix}.owner`]!);
    this.points.forEach((p, t) => p.set(arrays[`${prefix}.t${t}`]!));
  }
}
