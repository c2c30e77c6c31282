import { MfgError } from '../../core/errors';
import { Rng } from '../../core/rng';
import type { TfHandle } from './backend';
import type { C2stResult, DiscriminatorConfig, DiscriminatorLogit, EpochSamples } from './discriminator';
import { classifierTwoSampleTest } from './discriminator';
import type { Examples } from './examples';
import type { TrainableModel } from './model';
import { trainModel, type TrainOptions, type TrainResult } from './train';
import type { NamedWeights } from './weights';
import { honestyVerdict, type PairTest } from './two-sample';

/**
 * The kernel two-sample tests of a round: per epoch; pooled over epochs (mmdPValue,
 * energyPValue: the verdict's); and the Cauchy combination of the per-epoch p-values.
 */
export interface KernelTests {
  readonly epochs: readonly PairTest[];
  readonly mmdStatistic: number;
  readonly mmdPValue: number;
  readonly energyStatistic: number;
  readonly energyPValue: number;
  readonly mmdCauchyPValue: number;
  readonly energyCauchyPValue: number;
}

/** What the consensus loop reports per round (one fit + one discriminator test). */
export interface ConsensusRound {
  readonly round: number;
  /** Adam steps taken this round, and their cap. */
  readonly steps: number;
  readonly maxSteps: number;
  /** Mean training loss (nats) over the last window. */
  readonly loss: number;
  readonly trainSeconds: number;
  readonly trainingExamples: number;
  /** Mean training loss per window of steps (the learning curve). */
  readonly curve: readonly number[];
  readonly c2stAccuracy: number;
  /** Bonferroni-combined p-value of the round's C2ST (pooled + per epoch). */
  readonly c2stPValue: number;
  /** Epoch-combined p-values of the kernel tests (when the loop ran them). */
  readonly mmdPValue?: number;
  readonly energyPValue?: number;
  /** The round's verdict: Bonferroni over the C2ST and the kernel tests; consensus when >= alpha. */
  readonly pValue: number;
  /** Held-out agents per epoch this round was tested on (disjoint from every other round's). */
  readonly heldOutPerEpoch: number;
}

export interface ProgressEvent {
  readonly stage: 'fit' | 'test';
  readonly population: number;
  readonly round: number;
  readonly step: number;
  readonly totalSteps: number;
  readonly loss: number;
}

export interface ConsensusOptions<D = unknown> {
  readonly alpha: number;
  readonly maxRounds: number;
  readonly steps: number;
  /** Each refit may take `stepsGrowth` times the previous cap (warm-started from the last fit), with twice the batch (up to 4x). */
  readonly stepsGrowth: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly window: number;
  readonly patience: number;
  readonly targetLoss?: number;
  /** Validation examples the generator's training stops on (TrainOptions.valid), or null. */
  readonly valid?: Examples | null;
  readonly seed: number;
  readonly population: number;
  readonly discriminator: { hidden: number; steps: number; batchSize: number; learningRate: number };
  readonly signal?: AbortSignal;
  readonly onProgress?: (e: ProgressEvent) => void;
  /** Fresh Monte Carlo data for round r >= 1: training examples to add and a new held-out set. */
  readonly more?: (round: number) => Promise<{ train: Examples; heldOut: EpochSamples } | null>;
  /**
   * How a failed round refits: 'blind' (maximum likelihood on the same examples, more steps) or
   * 'weighted' (the discriminator teaches: each training example's weight is multiplied by the
   * density ratio exp D(x, t) ~ p_MC/p_gen of the round's discriminator, clipped to
   * [1/WEIGHT_CLIP, WEIGHT_CLIP], so the refit leans on what the generator under-represents; at
   * agreement D ~ 0 and the weights are 1, so the fixed point is the plain MLE). Default 'blind'.
   */
  readonly refit?: 'blind' | 'weighted';
  /**
   * The generator's trainer (default trainModel: per-sample minibatches on the training loss);
   * the autoregressive generator on large grids passes count-row training (row-training.ts).
   */
  readonly trainer?: (h: TfHandle, model: TrainableModel<unknown>, weights: NamedWeights, data: Examples, opts: TrainOptions) => Promise<TrainResult>;
  /** The kernel two-sample tests of a fitted density against a held-out set (they join the verdict). */
  readonly kernelTests?: (density: D, heldOut: EpochSamples, rng: Rng) => KernelTests;
}

