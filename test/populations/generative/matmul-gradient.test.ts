import { expect } from 'chai';
import { Rng } from '../../../src/core/rng';
import { loadTf } from '../../../src/populations/generative/backend';

/** Row-major r×c matrix of standard normals. */
function matrix(r: number, c: number, rng: Rng): Float64Array {
  return Float64Array.from({ length: r * c }, () => rng.normal());
}

/** x (r×c) or its transpose, as a row-major matrix with its shape. */
function op(x: Float64Array, r: number, c: number, transpose: boolean): { m: Float64Array; r: number; c: number } {
  if (!transpose) return { m: x, r, c };
  const m = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) m[j * r + i] = x[i * c + j]!;
  return { m, r: c, c: r };
}

function mul(a: { m: Float64Array; r: number; c: number }, b: { m: Float64Array; r: number; c: number }): { m: Float64Array; r: number; c: number } {
  const m = new Float64Array(a.r * b.c);
  for (let i = 0; i < a.r; i++) for (let k = 0; k < a.c; k++) for (let j = 0; j < b.c; j++) m[i * b.c + j]! += a.m[i * a.c + k]! * b.m[k * b.c + j]!;
  return { m, r: a.r, c: b.c };
}

describe('matMul gradient with explicit transposes (wasm speed-up)', () => {
  it('equals the analytic gradient of sum(W ⊙ op(A)·op(B)) for all four transpose flags', async () => {
    const { tf } = await loadTf();
    const rng = new Rng(11);
    const [n, k, m] = [7, 5, 6];
    for (const [tA, tB] of [[false, false], [false, true], [true, false], [true, true]] as const) {
      const [ar, ac] = tA ? [k, n] : [n, k];
      const [br, bc] = tB ? [m, k] : [k, m];
      const A = matrix(ar, ac, rng);
      const B = matrix(br, bc, rng);
      const W = matrix(n, m, rng);
      const f = (a: import('@tensorflow/tfjs').Tensor, b: import('@tensorflow/tfjs').Tensor) => tf.sum(tf.mul(tf.matMul(a, b, tA, tB), tf.tensor2d(Float32Array.from(W), [n, m])));
      const [gA, gB] = tf.grads(f)([tf.tensor2d(Float32Array.from(A), [ar, ac]), tf.tensor2d(Float32Array.from(B), [br, bc])]);
      // dL/dop(A) = W op(B)ᵀ and dL/dop(B) = op(A)ᵀ W, transposed back where the flag is set.
      const Wm = { m: W, r: n, c: m };
      const opA = op(A, ar, ac, tA);
      const opB = op(B, br, bc, tB);
      const dOpA = mul(Wm, op(opB.m, opB.r, opB.c, true));
      const dOpB = mul(op(opA.m, opA.r, opA.c, true), Wm);
      const wantA = tA ? op(dOpA.m, dOpA.r, dOpA.c, true).m : dOpA.m;
      const wantB = tB ? op(dOpB.m, dOpB.r, dOpB.c, true).m : dOpB.m;
      const gotA = gA!.dataSync();
      const gotB = gB!.dataSync();
      wantA.forEach((v, i) => expect(gotA[i]!, `dA ${tA} ${tB}`).to.be.closeTo(v, 1e-4));
      wantB.forEach((v, i) => expect(gotB[i]!, `dB ${tA} ${tB}`).to.be.closeTo(v, 1e-4));
      tf.dispose([gA!, gB!]);
    }
  });
});
