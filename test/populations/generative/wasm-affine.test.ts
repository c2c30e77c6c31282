import { expect } from 'chai';
import { Rng } from '../../../src/core/rng';
import { affine } from '../../../src/populations/generative/dense';
import { WasmAffine } from '../../../src/populations/generative/wasm-affine';

describe('WasmAffine (the affine layer with a WebAssembly SIMD inner loop)', () => {
  it("gives dense.affine's outputs bit for bit: sparse and dense inputs, 0 to 3 leftover nonzeros, with and without a bias", () => {
    const rng = new Rng(41);
    for (const [inDim, outDim] of [[64, 1024], [7, 6], [33, 258], [1, 2]] as const) {
      const W = Float32Array.from({ length: inDim * outDim }, () => (rng.random() - 0.5) * 2);
      const b = Float64Array.from(Float32Array.from({ length: outDim }, () => rng.normal()));
      const wasm = WasmAffine.create(W, inDim, outDim);
      expect(wasm, 'WebAssembly SIMD is available in Node 20').to.not.equal(null);
      const W64 = Float64Array.from(W);
      for (let trial = 0; trial < 40; trial++) {
        // ReLU-like inputs: a varying share of exact zeros, so every remainder of 4 occurs.
        const zeros = trial / 40;
        const x = Float64Array.from({ length: inDim + 3 }, () => (rng.random() < zeros ? 0 : rng.normal() * 3));
        const off = trial % 3;
        const bias = trial % 2 === 0 ? b : null;
        const want = affine(x, off, inDim, W64, bias, outDim, new Float64Array(outDim));
        const got = wasm!.affine(x, off, bias, new Float64Array(outDim));
        for (let j = 0; j < outDim; j++) if (!Object.is(got[j], want[j])) expect.fail(`${inDim}x${outDim}, trial ${trial}, out[${j}]: ${got[j]} vs ${want[j]}`);
      }
    }
  });

  it('declines odd output widths (two outputs a step): the caller keeps dense.affine', () => {
    expect(WasmAffine.create(new Float32Array(15), 3, 5)).to.equal(null);
  });
});
