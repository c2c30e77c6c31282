import { MfgError } from '../../core/errors';
import { Rng } from '../../core/rng';
import type { TfHandle } from './backend';
import { drawBatch, subset, type Examples } from './examples';
import type { TrainableModel, Variables } from './model';
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
}

/**
 * Maximum likelihood (or any loss) by Adam on minibatches drawn with the project RNG. The
 * weights are copied into tfjs variables, trained, and their moving average is copied back
 * (in place); every tensor
 * created here is disposed, so tf.memory().numTensors is unchanged afterwards.
 */
export async function trainModel<C>(h: TfHandle, model: TrainableModel<C>, weights: NamedWeights, data: Examples, opts: TrainOptions): Promise<TrainResult> {
  const { tf } = h;
  if (data.count === 0) throw new MfgError('MFG_ERR_GENERATIVE_BAD_SAMPLES', 'no training examples');
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
  const optimizer = tf.train.adam(opts.learningRate);
  const window = opts.window ?? 100;
  const tol = opts.tolerance ?? 1e-3;
  const patience = opts.patience ?? 3;
  let best = Infinity;
  let bad = 0;
  let sum = 0;
  let inWindow = 0;
  let last = NaN;
  let steps = 0;
  let stoppedEarly = false;
  const curve: number[] = [];
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
      sum += loss;
      inWindow++;
      opts.onStep?.(steps, opts.maxSteps, loss);
      if (inWindow === window) {
        last = sum / window;
        curve.push(last);
        if (opts.targetLoss !== undefined && last <= opts.targetLoss) {
          stoppedEarly = true;
          break;
        }
        if (last < best - tol) {
          best = last;
          bad = 0;
        } else {
          if (++bad >= patience) {
            stoppedEarly = true;
            break;
          }
          // Reduce on plateau: minibatch noise at a fixed rate keeps Adam hovering around the
          // optimum (and moves a warm start away from it); halving the rate lets it settle.
          (optimizer as unknown as { learningRate: number }).learningRate /= 2;
        }
        sum = 0;
        inWindow = 0;
        // Let progress bars repaint and abort signals arrive.
        await new Promise<void>((r) => setImmediate(r));
      }
    }
    if (Number.isNaN(last) && inWindow > 0) last = sum / inWindow;
    // The averaged weights are the result (for a step-free call, the initial ones).
    for (const [name] of vars) weights.get(name)!.data.set(ema.get(name)!);
  } finally {
    optimizer.dispose();
    for (const v of list) v.dispose();
  }
  return { steps, loss: last, seconds: (performance.now() - start) / 1000, stoppedEarly, curve };
}
