import { expect } from 'chai';
import { Rng } from '../../../src/core/rng';
import { DiscriminatorModel } from '../../../src/populations/generative/discriminator';
import { finiteDiscriminatorObjective } from '../../../src/populations/generative/discriminator-objective';
import { drawBatch, subset, type Examples } from '../../../src/populations/generative/examples';
import type { PlainObjective } from '../../../src/populations/generative/model';

/**
 * The reference: the discriminator objective as it was first written (rows rebuilt from every
 * minibatch's examples, dense D×D backward pass). The faster objective must give the same bits.
 */
function denseObjective(axes: readonly number[], hidden: number, data: Examples): PlainObjective {
  const K = axes.length;
  const D = hidden;
  const index = new Map<number, number>();
  const rowT: number[] = [];
  const rowCell: number[] = [];
  const n1: number[] = [];
  const n0: number[] = [];
  let cells = 1;
  for (const a of axes) cells *= a;
  for (let i = 0; i < data.count; i++) {
    const key = data.t[i]! * cells + data.cells![i]!;
    let r = index.get(key);
    if (r === undefined) {
      r = rowT.length;
      index.set(key, r);
      rowT.push(data.t[i]!);
      rowCell.push(data.cells![i]!);
      n1.push(0);
      n0.push(0);
    }
    if (data.labels![i] === 1) n1[r]!++;
    else n0[r]!++;
  }
  const R = rowT.length;
  const coords = new Int32Array(R * K);
  for (let r = 0; r < R; r++) {
    let c = rowCell[r]!;
    for (let k = K - 1; k >= 0; k--) {
      coords[r * K + k] = c % axes[k]!;
      c = Math.floor(c / axes[k]!);
    }
  }
  const N = data.count;
  const [pre, h1, pre2, h2, g2, g1] = Array.from({ length: 6 }, () => new Float64Array(D));
  const softplus = (x: number): number => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
  return {
    flops: 0,
    rows: R,
    evaluate(params, grads) {
      const time = params.get('time')!;
      const inputs = axes.map((_a, k) => params.get(`in${k}`)!);
      const [b1, w2, b2, w3, b3] = ['b1', 'w2', 'b2', 'w3', 'b3'].map((k) => params.get(k)!) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
      let loss = 0;
      for (let r = 0; r < R; r++) {
        const t = rowT[r]!;
        for (let i = 0; i < D; i++) pre[i] = b1[i]! + time[t * D + i]!;
        for (let k = 0; k < K; k++) for (let i = 0; i < D; i++) pre[i]! += inputs[k]![coords[r * K + k]! * D + i]!;
        for (let i = 0; i < D; i++) h1[i] = pre[i]! > 0 ? pre[i]! : 0;
        for (let j = 0; j < D; j++) pre2[j] = b2[j]!;
        for (let i = 0; i < D; i++) {
          const x = h1[i]!;
          if (x === 0) continue;
          for (let j = 0; j < D; j++) pre2[j]! += x * w2[i * D + j]!;
        }
        let z = b3[0]!;
        for (let j = 0; j < D; j++) {
          h2[j] = pre2[j]! > 0 ? pre2[j]! : 0;
          z += h2[j]! * w3[j]!;
        }
        const a = n1[r]!;
        const b = n0[r]!;
        loss += (a * softplus(-z) + b * softplus(z)) / N;
        if (!grads) continue;
        const dz = ((a + b) / (1 + Math.exp(-z)) - a) / N;
        grads.get('b3')![0]! += dz;
        for (let j = 0; j < D; j++) {
          grads.get('w3')![j]! += h2[j]! * dz;
          g2[j] = pre2[j]! > 0 ? w3[j]! * dz : 0;
        }
        for (let j = 0; j < D; j++) grads.get('b2')![j]! += g2[j]!;
        for (let i = 0; i < D; i++) {
          const x = h1[i]!;
          let s = 0;
          for (let j = 0; j < D; j++) {
            if (x !== 0) grads.get('w2')![i * D + j]! += x * g2[j]!;
            s += w2[i * D + j]! * g2[j]!;
          }
          g1[i] = pre[i]! > 0 ? s : 0;
        }
        for (let i = 0; i < D; i++) {
          grads.get('b1')![i]! += g1[i]!;
          grads.get('time')![t * D + i]! += g1[i]!;
        }
        for (let k = 0; k < K; k++) for (let i = 0; i < D; i++) grads.get(`in${k}`)![coords[r * K + k]! * D + i]! += g1[i]!;
      }
      return loss;
    },
  };
}

