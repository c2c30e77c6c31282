import type { Rng } from '../core/rng';
import type { BatchStep } from './rollout';

/**
 * A circular replay buffer of single-agent transitions (s, t, a, r, s', last, legal(s')), kept as
 * typed arrays so a checkpoint saves it as is. Once full, the oldest transition is overwritten.
 */
export class ReplayBuffer {
  readonly s: Int32Array;
  readonly t: Int32Array;
  readonly a: Int32Array;
  readonly r: Float64Array;
  readonly s2: Int32Array;
  readonly last: Uint8Array;
  /** legal(s') rows, [capacity*A]; legal(s) rows for the Munchausen log-policy term too. */
  readonly mask2: Uint8Array;
  readonly mask: Uint8Array;
  size = 0;
  next = 0;

  constructor(
    readonly capacity: number,
    readonly numActions: number,
  ) {
    this.s = new Int32Array(capacity);
    this.t = new Int32Array(capacity);
    this.a = new Int32Array(capacity);
    this.r = new Float64Array(capacity);
    this.s2 = new Int32Array(capacity);
    this.last = new Uint8Array(capacity);
    this.mask2 = new Uint8Array(capacity * numActions);
    this.mask = new Uint8Array(capacity * numActions);
  }

  clear(): void {
    this.size = 0;
    this.next = 0;
  }

  addBatch(st: BatchStep): void {
    const A = this.numActions;
    for (let i = 0; i < st.states.length; i++) {
      const j = this.next;
      this.s[j] = st.states[i]!;
      this.t[j] = st.t;
      this.a[j] = st.actions[i]!;
      this.r[j] = st.rewards[i]!;
      this.s2[j] = st.nextStates[i]!;
      this.last[j] = st.last ? 1 : 0;
      this.mask.set(st.mask.subarray(i * A, i * A + A), j * A);
      this.mask2.set(st.nextMask.subarray(i * A, i * A + A), j * A);
      this.next = (j + 1) % this.capacity;
      if (this.size < this.capacity) this.size++;
    }
  }

  /** n indices drawn uniformly with replacement. */
  sample(n: number, rng: Rng): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = rng.int(this.size);
    return out;
  }

  arrays(prefix: string): Record<string, Int32Array | Float64Array | Uint8Array> {
    return { [`${prefix}.s`]: this.s, [`${prefix}.t`]: this.t, [`${prefix}.a`]: this.a, [`${prefix}.r`]: this.r, [`${prefix}.s2`]: this.s2, [`${prefix}.last`]: this.last, [`${prefix}.mask`]: this.mask, [`${prefix}.mask2`]: this.mask2 };
  }

  load(prefix: string, size: number, next: number, arrays: Record<string, ArrayLike<number>>): void {
    for (const [k, v] of Object.entries(this.arrays(prefix))) v.set(arrays[k]!);
    this.size = size;
    this.next = next;
  }
}

/**
 * Reservoir sampling (Vitter's algorithm R) of the best responses' (s, t, a, legal(s)): every
 * pair ever offered is kept with the same probability capacity/seen, so the buffer is a uniform
 * sample of all best responses played so far, the data of the average policy (Heinrich et al.).
 */
export class ReservoirBuffer {
  readonly s: Int32Array;
  readonly t: Int32Array;
  readonly a: Int32Array;
  readonly mask: Uint8Array;
  size = 0;
  seen = 0;

  constructor(
    readonly capacity: number,
    readonly numActions: number,
  ) {
    this.s = new Int32Array(capacity);
    this.t = new Int32Array(capacity);
    this.a = new Int32Array(capacity);
    this.mask = new Uint8Array(capacity * numActions);
  }

  addBatch(st: BatchStep, rng: Rng): void {
    const A = this.numActions;
    for (let i = 0; i < st.states.length; i++) {
      this.seen++;
      let j: number;
      if (this.size < this.capacity) j = this.size++;
      else {
        j = rng.int(this.seen);
        if (j >= this.capacity) continue;
      }
      this.s[j] = st.states[i]!;
      this.t[j] = st.t;
      this.a[j] = st.actions[i]!;
      this.mask.set(st.mask.subarray(i * A, i * A + A), j * A);
    }
  }

  arrays(prefix: string): Record<string, Int32Array | Uint8Array> {
    return { [`${prefix}.s`]: this.s, [`${prefix}.t`]: this.t, [`${prefix}.a`]: this.a, [`${prefix}.mask`]: this.mask };
  }

  load(prefix: string, size: number, seen: number, arrays: Record<string, ArrayLike<number>>): void {
    for (const [k, v] of Object.entries(this.arrays(prefix))) v.set(arrays[k]!);
    this.size = size;
    this.seen = seen;
  }
}
