import type { Rng } from '../../core/rng';
import { uniformInt } from './uniform-int';

/**
 * Training examples pooled over epochs: example i is epoch t[i] with either a finite cell
 * cells[i] (joint index s*A + a) or a point x[i*dim .. (i+1)*dim).
 */
export interface Examples {
  readonly count: number;
  readonly t: Int32Array;
  readonly cells: Int32Array | null;
  readonly x: Float64Array | null;
  readonly dim: number;
  /** Class labels (1 = Monte Carlo, 0 = generator) for the discriminator; null for generators. */
  readonly labels?: Uint8Array | null;
  /** Multiplicities of deduplicated examples (finite cells); null means 1 each. */
  readonly weights?: Float64Array | null;
}

/**
 * Finite examples deduplicated into distinct (t, cell) pairs weighted by their counts: the
 * likelihood only depends on these counts, so small spaces train full-batch on a few hundred
 * rows however many agents were simulated.
 */
export function finiteExamples(perEpoch: readonly Int32Array[]): Examples {
  const t: number[] = [];
  const cells: number[] = [];
  const weights: number[] = [];
  perEpoch.forEach((c, e) => {
    const counts = new Map<number, number>();
    for (let i = 0; i < c.length; i++) counts.set(c[i]!, (counts.get(c[i]!) ?? 0) + 1);
    for (const [cell, n] of [...counts].sort((a, b) => a[0] - b[0])) {
      t.push(e);
      cells.push(cell);
      weights.push(n);
    }
  });
  return { count: t.length, t: Int32Array.from(t), cells: Int32Array.from(cells), x: null, dim: 0, weights: Float64Array.from(weights) };
}

export function continuousExamples(perEpoch: readonly Float64Array[], dim: number): Examples {
  const count = perEpoch.reduce((n, c) => n + c.length / dim, 0);
  const t = new Int32Array(count);
  const x = new Float64Array(count * dim);
  let k = 0;
  perEpoch.forEach((c, e) => {
    const n = c.length / dim;
    t.fill(e, k, k + n);
    x.set(c, k * dim);
    k += n;
  });
  return { count, t, cells: null, x, dim };
}

/** The examples at the given indices (a minibatch). */
export function subset(ex: Examples, idx: ArrayLike<number>): Examples {
  const n = idx.length;
  const t = new Int32Array(n);
  const cells = ex.cells ? new Int32Array(n) : null;
  const x = ex.x ? new Float64Array(n * ex.dim) : null;
  const labels = ex.labels ? new Uint8Array(n) : null;
  for (let i = 0; i < n; i++) {
    const j = idx[i]!;
    t[i] = ex.t[j]!;
    if (labels) labels[i] = ex.labels![j]!;
    if (cells) cells[i] = ex.cells![j]!;
    if (x) for (let k = 0; k < ex.dim; k++) x[i * ex.dim + k] = ex.x![j * ex.dim + k]!;
  }
  return { count: n, t, cells, x, dim: ex.dim, labels };
}

/** n indices drawn with replacement, uniformly or proportionally to the example weights. */
export function drawBatch(ex: Examples, n: number, rng: Rng): Int32Array {
  const idx = new Int32Array(n);
  const w = ex.weights;
  if (!w) {
    for (let i = 0; i < n; i++) idx[i] = uniformInt(rng, ex.count);
    return idx;
  }
  let cdf = cdfCache.get(w);
  if (!cdf) {
    cdf = new Float64Array(w.length);
    let acc = 0;
    for (let i = 0; i < w.length; i++) cdf[i] = acc += w[i]!;
    cdfCache.set(w, cdf);
  }
  const total = cdf[cdf.length - 1]!;
  for (let i = 0; i < n; i++) {
    const u = rng.random() * total;
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    idx[i] = lo;
  }
  return idx;
}

const cdfCache = new WeakMap<Float64Array, Float64Array>();
