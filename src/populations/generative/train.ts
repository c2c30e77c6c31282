import { MfgError } from '../../core/errors';
import { Rng } from '../../core/rng';
import type { TfHandle } from './backend';
import { drawBatch, subset, type Examples } from './examples';
import type { TrainableModel, Variables } from './model';
import { plainObjectiveFor, trainPlain } from './plain-train';
import { StopRule } from './stop-rule';
import type { NamedWeights } from './weights';

/** Decay of the weights' exponential moving average (a horizon of ~100 steps). */
const EMA_DECAY = 0.99;

export interface TrainOptions {
  /** Upper bound on Adam steps. */
  readonly maxSteps: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
  /**
   * Early stopping: the mean loss over each window of `window` steps must improve by at least
   * `tolerance` (nats) on the best window so far; each window that does not halves the learning
   * rate, and after `patience` of them training stops.
   * Warm starts stop early this way, which is how the knowledge base saves work.
   */
  readonly window?: number;
  readonly tolerance?: number;
  readonly patience?: number;
  /** Stop as soon as a window's mean loss reaches this value (used to measure warm-start savings). */
  readonly targetLoss?: number;
  /**
   * Validation examples (never trained on): when given, every window is judged on their loss
   * under the averaged weights instead of the training loss, and the best averaged weights are
   * the result (StopRule).
   */
  readonly valid?: Examples | null;
  readonly signal?: AbortSignal;
  readonly onStep?: (step: number, maxSteps: number, loss: number) => void;
}

export interface TrainResult {
  readonly steps: number;
  /** Mean loss over the last window. */
  readonly loss: number;
  readonly seconds: number;
  readonly stoppedEarly: boolean;
  /** Mean loss of every completed window (the learning curve). */
  readonly curve: number[];
  /** With validation examples: the loss of the returned weights on them. */
  readonly validLoss?: number;
}

/** Validation examples scored per tfjs call (bounds the memory of one forward pass). */
const VALID_CHUNK = 8192;

/**
 * Maximum likelihood (or any loss) by Adam on minibatches drawn with the project RNG. The
 * weights are copied into tfjs variables, trained, and their moving average is copied back
 * (in place); every tensor
 * created here is disposed, so tf.memory().numTensors is unchanged afterwards.
 */
export async function trainModel<C>(h: TfHandle, model: TrainableModel<C>, weights: NamedWeights, data: Examples, opts: TrainOptions): Promise<TrainResult> {
  const { tf } = h;
  if (data.count === 0) throw new MfgError('MFG_ERR_GENERATIVE_BAD_SAMPLES', 'no training examples');
  // Few distinct rows per batch (small finite spaces): the same steps in plain JavaScript.
  const plain = plainObjectiveFor(model, data, opts.batchSize);
  if (plain) return trainPlain(model, data, plain, weights, opts, opts.valid ? model.plainObjective!(opts.valid) : null);
  const start = performance.now();
  const rng = new Rng(opts.seed);
  const vars = new Map<string, import('@tensorflow/tfjs').Variable>();
  for (const [name, w] of weights) {
    const init = tf.tensor(w.data, [...w.shape], 'float32');
    vars.set(name, tf.variable(init, true));
    init.dispose();
  }
  const list = [...vars.values()];
  const ema = new Map<string, Float64Array>();
  for (const [name, w] of weights) ema.set(name, Float64Array.from(w.data));
  let best: Map<string, Float64Array> | null = null;
  const optimizer = tf.train.adam(opts.learningRate);
  const rule = new StopRule(opts.window ?? 100, opts.tolerance ?? 1e-3, opts.patience ?? 3, opts.targetLoss);
  if (opts.valid) {
    rule.start(validationLoss(h, model, weights, ema, opts.valid));
    best = new Map([...ema].map(([k, v]) => [k, v.slice()]));
  }
  let steps = 0;
  try {
    for (; steps < opts.maxSteps; ) {
      if (opts.signal?.aborted) throw new MfgError('MFG_ERR_GENERATIVE_ABORTED', 'generative fit aborted');
      // Small (deduplicated) data sets train full-batch with their weights: no minibatch noise.
      const batch = data.count <= opts.batchSize ? data : { ...subset(data, drawBatch(data, opts.batchSize, rng)), weights: null };
      const lossT = optimizer.minimize(() => model.loss(tf, vars as Variables, batch), true, list);
      const loss = lossT!.dataSync()[0]!;
      lossT!.dispose();
      // Exponential moving average of the weights (decay min(0.99, (1+k)/(10+k)), as
      // tf.train.ExponentialMovingAverage with num_updates): Adam's steps keep a converged model
      // jittering by about the learning rate; the average removes that jitter.
      const decay = Math.min(EMA_DECAY, (1 + steps) / (10 + steps));
      for (const [name, v] of vars) {
        const cur = v.dataSync() as Float32Array;
        const avg = ema.get(name)!;
        for (let i = 0; i < avg.length; i++) avg[i] = decay * avg[i]! + (1 - decay) * cur[i]!;
      }
      if (!Number.isFinite(loss)) throw new MfgError('MFG_ERR_INTERNAL', `training loss became ${loss} at step ${steps}`);
      steps++;
      opts.onStep?.(steps, opts.maxSteps, loss);
      if (rule.step(loss)) {
        const { decision, snapshot } = rule.judge(opts.valid ? validationLoss(h, model, weights, ema, opts.valid) : undefined);
        if (snapshot) best = new Map([...ema].map(([k, v]) => [k, v.slice()]));
        if (decision === 'stop') break;
        // Reduce on plateau: minibatch noise at a fixed rate keeps Adam hovering around the
        // optimum (and moves a warm start away from it); halving the rate lets it settle.
        if (decision === 'halve') (optimizer as unknown as { learningRate: number }).learningRate /= 2;
        // Let progress bars repaint and abort signals arrive.
        await new Promise<void>((r) => setImmediate(r));
      }
    }
    rule.finish();
    // The averaged weights are the result (the best validated ones when validating; for a step-free call, the initial ones).
    for (const [name] of vars) weights.get(name)!.data.set((best ?? ema).get(name)!);
  } finally {
    optimizer.dispose();
    for (const v of list) v.dispose();
  }
  return { steps, loss: rule.last, seconds: (performance.now() - start) / 1000, stoppedEarly: rule.stoppedEarly, curve: rule.curve, ...(opts.valid ? { validLoss: rule.bestValid } : {}) };
}

/** The model's mean loss on the validation examples under the averaged weights (forward only, in chunks). */
function validationLoss<C>(h: TfHandle, model: TrainableModel<C>, weights: NamedWeights, ema: ReadonlyMap<string, Float64Array>, valid: Examples): number {
  const { tf } = h;
  return tf.tidy(() => {
    const vars = new Map<string, import('@tensorflow/tfjs').Tensor>();
    for (const [name, w] of weights) vars.set(name, tf.tensor(Float32Array.from(ema.get(name)!), [...w.shape], 'float32'));
    let total = 0;
    let mass = 0;
    for (let lo = 0; lo < valid.count; lo += VALID_CHUNK) {
      const idx = Int32Array.from({ length: Math.min(VALID_CHUNK, valid.count - lo) }, (_x, i) => lo + i);
      const chunk = { ...subset(valid, idx), weights: valid.weights ? valid.weights.subarray(lo, lo + idx.length) : null };
      const m = chunk.weights ? chunk.weights.reduce((a, b) => a + b, 0) : chunk.count;
      total += model.loss(tf, vars as unknown as Variables, chunk).dataSync()[0]! * m;
      mass += m;
    }
    return total / mass;
  });
}
