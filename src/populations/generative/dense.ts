/**
 * Inference kernels in plain JavaScript over float64 copies of the float32 weights: plain loops
 * with output buffers, used for every density query and sample after a fit (per-state queries on
 * a 512x512 grid must not pay a tfjs call each).
 */

/** out[j] = b[j] + sum_i x[i] W[i*outDim + j] (W row-major [inDim, outDim]); x read from xOff. */
export function affine(x: ArrayLike<number>, xOff: number, inDim: number, W: Float64Array, b: Float64Array | null, outDim: number, out: Float64Array): Float64Array {
  if (b) out.set(b.subarray(0, outDim));
  else out.fill(0, 0, outDim);
  for (let i = 0; i < inDim; i++) {
    const xi = x[xOff + i]!;
    if (xi === 0) continue;
    const row = i * outDim;
    for (let j = 0; j < outDim; j++) out[j]! += xi * W[row + j]!;
  }
  return out;
}

/** out[j] += W[row*outDim + j]: a one-hot input times W, without the one-hot. */
export function addRow(W: Float64Array, row: number, outDim: number, out: Float64Array, outOff = 0): void {
  const base = row * outDim;
  for (let j = 0; j < outDim; j++) out[outOff + j]! += W[base + j]!;
}

export function reluInPlace(x: Float64Array, n = x.length): void {
  for (let i = 0; i < n; i++) if (x[i]! < 0) x[i] = 0;
}

/** log-softmax of x[0..n) in place; returns the log-normaliser. */
export function logSoftmaxInPlace(x: Float64Array, n = x.length): number {
  let m = -Infinity;
  for (let i = 0; i < n; i++) if (x[i]! > m) m = x[i]!;
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.exp(x[i]! - m);
  const lz = m + Math.log(s);
  for (let i = 0; i < n; i++) x[i]! -= lz;
  return lz;
}

export function logSumExp(x: ArrayLike<number>, off: number, n: number): number {
  let m = -Infinity;
  for (let i = 0; i < n; i++) if (x[off + i]! > m) m = x[off + i]!;
  if (m === -Infinity) return -Infinity;
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.exp(x[off + i]! - m);
  return m + Math.log(s);
}

/** Index drawn from log-probabilities lp[0..n) (normalised) with one uniform u in [0,1). */
export function sampleLogProbs(lp: Float64Array, n: number, u: number): number {
  let last = 0;
  for (let i = 0; i < n; i++) {
    const p = Math.exp(lp[i]!);
    if (p > 0) {
      last = i;
      if (u < p) return i;
      u -= p;
    }
  }
  return last;
}
