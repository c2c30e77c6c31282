import { expect } from 'chai';
import { Rng } from '../../../src/core/rng';
import { loadTf } from '../../../src/populations/generative/backend';
import { CategoricalModel, categoricalConfig } from '../../../src/populations/generative/categorical-generator';
import { DiscriminatorModel } from '../../../src/populations/generative/discriminator';
import { finiteExamples, type Examples } from '../../../src/populations/generative/examples';
import type { TrainableModel, Variables } from '../../../src/populations/generative/model';
import { trainPlain } from '../../../src/populations/generative/plain-train';
import { trainModel } from '../../../src/populations/generative/train';
import type { NamedWeights } from '../../../src/populations/generative/weights';

/** Per-epoch cells of a small space, drawn from a skewed distribution. */
function cells(H: number, n: number, perEpoch: number, rng: Rng): Int32Array[] {
  return Array.from({ length: H }, (_x, t) => Int32Array.from({ length: perEpoch }, () => Math.floor(n * rng.random() ** (1 + t))));
}

/** tfjs's loss and gradients of a model at given weights (the reference the plain objectives must equal). */
async function tfLossAndGrads<C>(model: TrainableModel<C>, weights: NamedWeights, data: Examples): Promise<{ loss: number; grads: Map<string, Float32Array> }> {
  const { tf } = await loadTf();
  const vars = new Map([...weights].map(([k, w]) => [k, tf.variable(tf.tensor(w.data, [...w.shape], 'float32'))]));
  const { value, grads } = tf.variableGrads(() => model.loss(tf, vars as Variables, data), [...vars.values()]);
  const out = new Map<string, Float32Array>();
  for (const [k, v] of vars) out.set(k, grads[v.name]!.dataSync() as Float32Array);
  const loss = value.dataSync()[0]!;
  tf.dispose([value, ...Object.values(grads), ...vars.values()]);
  return { loss, grads: out };
}

function plainLossAndGrads<C>(model: TrainableModel<C>, weights: NamedWeights, data: Examples): { loss: number; grads: Map<string, Float64Array> } {
  const params = new Map([...weights].map(([k, w]) => [k, Float64Array.from(w.data)]));
  const grads = new Map([...weights].map(([k, w]) => [k, new Float64Array(w.data.length)]));
  const loss = model.plainObjective!(data).evaluate(params, grads);
  return { loss, grads };
}

/** Max |a - b| over every gradient entry, relative to the largest gradient entry. */
function relativeGap(a: Map<string, Float32Array>, b: Map<string, Float64Array>): number {
  let gap = 0;
  let scale = 0;
  for (const [k, x] of a) {
    const y = b.get(k)!;
    expect(y.length, k).to.equal(x.length);
    for (let i = 0; i < x.length; i++) {
      gap = Math.max(gap, Math.abs(x[i]! - y[i]!));
      scale = Math.max(scale, Math.abs(x[i]!));
    }
  }
  return gap / scale;
}

