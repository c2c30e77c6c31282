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
 */
export function finiteDiscriminatorObjective(axes: readonly number[], horizon: number, hidden: number, data: Examples): PlainObjective {
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
  const pre = new Float64Array(D);
  const h1 = new Float64Array(D);
  const pre2 = new Float64Array(D);
  const h2 = new Float64Array(D);
  const g2 = new Float64Array(D);
  const g1 = new Float64Array(D);
  const softplus = (x: number): number => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
  return {
    flops: R * (6 * D * D + (K + 8) * D),
    rows: R,
    evaluate(params, grads) {
      const time = params.get('time')!;
      const inputs = axes.map((_a, k) => params.get(`in${k}`)!);
      const b1 = params.get('b1')!;
      const w2 = params.get('w2')!;
      const b2 = params.get('b2')!;
      const w3 = params.get('w3')!;
      const b3 = params.get('b3')!;
      let loss = 0;
      for (let r = 0; r < R; r++) {
        const t = rowT[r]!;
        for (let i = 0; i < D; i++) pre[i] = b1[i]! + time[t * D + i]!;
        for (let k = 0; k < K; k++) {
          const row = coords[r * K + k]! * D;
          const w = inputs[k]!;
          for (let i = 0; i < D; i++) pre[i]! += w[row + i]!;
        }
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
        const gW3 = grads.get('w3')!;
        for (let j = 0; j < D; j++) {
          gW3[j]! += h2[j]! * dz;
          g2[j] = pre2[j]! > 0 ? w3[j]! * dz : 0;
        }
        const gB2 = grads.get('b2')!;
        const gW2 = grads.get('w2')!;
        for (let j = 0; j < D; j++) gB2[j]! += g2[j]!;
        for (let i = 0; i < D; i++) {
          const x = h1[i]!;
          let s = 0;
          for (let j = 0; j < D; j++) {
            if (x !== 0) gW2[i * D + j]! += x * g2[j]!;
            s += w2[i * D + j]! * g2[j]!;
          }
          g1[i] = pre[i]! > 0 ? s : 0;
        }
        const gB1 = grads.get('b1')!;
        const gTime = grads.get('time')!;
        for (let i = 0; i < D; i++) {
          gB1[i]! += g1[i]!;
          gTime[t * D + i]! += g1[i]!;
        }
        for (let k = 0; k < K; k++) {
          const row = coords[r * K + k]! * D;
          const g = grads.get(`in${k}`)!;
          for (let i = 0; i < D; i++) g[row + i]! += g1[i]!;
        }
      }
      return loss;
    },
  };
}
