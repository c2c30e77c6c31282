/**
 * What one conditional row of the autoregressive generator is made of, kept after the row itself
 * is evicted: the row is log p(x_k = j | context) = b2[j] + sum_i h_i·W2[i, j] + bias_t[j] - lz
 * over every j (8·n bytes: 8 KiB on a 1024² grid), and a density query reads one j of it. The
 * ReLU hidden layer's nonzero units h_i (at most `hidden` of them) and the log-normaliser lz give
 * that one entry in O(hidden), with the very operations the row was computed with, in the same
 * order, so a query answered from a summary is bit for bit the row's entry.
 *
 * Why: the agents of a step sit at about a thousand contexts of one epoch on a 1024² grid, and a
 * 1024-entry row costs ~64·1024 multiply-adds and 1024 exponentials; the row cache holds about
 * two epochs, so every later episode recomputed every row. Summaries of a whole horizon of rows
 * fit in a few tens of MiB (1024 contexts x 200 epochs x ~0.5 KiB).
 */
export interface RowSummary {
  /** Indices of the nonzero hidden units, ascending (the order affine adds them in). */
  readonly idx: Int32Array;
  readonly val: Float64Array;
  /** The row's log-normaliser (logSoftmaxInPlace's return). */
  readonly lz: number;
}

/** Bytes the summaries of one generator may hold (per axis); the env budget counts them. */
export const ROW_SUMMARY_BYTES = 64 << 20;

/** A summary of the row whose hidden layer (after ReLU) is `hid` and whose log-normaliser is lz. */
export function summarise(hid: Float64Array, n: number, lz: number): RowSummary {
  let k = 0;
  for (let i = 0; i < n; i++) if (hid[i] !== 0) k++;
  const idx = new Int32Array(k);
  const val = new Float64Array(k);
  k = 0;
  for (let i = 0; i < n; i++) {
    if (hid[i] === 0) continue;
    idx[k] = i;
    val[k++] = hid[i]!;
  }
  return { idx, val, lz };
}

/**
 * Entry j of the summarised row: b2[j], plus h_i·W2[i*n + j] over the nonzero units in ascending
 * i, one addition at a time (affine's order), plus the epoch's bias, minus lz (logSoftmaxInPlace).
 */
export function summaryEntry(s: RowSummary, W2: Float64Array, b2: Float64Array, bias: Float64Array, t: number, n: number, j: number): number {
  let acc = b2[j]!;
  const { idx, val } = s;
  for (let m = 0; m < idx.length; m++) acc += val[m]! * W2[idx[m]! * n + j]!;
  acc += bias[t * n + j]!;
  return acc - s.lz;
}

/** Summaries by context key, within a byte cap (cleared when full, as the row cache is). */
export class RowSummaryCache {
  private readonly map = new Map<number, RowSummary>();
  bytes = 0;

  constructor(private readonly maxBytes: number = ROW_SUMMARY_BYTES) {}

  get(key: number): RowSummary | undefined {
    return this.map.get(key);
  }

  set(key: number, s: RowSummary): void {
    const size = 64 + 12 * s.idx.length;
    if (this.bytes + size > this.maxBytes) {
      this.map.clear();
      this.bytes = 0;
    }
    this.map.set(key, s);
    this.bytes += size;
  }
}
