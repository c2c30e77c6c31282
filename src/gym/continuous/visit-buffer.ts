/**
 * The states visited at one epoch since the last fictitious update, kept in bounded memory by
 * systematic thinning: every `stride`-th visit is kept, and when 2·cap points are held every
 * other one is dropped and the stride doubles. What is kept is an evenly spaced subsequence of
 * all visits (deterministic, no random numbers), never more than 2·cap points of dimension d,
 * however long a client steps without updating.
 */
export class VisitBuffer {
  // A Float64Array grown by doubling up to 2·cap rows (8 bytes a number, whatever the JS engine does with arrays).
  private points = new Float64Array(0);
  private rows = 0;
  private stride = 1;
  private seen = 0;

  constructor(
    private readonly dim: number,
    private readonly cap: number,
  ) {}

  /** Total visits recorded (kept or not). */
  get count(): number {
    return this.seen;
  }

  push(x: Float64Array, offset: number): void {
    if (this.seen++ % this.stride !== 0) return;
    const d = this.dim;
    if ((this.rows + 1) * d > this.points.length) {
      const grown = new Float64Array(Math.min(2 * this.cap, Math.max(16, 2 * this.rows)) * d);
      grown.set(this.points.subarray(0, this.rows * d));
      this.points = grown;
    }
    for (let k = 0; k < d; k++) this.points[this.rows * d + k] = x[offset + k]!;
    this.rows++;
    if (this.rows >= 2 * this.cap) this.thin();
  }

  /** The kept points, n rows of d (a view: valid until the next push). */
  kept(): Float64Array {
    return this.points.subarray(0, this.rows * this.dim);
  }

  /** Keeps rows 0, 2, 4, ... in place and doubles the stride. */
  private thin(): void {
    const d = this.dim;
    let out = 0;
    for (let i = 0; i < this.rows; i += 2, out++) for (let k = 0; k < d; k++) this.points[out * d + k] = this.points[i * d + k]!;
    this.rows = out;
    this.stride *= 2;
  }
}
