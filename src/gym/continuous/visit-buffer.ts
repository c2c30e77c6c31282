/**
 * The states visited at one epoch since the last fictitious update, kept in bounded memory by
 * systematic thinning: every `stride`-th visit is kept, and when 2·cap points are held every
 * other one is dropped and the stride doubles. What is kept is an evenly spaced subsequence of
 * all visits (deterministic, no random numbers), never more than 2·cap points of dimension d,
 * however long a client steps without updating.
 */
export class VisitBuffer {
  private points: number[] = [];
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
    for (let k = 0; k < this.dim; k++) this.points.push(x[offset + k]!);
    if (this.points.length >= 2 * this.cap * this.dim) this.thin();
  }

  /** The kept points, n rows of d. */
  kept(): Float64Array {
    return Float64Array.from(this.points);
  }

  private thin(): void {
    const d = this.dim;
    const out: number[] = [];
    for (let i = 0; i * d < this.points.length; i += 2) for (let k = 0; k < d; k++) out.push(this.points[i * d + k]!);
    this.points = out;
    this.stride *= 2;
  }
}