function lossAndGrads(objective: PlainObjective, params: Map<string, Float64Array>): { loss: number; grads: Map<string, Float64Array> } {
  const grads = new Map([...params].map(([k, v]) => [k, new Float64Array(v.length)]));
  return { loss: objective.evaluate(params, grads), grads };
}

function expectSameBits(a: { loss: number; grads: Map<string, Float64Array> }, b: { loss: number; grads: Map<string, Float64Array> }): void {
  expect(Object.is(a.loss, b.loss), `loss ${a.loss} vs ${b.loss}`).to.equal(true);
  for (const [k, x] of a.grads) {
    const y = b.grads.get(k)!;
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) expect.fail(`${k}[${i}]: ${x[i]} vs ${y[i]}`);
  }
}

describe('the finite discriminator objective (plain JavaScript)', () => {
  const axes = [5, 4, 3];
  const H = 4;
  const hidden = 16;
  // Labelled examples over a few hundred (t, cell) rows, and weights under which many ReLU units are off.
  const rng = new Rng(3);
  const count = 2000;
  const data: Examples = {
    count,
    t: Int32Array.from({ length: count }, () => rng.int(H)),
    cells: Int32Array.from({ length: count }, () => Math.floor(60 * rng.random() ** 2)),
    x: null,
    dim: 0,
    labels: Uint8Array.from({ length: count }, () => (rng.random() < 0.45 ? 1 : 0)),
  };
  const model = new DiscriminatorModel({ kind: 'finite', horizon: H, axes, hidden });
  const params = new Map([...model.init(new Rng(4))].map(([k, w]) => [k, Float64Array.from(w.data, (v) => v + 0.05 * (rng.random() - 0.5))]));

  it('the full objective equals the dense reference bit for bit (loss and every gradient entry), with units of both layers inactive', () => {
    const fast = lossAndGrads(finiteDiscriminatorObjective(axes, H, hidden, data), params);
    expectSameBits(fast, lossAndGrads(denseObjective(axes, hidden, data), params));
    // The sparse pass is exercised: some hidden units are off for some rows (their gradients are exact zeros).
    expect([...fast.grads.get('w2')!].filter((g) => g === 0).length).to.be.greaterThan(0);
    expect([...fast.grads.get('w2')!].filter((g) => g !== 0).length).to.be.greaterThan(0);
  });

  it('a minibatch counted onto the full rows (batch) equals the objective rebuilt from its examples, bit for bit, batch after batch', () => {
    const full = finiteDiscriminatorObjective(axes, H, hidden, data);
    const draws = new Rng(5);
    for (let b = 0; b < 5; b++) {
      const idx = drawBatch(data, 256, draws);
      const sub = { ...subset(data, idx), weights: null };
      const counted = full.batch!(idx);
      expect(counted.rows).to.equal(denseObjective(axes, hidden, sub).rows);
      expectSameBits(lossAndGrads(counted, params), lossAndGrads(denseObjective(axes, hidden, sub), params));
      expectSameBits(lossAndGrads(counted, params), lossAndGrads(finiteDiscriminatorObjective(axes, H, hidden, sub), params));
      expect(Object.is(counted.evaluate(params, null), denseObjective(axes, hidden, sub).evaluate(params, null))).to.equal(true);
    }
  });
});
