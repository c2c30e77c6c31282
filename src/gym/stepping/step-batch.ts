import type { Rng } from '../../core/rng';

/**
 * The agents that take a step now, in agent order: agent[k] is at epoch t[k] in state s[k] and
 * plays a[k]. The env fills it once per step; the mean-field source and the step dynamics
 * read it (and nothing else about the agents).
 */
export class StepBatch {
  count = 0;
  readonly agent: Int32Array;
  readonly t: Int32Array;
  readonly s: Int32Array;
  readonly a: Int32Array;

  constructor(capacity: number) {
    this.agent = new Int32Array(capacity);
    this.t = new Int32Array(capacity);
    this.s = new Int32Array(capacity);
    this.a = new Int32Array(capacity);
  }

  push(i: number, t: number, s: number, a: number): void {
    const k = this.count++;
    this.agent[k] = i;
    this.t[k] = t;
    this.s[k] = s;
    this.a[k] = a;
  }
}

/**
 * Batch positions grouped by epoch (a counting sort, stable): the entries of epoch t are
 * order[start[t] .. start[t+1]). Reuses its buffers from step to step.
 */
export class EpochGroups {
  readonly start: Int32Array;
  order: Int32Array;

  constructor(readonly horizon: number) {
    this.start = new Int32Array(horizon + 1);
    this.order = new Int32Array(0);
  }

  group(batch: StepBatch): void {
    const H = this.horizon;
    const n = batch.count;
    if (this.order.length < n) this.order = new Int32Array(n);
    const start = this.start;
    start.fill(0);
    for (let k = 0; k < n; k++) start[batch.t[k]! + 1]!++;
    for (let t = 0; t < H; t++) start[t + 1]! += start[t]!;
    const fill = start.slice(0, H);
    for (let k = 0; k < n; k++) this.order[fill[batch.t[k]!]!++] = k;
  }
}

/** Next state drawn from entries [start, end) of (next, prob); one-entry rows draw nothing. */
export function sampleEntries(next: Int32Array, prob: Float64Array, start: number, end: number, rng: Rng): number {
  if (end - start === 1) return next[start]!;
  // 32 random bits are plenty to pick among a row's few entries, at half the cost of random().
  const u = rng.nextUint32() * 2.3283064365386963e-10;
  let acc = 0;
  for (let j = start; j < end; j++) {
    acc += prob[j]!;
    if (u < acc) return next[j]!;
  }
  // Rounding left u just above the row's total: the last entry with mass.
  for (let j = end - 1; j > start; j--) if (prob[j]! > 0) return next[j]!;
  return next[start]!;
}
