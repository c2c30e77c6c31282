import type { ContinuousActor } from './continuous-rollout';
import { DenseMlp } from './dense-mlp';

/**
 * The output policy of continuous fictitious play: the uniform mixture of the best responses
 * BR_1..BR_k (their deterministic mean actions), drawn once per agent-episode. Agent i of a
 * batch follows BR_{(i mod k) + 1}, a stratified draw whose flow is exactly the averaged flow
 * of fictitious play (TrajectoryPool) when N is a multiple of k, and within 1/N of it otherwise.
 * With no best response yet it is the passive policy a = 0 (the initial policy).
 */
export class MixturePolicy {
  readonly members: DenseMlp[] = [];

  constructor(private readonly actionDim: number) {}

  get size(): number {
    return this.members.length;
  }

  /** Adds a frozen copy of a policy-mean network. */
  add(net: DenseMlp): void {
    const copy = new DenseMlp(net.sizes, null, net.activation);
    for (const [k, w] of net.weights) if (copy.weights.has(k)) copy.weights.get(k)!.data.set(w.data);
    copy.refresh();
    this.members.push(copy);
  }

  actor(): ContinuousActor {
    const dA = this.actionDim;
    return (_t, inputs, n, actions) => {
      const k = this.members.length;
      if (k === 0) {
        actions.fill(0);
        return;
      }
      const D = inputs.length / n;
      const one = new Float64Array(dA);
      for (let i = 0; i < n; i++) {
        this.members[i % k]!.forward(inputs.subarray(i * D, (i + 1) * D), 1, one);
        actions.set(one, i * dA);
      }
    };
  }

  toArrays(prefix: string): Record<string, Float32Array> {
    const out: Record<string, Float32Array> = {};
    this.members.forEach((m, j) => {
      for (const [k, w] of m.weights) out[`${prefix}.${j}.${k}`] = w.data.slice();
    });
    return out;
  }

  /** Rebuilds `count` members shaped like `template` from toArrays' output. */
  loadArrays(prefix: string, count: number, template: DenseMlp, arrays: Record<string, ArrayLike<number>>): void {
    this.members.length = 0;
    for (let j = 0; j < count; j++) {
      const m = new DenseMlp(template.sizes, null, template.activation);
      for (const [k, w] of m.weights) w.data.set(arrays[`${prefix}.${j}.${k}`]!);
      m.refresh();
      this.members.push(m);
    }
  }
}
