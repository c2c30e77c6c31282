import { MfgError } from '../../core/errors';
import { Rng } from '../../core/rng';
import { drawBatch, subset, type Examples } from './examples';
import type { PlainObjective, TrainableModel } from './model';
import { StopRule } from './stop-rule';
import type { TrainOptions, TrainResult } from './train';
import type { NamedWeights } from './weights';

/** Largest flops per step for which the plain-JavaScript trainer is used (about one tfjs step's fixed overhead). */
export const PLAIN_MAX_FLOPS = 2_000_000;

/** tfjs's Adam constants (tf.train.adam defaults; epsilon is the float32 backend's). */
const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-7;
const EMA_DECAY = 0.99;

/**
 * The plain objective of `data` when one step on it beats a tfjs step (few distinct rows per
 * batch), else null: a minibatch of b examples sums over at most min(b, rows) rows.
 */
export function plainObjectiveFor<C>(model: TrainableModel<C>, data: Examples, batchSize: number): PlainObjective | null {
  const full = model.plainObjective?.(data);
  if (!full || !Number.isFinite(full.flops)) return null;
  const perStep = data.count <= batchSize ? full.flops : (full.flops * Math.min(full.rows, batchSize)) / Math.max(full.rows, 1);
  return perStep <= PLAIN_MAX_FLOPS ? full : null;
}

/**
 * Adam on a plain-JavaScript objective (small finite spaces, see model.ts): the algorithm of
 * trainModel step for step — the same batches (full batch when the data fit one, else
 * minibatches drawn with the same seeded draws), tfjs's Adam update with its bias corrections,
 * the weights' moving average, the same StopRule — with the exact gradient in float64 instead
 * of tfjs ops. A BeachBar generator step costs microseconds here against ~2.5 ms in tfjs, where
 * the cost is all per-op dispatch. Deterministic under opts.seed.
 */
export async function trainPlain<C>(model: TrainableModel<C>, data: Examples, full: PlainObjective, weights: NamedWeights, opts: TrainOptions, valid: PlainObjective | null): Promise<TrainResult> {
  const start = performance.now();
  const names = [...weights.keys()];
  // One flat buffer per role (the objective reads per-weight views of it): the Adam and
  // moving-average loops run over plain arrays, not maps.
  const sizes = names.map((k) => weights.get(k)!.data.length);
  const total = sizes.reduce((a, b) => a + b, 0);
  const flat = { w: new Float64Array(total), g: new Float64Array(total), m1: new Float64Array(total), m2: new Float64Array(total), ema: new Float64Array(total) };
  const views = (buf: Float64Array): Map<string, Float64Array> => {
    const out = new Map<string, Float64Array>();
    let off = 0;
    names.forEach((k, i) => {
      out.set(k, buf.subarray(off, off + sizes[i]!));
      off += sizes[i]!;
    });
    return out;
  };
  const params = views(flat.w);
  const grads = views(flat.g);
  const ema = views(flat.ema);
  for (const name of names) params.get(name)!.set(weights.get(name)!.data);
  flat.ema.set(flat.w);
  let best: Map<string, Float64Array> | null = null;
  const rule = new StopRule(opts.window ?? 100, opts.tolerance ?? 1e-3, opts.patience ?? 3, opts.targetLoss);
  let lr = opts.learningRate;
  let acc1 = BETA1;
  let acc2 = BETA2;
  if (valid) {
    rule.start(valid.evaluate(ema, null));
    best = copy(ema);
  }
  let steps = 0;
  const rng = new Rng(opts.seed);
  while (steps < opts.maxSteps) {
    if (opts.signal?.aborted) throw new MfgError('MFG_ERR_GENERATIVE_ABORTED', 'generative fit aborted');
    // trainModel's batches: the whole (deduplicated, weighted) data when it fits one, else a draw.
    const objective = data.count <= opts.batchSize ? full : minibatch(model, data, full, drawBatch(data, opts.batchSize, rng));
    flat.g.fill(0);
    const loss = objective.evaluate(params, grads);
    if (!Number.isFinite(loss)) throw new MfgError('MFG_ERR_INTERNAL', `training loss became ${loss} at step ${steps}`);
    adamStep(flat, lr, 1 - acc1, 1 - acc2, Math.min(EMA_DECAY, (1 + steps) / (10 + steps)));
    acc1 *= BETA1;
    acc2 *= BETA2;
    steps++;
    opts.onStep?.(steps, opts.maxSteps, loss);
    if (rule.step(loss)) {
      const { decision, snapshot } = rule.judge(valid ? valid.evaluate(ema, null) : undefined);
      if (snapshot) best = copy(ema);
      if (decision === 'stop') break;
      if (decision === 'halve') lr /= 2;
      // Let progress bars repaint and abort signals (SIGINT) arrive, as trainModel does.
      await new Promise<void>((r) => setImmediate(r));
    }
  }
  rule.finish();
  // The result: the best validated average when validating, else the final average.
  const result = best ?? ema;
  for (const name of names) weights.get(name)!.data.set(result.get(name)!);
  return {
    steps,
    loss: rule.last,
    seconds: (performance.now() - start) / 1000,
    stoppedEarly: rule.stoppedEarly,
    curve: rule.curve,
    ...(valid ? { validLoss: rule.bestValid } : {}),
  };
}

/**
 * One Adam update of every weight (bias corrections c1 = 1 - beta1^k, c2 = 1 - beta2^k) and the
 * moving average's. A function of its own, on typed arrays only: inside trainPlain, whose loop
 * sees both generator and discriminator objectives, it was deoptimised with it again and again.
 */
function adamStep(flat: { w: Float64Array; g: Float64Array; m1: Float64Array; m2: Float64Array; ema: Float64Array }, lr: number, c1: number, c2: number, decay: number): void {
  const { w, g, m1, m2, ema: avg } = flat;
  const total = w.length;
  for (let i = 0; i < total; i++) {
    const gi = g[i]!;
    const a = (m1[i] = BETA1 * m1[i]! + (1 - BETA1) * gi);
    const b = (m2[i] = BETA2 * m2[i]! + (1 - BETA2) * gi * gi);
    const wi = (w[i] = w[i]! - (lr * (a / c1)) / (Math.sqrt(b / c2) + EPSILON));
    avg[i] = decay * avg[i]! + (1 - decay) * wi;
  }
}

/** The objective of the examples `idx`: counted onto the full objective's rows when it can (same bits), else rebuilt from them. */
function minibatch<C>(model: TrainableModel<C>, data: Examples, full: PlainObjective, idx: Int32Array): PlainObjective {
  return full.batch ? full.batch(idx) : model.plainObjective!({ ...subset(data, idx), weights: null });
}

function copy(m: ReadonlyMap<string, Float64Array>): Map<string, Float64Array> {
  return new Map([...m].map(([k, v]) => [k, v.slice()]));
}