describe('plain-JavaScript full-batch training (small finite spaces)', function () {
  this.timeout(60_000);

  it("the softmax generator's plain loss and gradient equal tfjs's (weighted full batch)", async () => {
    const pop = { numStates: 4, numActions: 3, stateShape: [4] } as const;
    const cfg = categoricalConfig(pop as never, 3, 'softmax', 16, 64);
    const model = new CategoricalModel(cfg);
    const weights = model.init(new Rng(1));
    const data = finiteExamples(cells(3, 12, 500, new Rng(2)));
    model.initFromData(weights, data);
    const ref = await tfLossAndGrads(model, weights, data);
    const got = plainLossAndGrads(model, weights, data);
    expect(got.loss).to.be.closeTo(ref.loss, 1e-5 * Math.abs(ref.loss));
    expect(relativeGap(ref.grads, got.grads)).to.be.below(1e-4);
  });

  it("the finite discriminator's plain loss and gradient equal tfjs's (distinct rows weighted by label counts)", async () => {
    const axes = [3, 4, 2];
    const model = new DiscriminatorModel({ kind: 'finite', horizon: 4, axes, hidden: 8 });
    const weights = model.init(new Rng(3));
    const rng = new Rng(4);
    const n = 600;
    const t = Int32Array.from({ length: n }, () => rng.int(4));
    const c = Int32Array.from({ length: n }, () => rng.int(24));
    const labels = Uint8Array.from({ length: n }, (_x, i) => (c[i]! % 3 === 0 ? (rng.random() < 0.8 ? 1 : 0) : rng.int(2)));
    const data: Examples = { count: n, t, cells: c, x: null, dim: 0, labels };
    const ref = await tfLossAndGrads(model, weights, data);
    const got = plainLossAndGrads(model, weights, data);
    expect(got.loss).to.be.closeTo(ref.loss, 1e-5 * Math.abs(ref.loss));
    expect(relativeGap(ref.grads, got.grads)).to.be.below(1e-4);
  });

  it('trainModel takes the plain path for a small softmax fit: deterministic, and close to the tfjs trainer', async () => {
    const h = await loadTf();
    const pop = { numStates: 4, numActions: 3, stateShape: [4] } as const;
    const cfg = categoricalConfig(pop as never, 3, 'softmax', 16, 64);
    const model = new CategoricalModel(cfg);
    const data = finiteExamples(cells(3, 12, 2000, new Rng(5)));
    const fresh = (): NamedWeights => {
      const w = model.init(new Rng(6));
      model.initFromData(w, data);
      return w;
    };
    const opts = { maxSteps: 60, batchSize: 512, learningRate: 0.01, seed: 7, window: 20, patience: 10 };
    const a = fresh();
    const b = fresh();
    const ra = await trainModel(h, model, a, data, opts);
    const rb = await trainModel(h, model, b, data, opts);
    expect(ra.steps).to.equal(60);
    for (const [k, w] of a) expect(Buffer.from(w.data.buffer).equals(Buffer.from(b.get(k)!.data.buffer)), k).to.equal(true);
    expect(ra.curve).to.deep.equal(rb.curve);
    // The tfjs trainer (no plain objective: the same model with the method hidden) follows the same curve.
    const tfOnly: TrainableModel<unknown> = { config: model.config, init: (r) => model.init(r), loss: (tf, v, batch) => model.loss(tf, v, batch) };
    const c = fresh();
    const rc = await trainModel(h, tfOnly, c, data, opts);
    rc.curve.forEach((x, i) => expect(ra.curve[i]!).to.be.closeTo(x, 1e-4));
  });

  it('validation early stopping returns the best validated weights and reports their validation loss', async () => {
    const pop = { numStates: 6, numActions: 2, stateShape: [6] } as const;
    const cfg = categoricalConfig(pop as never, 2, 'softmax', 8, 16);
    const model = new CategoricalModel(cfg);
    const rng = new Rng(8);
    // Few training agents: the full-batch fit memorises them and the validation NLL turns up.
    const train = finiteExamples(cells(2, 12, 30, rng));
    const valid = finiteExamples(cells(2, 12, 3000, rng));
    const w = model.init(new Rng(9));
    model.initFromData(w, train);
    const r = await trainPlain(model, train, model.plainObjective(train), w, { maxSteps: 3000, batchSize: 512, learningRate: 0.05, seed: 0, window: 10, patience: 5 }, model.plainObjective(valid));
    const at = (weights: NamedWeights, data: Examples): number => plainLossAndGrads(model, weights, data).loss;
    // The returned weights are the ones whose validation loss was reported (float32 storage: 1e-6).
    expect(at(w, valid)).to.be.closeTo(r.validLoss!, 1e-6);
    expect(r.stoppedEarly).to.equal(true);
    expect(r.steps).to.be.below(3000);
  });
});
