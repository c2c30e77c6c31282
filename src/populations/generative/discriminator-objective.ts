import type { Examples } from './examples';
import type { PlainObjective } from './model';

/**
 * The finite discriminator's cross-entropy and its exact gradient in plain JavaScript.
 *
 * Its input is (t, joint cell) only, so the mean sigmoid cross-entropy over all examples is a
 * sum over the DISTINCT (t, cell) rows, each weighted by how many of its examples carry label 1
 * (n1: Monte Carlo) and label 0 (n0: generator):
 *   loss = sum_rows [ n1 softplus(-z) + n0 softplus(z) ] / N,   d loss / d z = (n0 + n1) sigma(z) - n1) / N.
 * The same network and loss as DiscriminatorModel.loss (pre = time_t + sum_k in_k[x_k] + b1,
 * two ReLU layers, one logit), on the same minibatches.
 *
 * Cost, by measurement (BeachBar gd-fp, where the C2ST's training set has 3,000 examples over 12
 * rows and each of up to 400 steps draws a minibatch of 256): rebuilding the rows of every
 * minibatch from its examples (a Map, arrays, coordinates) and the dense D×D backward pass were
 * most of a fit. So the rows of the whole data are found once, a minibatch is counted onto them
 * (`batch`, same rows in the same first-occurrence order and the same counts, so the same sums
 * in the same order), and the backward pass runs over the active units of both ReLU layers only:
 * an inactive unit's terms are exact zeros (x·0 or w·(+0)), and adding a zero to an accumulator
 * that starts at +0 leaves its bits unchanged, so the gradient is the dense pass's bit for bit.
 */
export function finiteDiscriminatorObjective(axes: readonly number[], horizon: number, hidden: number, data: Examples): PlainObjective {
  const K = axes.length;
  const index = new Map<number, number>();
  const rowT: number[] = [];
  const rowCell: number[] = [];
  const n1All: number[] = [];
  const n0All: number[] = [];
  // Per example, its row: what a minibatch is counted onto.
  const exampleRow = new Int32Array(data.count);
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
      n1All.push(0);
      n0All.push(0);
    }
    exampleRow[i] = r;
    if (data.labels![i] === 1) n1All[r]!++;
    else n0All[r]!++;
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
  const net = new DiscriminatorRows(axes.length, hidden, Int32Array.from(rowT), coords);
  const flopsPerRow = 6 * hidden * hidden + (K + 8) * hidden;
  const allIds = Int32Array.from({ length: R }, (_x, r) => r);
  const n1Full = Float64Array.from(n1All);
  const n0Full = Float64Array.from(n0All);
  // A minibatch's rows, in the order of their first example in it (what rebuilding would give).
  const seen = new Int32Array(R).fill(-1);
  const batchIds = new Int32Array(R);
  const batchN1 = new Float64Array(R);
  const batchN0 = new Float64Array(R);
  const labels = data.labels!;
  return {
    flops: R * flopsPerRow,
    rows: R,
    evaluate: (params, grads) => net.evaluate(allIds, R, n1Full, n0Full, data.count, params, grads),
    batch(idx) {
      let count = 0;
      for (let i = 0; i < idx.length; i++) {
        const j = idx[i]!;
        const r = exampleRow[j]!;
        let q = seen[r]!;
        if (q === -1) {
          q = seen[r] = count++;
          batchIds[q] = r;
          batchN1[q] = 0;
          batchN0[q] = 0;
        }
        if (labels[j] === 1) batchN1[q]!++;
        else batchN0[q]!++;
      }
      for (let q = 0; q < count; q++) seen[batchIds[q]!] = -1;
      const N = idx.length;
      return { flops: count * flopsPerRow, rows: count, evaluate: (params, grads) => net.evaluate(batchIds, count, batchN1, batchN0, N, params, grads) };
    },
  };
}

function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/**
 * The network over rows (t, coordinates): a class, so that every objective (one per C2ST, a
 * minibatch view per step) runs one optimised evaluate; closures made per objective each
 * brought their own call targets, and the optimised code was thrown away at every new one.
 */
class DiscriminatorRows {
  private readonly pre: Float64Array;
  private readonly pre2: Float64Array;
  private readonly h2: Float64Array;
  private readonly g2: Float64Array;
  private readonly g1: Float64Array;
  private readonly active1: Int32Array;
  private readonly active2: Int32Array;
  private readonly inNames: string[];
  private readonly inputs: Float64Array[];
  private readonly gInputs: Float64Array[];

