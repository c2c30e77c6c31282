/**
 * What the conditional rows of the autoregressive generator are made of, kept after the rows
 * themselves are evicted. A row is log p(x_k = j | context) = b2[j] + sum_i h_i·W2[i, j] +
 * bias_t[j] - lz over every j (8·n bytes: 8 KiB on a 1024² grid), and a density query reads one
 * j of it. The ReLU hidden layer's nonzero units h_i and the log-normaliser lz give that one
 * entry in O(hidden), with the very operations the row was computed with, in the same order, so
 * a query answered from a summary is bit for bit the row's entry.
 *
 * Why: the agents of a step sit at about a thousand contexts of one epoch on a 1024² grid, and a
 * 1024-entry row costs ~64·1024 multiply-adds and 1024 exponentials; the row cache holds about
 * two epochs, so every later episode recomputed every row. The summaries of a whole horizon
 * (1024 contexts x 200 epochs, ~32 nonzero units each) take ~70 MiB, held in flat arrays.
 */

/** Bytes the summaries of one axis may hold; the env budget counts them. */
export const ROW_SUMMARY_BYTES = 96 << 20;

/** Map entry and per-summary fields (start, count, lz), and per kept unit (Uint16 index + float64 value). */
const BYTES_PER_SUMMARY = 56;
const BYTES_PER_UNIT = 10;

/** Bytes one summary of `units` nonzero hidden units takes in the cache (what its cap counts). */
export function summaryBytes(units: number): number {
  return BYTES_PER_SUMMARY + BYTES_PER_UNIT * units;
}

/** Whether rows of n entries get summaries: only where the row is wider than twice the hidden layer (not an action axis's 5 entries). */
export function summarisesRows(n: number, hidden: number): boolean {
  return n > 2 * hidden;
}

/**
 * Summaries by context key, in flat arrays. A full cache keeps what it has and takes no more:
 * when a horizon's rows do not all fit, clearing would evict each epoch's rows before the next
 * episode reaches them again, while keeping the first ones serves those epochs every episode.
 */
export class RowSummaryCache {
  private readonly slot = new Map<number, number>();
  private start = new Int32Array(1024);
  private count = new Int32Array(1024);
  private lz = new Float64Array(1024);
  private idx = new Uint16Array(1 << 15);
  private val = new Float64Array(1 << 15);
  private used = 0;
  bytes = 0;

  constructor(private readonly maxBytes: number = ROW_SUMMARY_BYTES) {}

  get size(): number {
    return this.slot.size;
  }

  has(key: number): boolean {
    return this.slot.has(key);
  }

  /** Keeps the row of context `key` as its nonzero hidden units (hid[0..width)) and lz; no-op when full. */
  add(key: number, hid: Float64Array, width: number, lz: number): void {
    if (this.slot.has(key)) return;
    let nz = 0;
    for (let i = 0; i < width; i++) if (hid[i] !== 0) nz++;
    const size = summaryBytes(nz);
    if (this.bytes + size > this.maxBytes || width > 0xffff) return;
    const s = this.slot.size;
    if (s === this.start.length) this.growSlots();
    while (this.used + nz > this.idx.length) this.growUnits();
    this.start[s] = this.used;
    this.count[s] = nz;
    this.lz[s] = lz;
    for (let i = 0; i < width; i++) {
      if (hid[i] === 0) continue; // affine skips the zero units too (x !== 0): the same terms
      this.idx[this.used] = i;
      this.val[this.used++] = hid[i]!;
    }
    this.slot.set(key, s);
    this.bytes += size;
  }

  /**
   * Entry j of the row of context `key` (epoch t, n entries), or undefined when not kept: b2[j],
   * plus h_i·W2[i*n + j] over the nonzero units in ascending i, one addition at a time (affine's
   * order), plus the epoch's bias (addRow), minus lz (logSoftmaxInPlace).
   */
  entry(key: number, W2: Float64Array, b2: Float64Array, bias: Float64Array, t: number, n: number, j: number): number | undefined {
    const s = this.slot.get(key);
    if (s === undefined) return undefined;
    let acc = b2[j]!;
    const end = this.start[s]! + this.count[s]!;
    for (let m = this.start[s]!; m < end; m++) acc += this.val[m]! * W2[this.idx[m]! * n + j]!;
    acc += bias[t * n + j]!;
    return acc - this.lz[s]!;
  }

  private growSlots(): void {
    const k = this.start.length * 2;
    this.start = grow(this.start, new Int32Array(k));
    this.count = grow(this.count, new Int32Array(k));
    this.lz = grow(this.lz, new Float64Array(k));
  }

  private growUnits(): void {
    const k = this.idx.length * 2;
    this.idx = grow(this.idx, new Uint16Array(k));
    this.val = grow(this.val, new Float64Array(k));
  }
}

function grow<T extends Int32Array | Uint16Array | Float64Array>(from: T, to: T): T {
  to.set(from as never);
  return to;
}