export interface ConsensusResult<D> {
  readonly density: D;
  readonly weights: NamedWeights;
  readonly rounds: ConsensusRound[];
  readonly consensus: boolean;
  readonly c2st: C2stResult;
  readonly heldOut: EpochSamples;
  /** The generator samples the last round's C2ST used (the second half of each epoch's was never trained on). */
  readonly generated: EpochSamples;
  readonly kernel: KernelTests | null;
  readonly steps: number;
  readonly trainSeconds: number;
}

/**
 * The consensus loop (DESIGN §3): fit the generator by maximum likelihood, test it with a fresh
 * discriminator on held-out Monte Carlo samples, and while the discriminator tells them apart
 * (verdict p < alpha: Bonferroni over the C2ST and the kernel tests) and rounds remain, refit warm
 * from the current weights with a larger step budget and batch (and fresh samples when `more`
 * supplies them). The held-out set is never trained on, and no round is tested on samples an
 * earlier round saw: without `more`, the held-out set is cut into maxRounds disjoint slices
 * per epoch, slice r for round r (a round that reused them would have an optimistic p-value).
 */
export async function consensusLoop<C, D>(
  h: TfHandle,
  model: TrainableModel<C>,
  weights: NamedWeights,
  train: Examples,
  heldOut: EpochSamples,
  compile: (w: NamedWeights) => D,
  sampleGen: (d: D, t: number, n: number, rng: Rng) => Int32Array | Float64Array,
  dConfig: DiscriminatorConfig,
  opts: ConsensusOptions<D>,
): Promise<ConsensusResult<D>> {
  if (!(opts.alpha > 0 && opts.alpha < 1)) throw new MfgError('MFG_ERR_GENERATIVE_BAD_OPTION', `alpha must be in (0, 1), got ${opts.alpha}`);
  if (!Number.isInteger(opts.maxRounds) || opts.maxRounds < 1) throw new MfgError('MFG_ERR_GENERATIVE_BAD_OPTION', `maxRounds must be a positive integer, got ${opts.maxRounds}`);
  const rounds: ConsensusRound[] = [];
  const rng = new Rng(opts.seed);
  const perSample = dConfig.kind === 'finite' ? 1 : dConfig.dim;
  let data = train;
  const slices = opts.more ? [heldOut] : sliceHeldOut(heldOut, opts.maxRounds, perSample);
  let test = slices[0]!;
  let density: D | null = null;
  let c2st: C2stResult | null = null;
  let generated: EpochSamples | null = null;
  let kernel: KernelTests | null = null;
  let verdict = { pValue: 1, agree: true };
  let steps = 0;
  let seconds = 0;
  let cap = opts.steps;
  let batch = opts.batchSize;
  for (let r = 0; r < opts.maxRounds; r++) {
    if (r > 0 && opts.more) {
      const fresh = await opts.more(r);
      if (fresh) {
        data = concatExamples(data, fresh.train);
        test = fresh.heldOut;
      } else {
        break; // no fresh held-out samples: a further round could only reuse tested ones
      }
    } else if (r > 0) {
      if (r >= slices.length) break; // every held-out slice is spent
      test = slices[r]!;
    }
    const fit = await (opts.trainer ?? trainModel)(h, model as TrainableModel<unknown>, weights, data, {
      maxSteps: cap,
      batchSize: batch,
      learningRate: opts.learningRate,
      window: opts.window,
      patience: opts.patience,
      ...(opts.targetLoss !== undefined ? { targetLoss: opts.targetLoss } : {}),
      ...(opts.valid ? { valid: opts.valid } : {}),
      seed: rng.nextSeed(),
      ...(opts.signal ? { signal: opts.signal } : {}),
      onStep: (step, total, loss) => opts.onProgress?.({ stage: 'fit', population: opts.population, round: r, step, totalSteps: total, loss }),
    });
    steps += fit.steps;
    seconds += fit.seconds;
    density = compile(weights);
    const gen = Array.from({ length: dConfig.horizon }, (_x, t) => sampleGen(density!, t, test[t]!.length / perSample, rng)) as EpochSamples;
    generated = gen;
    c2st = await classifierTwoSampleTest(h, dConfig, test, gen, {
      hidden: opts.discriminator.hidden,
      maxSteps: opts.discriminator.steps,
      batchSize: opts.discriminator.batchSize,
      learningRate: opts.discriminator.learningRate,
      seed: rng.nextSeed(),
      ...(opts.signal ? { signal: opts.signal } : {}),
      onStep: (step, total, loss) => opts.onProgress?.({ stage: 'test', population: opts.population, round: r, step, totalSteps: total, loss }),
    });
    kernel = opts.kernelTests ? opts.kernelTests(density, test, rng) : null;
    verdict = honestyVerdict(kernel ? [c2st.combinedPValue, kernel.mmdPValue, kernel.energyPValue] : [c2st.combinedPValue], opts.alpha);
    rounds.push({
      round: r,
      steps: fit.steps,
      maxSteps: cap,
      loss: fit.loss,
      trainSeconds: fit.seconds,
      trainingExamples: data.count,
      curve: fit.curve,
      c2stAccuracy: c2st.accuracy,
      c2stPValue: c2st.combinedPValue,
      ...(kernel ? { mmdPValue: kernel.mmdPValue, energyPValue: kernel.energyPValue } : {}),
      pValue: verdict.pValue,
      heldOutPerEpoch: Math.min(...test.map((x) => x.length / perSample)),
    });
    if (verdict.agree) break;
    if (opts.refit === 'weighted') data = discriminatorWeighted(data, c2st.logit);
    cap = Math.ceil(cap * opts.stepsGrowth);
    // Larger batches too: what stops a refit early is minibatch noise around the optimum.
    batch = Math.min(4 * opts.batchSize, batch * 2);
  }
  return {
    density: density!,
    weights,
    rounds,
    consensus: verdict.agree,
    c2st: c2st!,
    heldOut: test,
    generated: generated!,
    kernel,
    steps,
    trainSeconds: seconds,
  };
}

