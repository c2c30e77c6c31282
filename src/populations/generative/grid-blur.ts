/**
 * A separable Gaussian blur of a function on a grid of states (row-major over `shape`, the last
 * axis fastest), with zeros outside the grid. Nothing wraps: a grid game may or may not be a
 * torus, and where the blur is used (the kernel density ratio) both sides of a ratio are blurred
 * with the same kernel, so the mass a truncated kernel loses at an edge cancels. `out` must not
 * be `values`.
 */
export function gaussianBlur(values: Float64Array, shape: readonly number[], sigma: number, out = new Float64Array(values.length)): Float64Array {
  if (!(sigma > 0)) {
    out.set(values);
    return out;
  }
  const r = Math.max(1, Math.ceil(3 * sigma));
  const kernel = new Float64Array(2 * r + 1);
  let z = 0;
  for (let i = -r; i <= r; i++) z += kernel[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < kernel.length; i++) kernel[i]! /= z;
  const tmp = shape.length > 1 ? new Float64Array(values.length) : out;
  let src = values;
  let stride = 1;
  // One pass per axis, last axis first (stride 1), alternating between tmp and out so that the last pass writes out.
  for (let k = shape.length - 1, pass = 0; k >= 0; k--, pass++) {
    const n = shape[k]!;
    const dst = (shape.length - 1 - pass) % 2 === 0 ? out : tmp;
    blurAxis(src, dst, n, stride, kernel, r);
    src = dst;
    stride *= n;
  }
  return out;
}

/**
 * dst[i] = sum_j kernel[j] src[i + (j - r)·stride] along one axis of length n (zeros beyond it),
 * each sum over the source entries in ascending order, so every path below gives the same bits.
 * Along a strided axis whole rows are added (contiguous, and a row of zeros is skipped); along the
 * last axis a row with few nonzero entries (a histogram of a few thousand agents on 262k cells)
 * is scattered from them instead of gathered at every output.
 */
function blurAxis(src: Float64Array, dst: Float64Array, n: number, stride: number, kernel: Float64Array, r: number): void {
  if (stride > 1) blurRows(src, dst, n, stride, kernel, r);
  else for (let base = 0; base < src.length; base += n) blurLine(src, dst, base, n, kernel, r);
}

/** Along a strided axis: dst row y = sum_x kernel[x - y] · src row x, rows x ascending. */
function blurRows(src: Float64Array, dst: Float64Array, n: number, stride: number, kernel: Float64Array, r: number): void {
  dst.fill(0);
  const block = n * stride;
  for (let base = 0; base < src.length; base += block) {
    for (let x = 0; x < n; x++) {
      const from = base + x * stride;
      if (isZero(src, from, from + stride)) continue;
      for (let j = Math.max(-r, -x), hi = Math.min(r, n - 1 - x); j <= hi; j++) {
        const w = kernel[j + r]!;
        const to = base + (x + j) * stride;
        for (let i = 0; i < stride; i++) dst[to + i]! += w * src[from + i]!;
      }
    }
  }
}

/** One line of the last axis, [base, base + n). */
function blurLine(src: Float64Array, dst: Float64Array, base: number, n: number, kernel: Float64Array, r: number): void {
  let nonzero = 0;
  for (let x = 0; x < n; x++) if (src[base + x] !== 0) nonzero++;
  if (nonzero * 4 < n) {
    dst.fill(0, base, base + n);
    if (nonzero === 0) return;
    for (let x = 0; x < n; x++) {
      const v = src[base + x]!;
      if (v === 0) continue;
      for (let j = Math.max(-r, -x), hi = Math.min(r, n - 1 - x); j <= hi; j++) dst[base + x + j]! += kernel[j + r]! * v;
    }
    return;
  }
  for (let x = 0; x < n; x++) {
    let s = 0;
    for (let j = Math.max(-r, -x), hi = Math.min(r, n - 1 - x); j <= hi; j++) s += kernel[j + r]! * src[base + x + j]!;
    dst[base + x] = s;
  }
}

function isZero(v: Float64Array, lo: number, hi: number): boolean {
  for (let i = lo; i < hi; i++) if (v[i] !== 0) return false;
  return true;
}
