/**
 * The network input of a state and epoch: one one-hot block per grid axis plus a one-hot of the
 * epoch (OpenSpiel's MFG observation), so a 64x64 grid over 40 epochs is 168 inputs, not 4096·40.
 * Rows are kept sparse (the d+1 active indices): the first layer is a sum of d+1 weight rows.
 */
export class StateEncoding {
  readonly inputDim: number;
  /** Active inputs per row: one per axis and one for the epoch. */
  readonly active: number;
  private readonly offsets: number[];

  constructor(
    readonly dims: readonly number[],
    readonly horizon: number,
  ) {
    this.offsets = [];
    let off = 0;
    for (const n of dims) {
      this.offsets.push(off);
      off += n;
    }
    this.offsets.push(off);
    this.inputDim = off + horizon;
    this.active = dims.length + 1;
  }

  /** Writes the active input indices of (s, t) at out[off .. off + active). */
  encode(s: number, t: number, out: Int32Array, off: number): void {
    let rest = s;
    for (let k = this.dims.length - 1; k >= 0; k--) {
      const n = this.dims[k]!;
      out[off + k] = this.offsets[k]! + (rest % n);
      rest = Math.floor(rest / n);
    }
    out[off + this.dims.length] = this.offsets[this.dims.length]! + Math.min(t, this.horizon - 1);
  }

  /** Dense float32 rows [B, inputDim] of B encoded rows (the tfjs training input). */
  dense(active: Int32Array, rows: number): Float32Array {
    const out = new Float32Array(rows * this.inputDim);
    for (let i = 0; i < rows; i++) for (let k = 0; k < this.active; k++) out[i * this.inputDim + active[i * this.active + k]!] = 1;
    return out;
  }
}
