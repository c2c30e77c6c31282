import type { Rng } from '../../core/rng';

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
}

export function finiteExamples(perEpoch: readonly Int32Array[]): Examples {
  const count = perEpoch.reduce((n, c) => n + c.length, 0);
  const t = new Int32Array(count);
  const cells = new Int32Array(count);
  let k = 0;
  perEpoch.forEach((c, e) => {
    t.fill(e, k, k + c.length);
    cells.set(c, k);
    k += c.length;
  });
  return { count, t, cells, x: null, dim: 0 };
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

/** n indices drawn uniformly with replacement. */
export function drawBatch(count: number, n: number, rng: Rng): Int32Array {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = rng.int(count);
  return idx;
}