/** Largest factor by which the discriminator may up- or down-weight a training example. */
export const WEIGHT_CLIP = 4;

/** The examples with weights multiplied by exp D(x, t), clipped to [1/WEIGHT_CLIP, WEIGHT_CLIP]. */
export function discriminatorWeighted(data: Examples, logit: DiscriminatorLogit): Examples {
  const w = new Float64Array(data.count);
  const lim = Math.log(WEIGHT_CLIP);
  for (let i = 0; i < data.count; i++) {
    const z = data.cells ? logit.cellLogit(data.t[i]!, data.cells[i]!) : logit.pointLogit(data.t[i]!, data.x!, i * data.dim);
    w[i] = (data.weights ? data.weights[i]! : 1) * Math.exp(Math.min(lim, Math.max(-lim, z)));
  }
  return { ...data, weights: w };
}

/** Fewest held-out agents per epoch in a round's slice. */
const MIN_SLICE = 16;

/** Per epoch, k disjoint consecutive slices of the held-out samples (agents are i.i.d.). */
function sliceHeldOut(heldOut: EpochSamples, rounds: number, perSample: number): EpochSamples[] {
  // At least MIN_SLICE agents per epoch and slice (the C2ST halves each): fewer slices, fewer rounds.
  const minN = Math.min(...heldOut.map((x: Int32Array | Float64Array) => x.length / perSample));
  const k = Math.max(1, Math.min(rounds, Math.floor(minN / MIN_SLICE)));
  return Array.from({ length: k }, (_x, r) =>
    heldOut.map((x: Int32Array | Float64Array) => {
      const n = x.length / perSample;
      const lo = Math.floor((r * n) / k);
      const hi = Math.floor(((r + 1) * n) / k);
      return x.subarray(lo * perSample, hi * perSample);
    }) as EpochSamples,
  );
}

function concatExamples(a: Examples, b: Examples): Examples {
  const t = new Int32Array(a.count + b.count);
  t.set(a.t);
  t.set(b.t, a.count);
  let cells: Int32Array | null = null;
  let x: Float64Array | null = null;
  if (a.cells && b.cells) {
    cells = new Int32Array(a.count + b.count);
    cells.set(a.cells);
    cells.set(b.cells, a.count);
  }
  if (a.x && b.x) {
    x = new Float64Array(a.x.length + b.x.length);
    x.set(a.x);
    x.set(b.x, a.x.length);
  }
  let weights: Float64Array | null = null;
  if (a.weights || b.weights) {
    weights = new Float64Array(a.count + b.count).fill(1);
    if (a.weights) weights.set(a.weights);
    if (b.weights) weights.set(b.weights, a.count);
  }
  return { count: a.count + b.count, t, cells, x, dim: a.dim, weights };
}