  constructor(
    private readonly K: number,
    private readonly D: number,
    private readonly times: Int32Array,
    private readonly coords: Int32Array,
  ) {
    this.pre = new Float64Array(D);
    this.pre2 = new Float64Array(D);
    this.h2 = new Float64Array(D);
    this.g2 = new Float64Array(D);
    this.g1 = new Float64Array(D);
    this.active1 = new Int32Array(D);
    this.active2 = new Int32Array(D);
    this.inNames = Array.from({ length: K }, (_x, k) => `in${k}`);
    this.inputs = new Array<Float64Array>(K);
    this.gInputs = new Array<Float64Array>(K);
  }

  /** The loss (and gradient) over `count` rows ids[0..count) with label counts n1, n0 and N examples. */
  evaluate(ids: Int32Array, count: number, n1: Float64Array, n0: Float64Array, N: number, params: ReadonlyMap<string, Float64Array>, grads: ReadonlyMap<string, Float64Array> | null): number {
    const { K, D, times, coords, pre, pre2, h2, g2, g1, active1, active2, inputs, gInputs } = this;
    const time = params.get('time')!;
    for (let k = 0; k < K; k++) inputs[k] = params.get(this.inNames[k]!)!;
    const b1 = params.get('b1')!;
    const w2 = params.get('w2')!;
    const b2 = params.get('b2')!;
    const w3 = params.get('w3')!;
    const b3 = params.get('b3')!;
    const gB3 = grads?.get('b3');
    const gW3 = grads?.get('w3');
    const gB2 = grads?.get('b2');
    const gW2 = grads?.get('w2');
    const gB1 = grads?.get('b1');
    const gTime = grads?.get('time');
    if (grads) for (let k = 0; k < K; k++) gInputs[k] = grads.get(this.inNames[k]!)!;
    let loss = 0;
    for (let q = 0; q < count; q++) {
      const r = ids[q]!;
      const t = times[r]!;
      for (let i = 0; i < D; i++) pre[i] = b1[i]! + time[t * D + i]!;
      for (let k = 0; k < K; k++) {
        const row = coords[r * K + k]! * D;
        const w = inputs[k]!;
        for (let i = 0; i < D; i++) pre[i]! += w[row + i]!;
      }
      // h1 = relu(pre): its nonzero units are those with pre > 0 (h1_i = pre_i there).
      let m1 = 0;
      for (let i = 0; i < D; i++) if (pre[i]! > 0) active1[m1++] = i;
      for (let j = 0; j < D; j++) pre2[j] = b2[j]!;
      for (let u = 0; u < m1; u++) {
        const i = active1[u]!;
        const x = pre[i]!;
        const off = i * D;
        for (let j = 0; j < D; j++) pre2[j]! += x * w2[off + j]!;
      }
      let z = b3[0]!;
      let m2 = 0;
      for (let j = 0; j < D; j++) {
        const p = pre2[j]!;
        h2[j] = p > 0 ? p : 0;
        z += h2[j]! * w3[j]!;
        if (p > 0) active2[m2++] = j;
      }
      const a = n1[q]!;
      const b = n0[q]!;
      loss += (a * softplus(-z) + b * softplus(z)) / N;
      if (!grads) continue;
      const dz = ((a + b) / (1 + Math.exp(-z)) - a) / N;
      gB3![0]! += dz;
      for (let j = 0; j < D; j++) {
        gW3![j]! += h2[j]! * dz;
        g2[j] = pre2[j]! > 0 ? w3[j]! * dz : 0;
      }
      for (let j = 0; j < D; j++) gB2![j]! += g2[j]!;
      // Only active units of layer 1 get a gradient, and only active units of layer 2 carry one.
      g1.fill(0);
      for (let u = 0; u < m1; u++) {
        const i = active1[u]!;
        const x = pre[i]!;
        const off = i * D;
        let s = 0;
        for (let v = 0; v < m2; v++) {
          const j = active2[v]!;
          gW2![off + j]! += x * g2[j]!;
          s += w2[off + j]! * g2[j]!;
        }
        g1[i] = s;
      }
      for (let i = 0; i < D; i++) {
        gB1![i]! += g1[i]!;
        gTime![t * D + i]! += g1[i]!;
      }
      for (let k = 0; k < K; k++) {
        const row = coords[r * K + k]! * D;
        const g = gInputs[k]!;
        for (let i = 0; i < D; i++) g[row + i]! += g1[i]!;
      }
    }
    return loss;
  }
}
