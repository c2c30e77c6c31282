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

/** dst[i] = sum_j kernel[j] src[i + (j - r)·stride] along one axis of length n (zeros beyond it). */
function blurAxis(src: Float64Array, dst: Float64Array, n: number, stride: number, kernel: Float64Array, r: number): void {
  const block = n * stride;
  for (let base = 0; base < src.length; base += block) {
    for (let inner = 0; inner < stride; inner++) {
      const o = base + inner;
      for (let x = 0; x < n; x++) {
        let s = 0;
        const lo = Math.max(-r, -x);
        const hi = Math.min(r, n - 1 - x);
        for (let j = lo; j <= hi; j++) s += kernel[j + r]! * src[o + (x + j) * stride]!;
        dst[o + x * stride] = s;
      }
    }
  }
}
