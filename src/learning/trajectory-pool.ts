import { MfgError } from '../core/errors';
import type { Rng } from '../core/rng';
import type { ContinuousFlowSamples } from '../populations/population';

/**
 * The averaged flow of continuous fictitious play, carried as M agent trajectories: slot i holds
 * the states x_0..x_{H-1} of one agent that followed one of the best responses so far. The flow
 * of fictitious play after best response k (k = 1, 2, ...) is
 *   mu_bar_k = (1 - 1/k)·mu_bar_{k-1} + (1/k)·mu^{BR_k}
 * (Cardaliaguet and Hadikhanloo 2017: the first best response replaces the initial flow, so the
 * initial flow keeps no weight), the flow of the mixture policy in which each agent draws one
 * BR_j uniformly at time 0. The pool holds that mixture with exact shares: after k updates every
 * BR_j owns floor(M/k) or ceil(M/k) slots (exactly M/k when k divides M), not a binomial count
 * as with one coin per slot. Update k takes from each earlier owner just the slots above its new
 * share, chosen uniformly among its slots, and gives them BR_k's trajectories; so each owner's
 * slots stay a uniform subset of its own independent trajectories, and the pool is a stratified
 * draw from mu_bar_k (as MixturePolicy's agent i -> BR_{(i mod k)+1} is). Whole trajectories are
 * swapped so the pool stays a set of agent paths. Each slot remembers its best response (`owner`).
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

  /**
   * Mixes in the trajectories of one best response's play: fresh[t] = size rows of dim at epoch t.
   * The slots BR_k takes get fresh's rows of the same index (independent agent-episodes).
   */
  mixIn(fresh: readonly Float64Array[], rng: Rng): void {
    if (fresh.length !== this.horizon || fresh.some((p) => p.length !== this.size * this.dim)) {
      throw new MfgError('MFG_ERR_INTERNAL', `a pool update needs ${this.horizon} epochs of ${this.size}x${this.dim} states`);
    }
    const k = ++this.updates;
    const d = this.dim;
    const take = (i: number): void => {
      for (let t = 0; t < this.horizon; t++) this.points[t]!.set(fresh[t]!.subarray(i * d, (i + 1) * d), i * d);
      this.owner[i] = k - 1;
    };
    if (k === 1) {
      for (let i = 0; i < this.size; i++) take(i);
      return;
    }
    for (const [, slots] of this.releasedSlots(k, rng)) for (const i of slots) take(i);
  }

  /**
   * For update k: each earlier owner's slots above its new share (floor(M/k), or ceil(M/k) for the
   * M mod k owners holding the most slots, ties to the lower index), drawn uniformly from its slots.
   * Owners hold floor or ceil of M/(k-1) before, which is at least floor(M/k), and at least
   * M mod k of them hold more than floor(M/k), so the shares are always reachable by removal only.
   */
  private releasedSlots(k: number, rng: Rng): Map<number, number[]> {
    const byOwner = new Map<number, number[]>();
    for (let j = 0; j < k - 1; j++) byOwner.set(j, []);
    for (let i = 0; i < this.size; i++) byOwner.get(this.owner[i]!)?.push(i);
    const floor = Math.floor(this.size / k);
    let extra = this.size % k;
    const order = [...byOwner.keys()].sort((a, b) => byOwner.get(b)!.length - byOwner.get(a)!.length || a - b);
    const released = new Map<number, number[]>();
    for (const j of order) {
      const slots = byOwner.get(j)!;
      const share = floor + (extra > 0 && slots.length > floor ? 1 : 0);
      if (share > floor) extra--;
      if (slots.length < share) throw new MfgError('MFG_ERR_INTERNAL', `pool owner ${j} holds ${slots.length} slots, below its share ${share}`);
      // A partial Fisher-Yates shuffle: the last (length - share) entries are a uniform subset.
      for (let a = slots.length - 1; a >= share; a--) {
        const b = rng.int(a + 1);
        const tmp = slots[a]!;
        slots[a] = slots[b]!;
        slots[b] = tmp;
      }
      released.set(j, slots.slice(share));
    }
    return released;
  }

  /** Slots held by each best response j = 0..updates-1. */
  shares(): Int32Array {
    const out = new Int32Array(this.updates);
    for (let i = 0; i < this.size; i++) if (this.owner[i]! >= 0) out[this.owner[i]!]!++;
    return out;
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
