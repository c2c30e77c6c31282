import type { CategoricalConfig } from './categorical-generator';
import type { Examples } from './examples';
import type { PlainObjective } from './model';

/**
 * The softmax generator's negative log-likelihood and its exact gradient in plain JavaScript.
 *
 * The softmax kind has one axis (all S·A cells) and no earlier coordinates, so its logits depend
 * on the epoch alone: logits_t = relu(time_t · W1 + b1) · W2 + b2 + bias_t. The loss over every
 * example is therefore a function of the per-epoch cell counts, -sum_t sum_c n_tc log p_t(c) / N,
 * with gradient (n_t p_t(c) - n_tc) / N at the logits: H rows to push through the network,
 * however many agents were sampled. The same model and loss as CategoricalModel.loss (the
 * example weights are the counts); only the arithmetic is float64 instead of float32.
 */
export function softmaxObjective(c: CategoricalConfig, data: Examples): PlainObjective {
  const H = c.horizon;
  const n = c.axes[0]!;
  const E = c.embedding;
  const D = c.hidden;
  const counts = new Float64Array(H * n);
  const perEpoch = new Float64Array(H);
  let N = 0;
  for (let i = 0; i < data.count; i++) {
    const w = data.weights ? data.weights[i]! : 1;
    counts[data.t[i]! * n + data.cells![i]!]! += w;
    perEpoch[data.t[i]!]! += w;
    N += w;
  }
  const epochs = Array.from({ length: H }, (_x, t) => t).filter((t) => perEpoch[t]! > 0);
  const pre = new Float64Array(D);
  const hid = new Float64Array(D);
  const logits = new Float64Array(n);
  const gHid = new Float64Array(D);
  return {
    flops: epochs.length * (3 * E * D + 4 * D * n + 6 * n),
    rows: epochs.length,
    evaluate(params, grads) {
      const time = params.get('time')!;
      const w1 = params.get('w1_0')!;
      const b1 = params.get('b1_0')!;
      const w2 = params.get('w2_0')!;
      const b2 = params.get('b2_0')!;
      const bias = params.get('bias0')!;
      let loss = 0;
      for (const t of epochs) {
        // Forward: the epoch's hidden layer and log-softmax.
        pre.set(b1);
        for (let j = 0; j < E; j++) {
          const x = time[t * E + j]!;
          for (let i = 0; i < D; i++) pre[i]! += x * w1[j * D + i]!;
        }
        for (let i = 0; i < D; i++) hid[i] = pre[i]! > 0 ? pre[i]! : 0;
        let max = -Infinity;
        for (let k = 0; k < n; k++) {
          let z = b2[k]! + bias[t * n + k]!;
          for (let i = 0; i < D; i++) z += hid[i]! * w2[i * n + k]!;
          logits[k] = z;
          if (z > max) max = z;
        }
        let sum = 0;
        for (let k = 0; k < n; k++) sum += Math.exp(logits[k]! - max);
        const logZ = max + Math.log(sum);
        const nt = perEpoch[t]!;
        for (let k = 0; k < n; k++) {
          const cnt = counts[t * n + k]!;
          if (cnt > 0) loss -= (cnt * (logits[k]! - logZ)) / N;
        }
        if (!grads) continue;
        // Backward: d loss / d logit_k = (n_t p_k - n_tk) / N.
        const gTime = grads.get('time')!;
        const gW1 = grads.get('w1_0')!;
        const gB1 = grads.get('b1_0')!;
        const gW2 = grads.get('w2_0')!;
        const gB2 = grads.get('b2_0')!;
        const gBias = grads.get('bias0')!;
        gHid.fill(0);
        for (let k = 0; k < n; k++) {
          const g = (nt * Math.exp(logits[k]! - logZ) - counts[t * n + k]!) / N;
          gBias[t * n + k]! += g;
          gB2[k]! += g;
          for (let i = 0; i < D; i++) {
            gW2[i * n + k]! += hid[i]! * g;
            gHid[i]! += w2[i * n + k]! * g;
          }
        }
        for (let i = 0; i < D; i++) {
          if (!(pre[i]! > 0)) continue;
          const g = gHid[i]!;
          gB1[i]! += g;
          for (let j = 0; j < E; j++) {
            gW1[j * D + i]! += time[t * E + j]! * g;
            gTime[t * E + j]! += w1[j * D + i]! * g;
          }
        }
      }
      return loss;
    },
  };
}
