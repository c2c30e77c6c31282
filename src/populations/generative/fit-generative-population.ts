import type { ContinuousGame } from '../../core/continuous-game';
import { MfgError } from '../../core/errors';
import type { FiniteGame } from '../../core/finite-game';
import { Rng } from '../../core/rng';
import type { ContinuousFlowSamples, FiniteFlowSamples } from '../population';
import { loadTf } from './backend';
import { CategoricalDensity, CategoricalModel, categoricalConfig, type CategoricalConfig } from './categorical-generator';
import { consensusLoop, type ConsensusRound, type ProgressEvent } from './consensus';
import { standardiser, type ContinuousDensity } from './continuous-density';
import { FlowDensity, FlowModel, flowConfig, type FlowConfig } from './coupling-flow-generator';
import type { C2stResult, DiscriminatorLogit } from './discriminator';
import { continuousExamples, finiteExamples } from './examples';
import { GenerativeContinuousPopulation, GenerativeFinitePopulation } from './generative-population';
import { continuousHonesty, continuousKernelTests, finiteHonesty, finiteKernelTests, summarise, type EpochHonesty, type GaussianFlow, type HonestySummary } from './honesty';
import type { KernelTests } from './consensus';
import { histogramBaseline, kdeBaseline, type BaselineReport } from './baseline';
import { chooseKernelCorrection, KernelRatioCorrection, type KernelRatioChoice } from './kernel-ratio-correction';
import { cloneWeights, heldOutNll, transferDecision, type TransferReport } from './transfer';
import { MdnDensity, MdnModel, mdnConfig, type MdnConfig } from './mdn-generator';
import { finiteFitSettings } from './fit-settings';
import { checkCells, splitContinuous, splitFinite } from './split-samples';
import { copyMatching, type NamedWeights } from './weights';
import type { TfHandle } from './backend';
import type { Examples } from './examples';
import { chooseCorrectionScale, temperedLogit, type CorrectionChoice } from './tempered-correction';
import { trainRows } from './row-training';
import type { TrainOptions } from './train';
import { tvToJointEpoch } from '../state-mass';

export type GeneratorKind = 'softmax' | 'autoregressive' | 'mdn' | 'flow';
export type GeneratorConfig = CategoricalConfig | MdnConfig | FlowConfig;

/** A fitted generator as data: what the knowledge base saves and warm starts from. */
export interface GeneratorModels {
  readonly kind: GeneratorKind;
  /** One config and weight set per population (continuous games have one). */
  readonly configs: readonly GeneratorConfig[];
  readonly weights: readonly NamedWeights[];
}

export interface GenerativeOptions {
  /** 'auto' (default): softmax when S·A <= 4096, else autoregressive; MDN when d <= 2, else flow. */
  readonly generator?: 'auto' | GeneratorKind;
  readonly seed?: number;
  /** Adam step cap of the first fit (early stopping usually ends it sooner). Default 2000. */
  readonly steps?: number;
  readonly batchSize?: number;
  readonly learningRate?: number;
  /** Early stopping: windows of `window` steps (100) and `patience` (3) windows without a 1e-3 nat gain. */
  readonly window?: number;
  readonly patience?: number;
  /** Stop a fit once a window's mean training loss reaches this (e.g. to measure a warm start's saving). */
  readonly targetLoss?: number;
  readonly embedding?: number;
  readonly hidden?: number;
  /**
   * Finite games: share of each epoch's training agents kept to stop the fit on their NLL (the
   * held-out set stays the tests'); 0 stops on the training loss. Default from finiteFitSettings.
   */
  readonly validation?: number;
  /**
   * Autoregressive generator: train on count rows and stop on the NLL of a `validation` share of
   * the training agents (row-training.ts). Default from finiteFitSettings: on for grids of 128²
   * states and more.
   */
  readonly rowTraining?: boolean;
  /** MDN mixture components (default 4) and coupling layers of the flow (default 4). */
  readonly components?: number;
  readonly layers?: number;
  /** Share of each epoch's samples held out for the discriminator and the NLL (default 0.3). */
  readonly holdout?: number;
  /** Consensus: refit while the combined C2ST p-value is below alpha (default 0.05), up to maxRounds (default 3). */
  readonly alpha?: number;
  readonly maxRounds?: number;
  readonly discriminator?: { hidden?: number; steps?: number; batchSize?: number; learningRate?: number };
  /**
   * Run the kernel two-sample tests (multi-scale MMD and energy distance, permutation p-values)
   * beside the C2ST in every round and in the report; they join the verdict (default true).
   */
  readonly kernelTests?: boolean;
  /** How a round the verdict rejects refits: 'blind' (default) or 'weighted' by the discriminator's density ratio (see consensus.ts). */
  readonly refit?: 'blind' | 'weighted';
  /**
   * The discriminator's density-ratio correction of log mu: false (default), true, or 'auto' =
   * on only when the final test still tells the generator from the samples (no consensus). On a
   * CrowdModelling-like torus it cut the TV of a 1-step fit from 0.078 to 0.049 but raised a
   * good fit's from 0.016 to 0.035 (the logit of an indistinguishable pair is noise): hence 'auto'.
   */
  readonly correct?: boolean | 'auto';
  /**
   * Finite games, which correction `correct` applies: 'logit' (default), the C2ST's MLP logit
   * tempered (tempered-correction.ts), or 'kernel', the kernel density ratio of the held-out
   * agents against the generator on the state grid, its width and strength chosen by held-out
   * likelihood (kernel-ratio-correction.ts). The kernel's normaliser is exact on any grid.
   */
  readonly correction?: 'logit' | 'kernel';
  /**
   * Finite games: the correction's strength beta in p_gen·exp(beta·D) (1: the untempered ratio).
   * Default: chosen on held-out agents by likelihood (tempered-correction.ts).
   */
  readonly correctionScale?: number;
  /** Exact flow per population (layout t*S*A + s*A + a), for the report's exact TV. */
  readonly exact?: readonly Float64Array[];
  /** Gaussian closed form of a continuous flow, for the report's W2 and moment errors. */
  readonly closedForm?: GaussianFlow;
  /** Fresh Monte Carlo samples for refit round r >= 1 (more samples, fresh held-out set). */
  readonly moreSamples?: (round: number) => Promise<FiniteFlowSamples | ContinuousFlowSamples> | FiniteFlowSamples | ContinuousFlowSamples;
  /** Initial weights (e.g. a knowledge-base entry): every weight whose name and shape match is copied. */
  readonly warmStart?: GeneratorModels;
  readonly onProgress?: (e: ProgressEvent) => void;
  readonly signal?: AbortSignal;
}

export interface HonestyReport extends HonestySummary {
  readonly consensus: boolean;
  /**
   * The same figures for the generator's own training samples (histogram per population, or a
   * KDE in R^d), and the generator's error as a share of the baseline's: tvRatio = meanTv /
   * baseline meanTv (finite, with an exact flow), w2Ratio = meanW2 / baseline meanW2 (R^d, with
   * a closed form). Below 1: the model beats the data it was fitted to.
   */
  readonly baseline: readonly BaselineReport[];
  /**
   * Finite games with options.correct true or 'auto': per population, the correction's tempering
   * beta chosen on held-out agents and the held-out NLL change it buys (tempered-correction.ts),
   * and whether the returned population is corrected.
   */
  readonly correction?: readonly CorrectionChoice[];
  /** With correction 'kernel': per population, the kernel width and strength chosen on held-out agents, and the NLL change they buy. */
  readonly kernelCorrection?: readonly KernelRatioChoice[];
  readonly corrected?: boolean;
  /** Finite games with an exact flow and a corrected population: the corrected state marginals' mean TV (meanTv stays the generator's). */
  readonly correctedMeanTv?: number;
  /** Finite games with options.warmStart: per population, the source's transfer quality and whether it was used (transfer.ts). */
  readonly transfer?: readonly TransferReport[];
  readonly tvRatio?: number;
  readonly w2Ratio?: number;
  readonly alpha: number;
  /** Rounds of the consensus loop, per population. */
  readonly rounds: readonly (readonly ConsensusRound[])[];
  readonly epochs: readonly EpochHonesty[];
}

export interface GenerativeFit<P> {
  readonly population: P;
  readonly report: HonestyReport;
  /** Wall-clock seconds of the whole call (fits, tests, report). */
  readonly fitSeconds: number;
  /** Seconds spent in generator training alone, and its Adam steps. */
  readonly trainSeconds: number;
  readonly steps: number;
  readonly memoryBytes: number;
  /** The tfjs backend that ran ("wasm" or "tensorflow"). */
  readonly backend: string;
  readonly models: GeneratorModels;
}

const opt = <T>(v: T | undefined, d: T): T => (v === undefined ? d : v);

function checkFraction(name: string, v: number, lo: number, hi: number): void {
  if (!(typeof v === 'number' && v > lo && v < hi)) {
    throw new MfgError('MFG_ERR_GENERATIVE_BAD_OPTION', `${name} must be in (${lo}, ${hi}), got ${String(v)}`);
  }
}

/**
 * Fits a generative population to Monte Carlo samples of a game's flow, kept honest by the
 * consensus loop; see index.ts for the contract.
 */
export async function fitGenerativePopulation(game: FiniteGame, samples: FiniteFlowSamples, options?: GenerativeOptions): Promise<GenerativeFit<GenerativeFinitePopulation>>;
export async function fitGenerativePopulation(game: ContinuousGame, samples: ContinuousFlowSamples, options?: GenerativeOptions): Promise<GenerativeFit<GenerativeContinuousPopulation>>;
export async function fitGenerativePopulation(
  game: FiniteGame | ContinuousGame,
  samples: FiniteFlowSamples | ContinuousFlowSamples,
  options: GenerativeOptions = {},
): Promise<GenerativeFit<GenerativeFinitePopulation | GenerativeContinuousPopulation>> {
  const start = performance.now();
  const h = await loadTf();
  const holdout = opt(options.holdout, 0.3);
  checkFraction('holdout', holdout, 0, 1);
  const seed = opt(options.seed, 0);
  const H = game.horizon;
  if (samples.horizon !== H) {
    throw new MfgError('MFG_ERR_GENERATIVE_BAD_SAMPLES', `samples cover ${samples.horizon} epochs, the game has horizon ${H}`);
  }
  const loop = {
    alpha: opt(options.alpha, 0.05),
    maxRounds: opt(options.maxRounds, 3),
    // Finite games take their defaults from finiteFitSettings (fit-settings.ts); these are the continuous ones.
    steps: opt(options.steps, 2000),
    stepsGrowth: 2,
    ...(options.refit ? { refit: options.refit } : {}),
    batchSize: opt(options.batchSize, 512),
    learningRate: opt(options.learningRate, 0.01),
    window: opt(options.window, 100),
    patience: opt(options.patience, 3),
    ...(options.targetLoss !== undefined ? { targetLoss: options.targetLoss } : {}),
    discriminator: {
      hidden: opt(options.discriminator?.hidden, 32),
      steps: opt(options.discriminator?.steps, 400),
      batchSize: opt(options.discriminator?.batchSize, 256),
      learningRate: opt(options.discriminator?.learningRate, 0.01),
    },
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  };
  const allRounds: ConsensusRound[][] = [];
  const epochs: EpochHonesty[] = [];
  const c2sts: C2stResult[] = [];
  const kernels: (KernelTests | null)[] = [];
  const baselines: BaselineReport[] = [];
  const transfers: TransferReport[] = [];
  const corrections: CorrectionChoice[] = [];
  const kernelChoices: KernelRatioChoice[] = [];
  const mean = (xs: (number | undefined)[]): number | undefined => (xs.every((x) => x !== undefined) && xs.length ? (xs as number[]).reduce((a, b) => a + b, 0) / xs.length : undefined);
  const useKernel = opt(options.kernelTests, true);
  let steps = 0;
  let trainSeconds = 0;
  let consensus = true;
  let correctedMeanTv: number | undefined;

  if (game.kind === 'finite') {
    const fs = samples as FiniteFlowSamples;
    if (!fs.cells || fs.cells.length !== game.populations.length) {
      throw new MfgError('MFG_ERR_GENERATIVE_BAD_SAMPLES', `finite samples must hold cells for each of the ${game.populations.length} populations`);
    }
    const densities: CategoricalDensity[] = [];
    const logits: DiscriminatorLogit[] = [];
    const kernelCorrections: KernelRatioCorrection[] = [];
    const configs: CategoricalConfig[] = [];
    const weightSets: NamedWeights[] = [];
    let kind: GeneratorKind = 'softmax';
    for (let p = 0; p < game.populations.length; p++) {
      const pop = game.populations[p]!;
      const cellsAll = fs.cells[p]!;
      checkCells(cellsAll, H, pop.numStates * pop.numActions, p);
      const wanted = opt(options.generator, 'auto');
      kind = wanted === 'auto' ? (pop.numStates * pop.numActions <= 4096 ? 'softmax' : 'autoregressive') : wanted;
      if (kind !== 'softmax' && kind !== 'autoregressive') {
        throw new MfgError('MFG_ERR_GENERATIVE_BAD_OPTION', `generator ${kind} is for continuous games; finite games use softmax or autoregressive`);
      }
      const [train, test] = splitFinite(cellsAll, holdout);
      const st = finiteFitSettings(kind, pop.numStates, Math.min(...train.map((c) => c.length)));
      const rows = opt(options.rowTraining, st.rowTraining) && kind === 'autoregressive';
      const cfg = categoricalConfig(pop, H, kind, opt(options.embedding, st.embedding), opt(options.hidden, st.hidden));
      const model = new CategoricalModel(cfg);
      const weights = model.init(new Rng(seed + 7919 * p));
      // Early stopping reads a validation share of the training agents (the held-out set stays the tests').
      const validShare = opt(options.validation, rows ? st.validation || 0.1 : st.validation);
      if (!(validShare >= 0 && validShare < 1)) throw new MfgError('MFG_ERR_GENERATIVE_BAD_OPTION', `validation must be in [0, 1), got ${String(validShare)}`);
      const [fitCells, validCells] = validShare > 0 ? splitFinite(train, validShare) : [train, null];
      const trainEx = finiteExamples(fitCells);
      const validEx = validCells ? finiteExamples(validCells) : null;
      const popLoop = {
        ...loop,
        steps: opt(options.steps, st.steps),
        batchSize: opt(options.batchSize, st.batchSize),
        learningRate: opt(options.learningRate, st.learningRate),
        window: opt(options.window, st.window),
        patience: opt(options.patience, st.patience),
        ...(rows ? { trainer: (hh: TfHandle, _m: unknown, w: NamedWeights, d: Examples, o: TrainOptions) => trainRows(hh, model, w, d, { ...o, valid: validEx }) } : { valid: validEx }),
      };
      const cold = options.warmStart ? cloneWeights(weights) : weights;
      if (options.warmStart && copyMatching(options.warmStart.weights[p] ?? new Map(), weights) === weights.size) {
        model.alignFirstAxis(weights, trainEx);
      } else if (options.warmStart) {
        // A warm start that only partly fits: data init, then whatever matches wins.
        model.initFromData(weights, trainEx);
        copyMatching(options.warmStart.weights[p] ?? new Map(), weights);
      }
      if (options.warmStart) {
        model.initFromData(cold, trainEx);
        const decision = transferDecision(p, heldOutNll(new CategoricalDensity(cfg, weights), test), heldOutNll(new CategoricalDensity(cfg, cold), test));
        transfers.push(decision);
        if (!decision.used) for (const [k, v] of cold) weights.get(k)!.data.set(v.data);
      } else {
        model.initFromData(weights, trainEx);
      }
      const more = options.moreSamples;
      const res = await consensusLoop(
        h,
        model,
        weights,
        trainEx,
        test,
        (w) => new CategoricalDensity(cfg, w),
        (d, t, n, rng) => d.sampleCells(t, n, rng),
        { kind: 'finite', horizon: H, axes: [...pop.stateShape, pop.numActions], hidden: loop.discriminator.hidden },
        {
          ...popLoop,
          seed: seed + 104729 * (p + 1),
          population: p,
          ...(useKernel
            ? { kernelTests: (d: CategoricalDensity, test, rng) => finiteKernelTests((t, n, r) => d.sampleCells(t, n, r), test as Int32Array[], { shape: pop.stateShape, numActions: pop.numActions }, rng) }
            : {}),
          ...(more
            ? {
                more: async (r: number) => {
                  const s = (await more(r)) as FiniteFlowSamples;
                  const c = s.cells[p]!;
                  checkCells(c, H, pop.numStates * pop.numActions, p);
                  const [tr, te] = splitFinite(c, holdout);
                  return { train: finiteExamples(tr), heldOut: te };
                },
              }
            : {}),
        },
      );
      densities.push(res.density);
      if ((options.correct === true || options.correct === 'auto') && options.correction === 'kernel') {
        const choice = chooseKernelCorrection(p, res.density, pop.stateShape, res.heldOut as Int32Array[]);
        kernelChoices.push(choice);
        kernelCorrections.push(new KernelRatioCorrection(res.density, pop.stateShape, res.heldOut as Int32Array[], choice.sigma, options.correctionScale ?? choice.scale));
        logits.push(res.c2st.logit);
      } else if (options.correct === true || options.correct === 'auto') {
        // The correction is tempered by the held-out likelihood of the last round's untrained halves.
        const choice = chooseCorrectionScale(p, res.c2st.logit, res.heldOut, res.generated);
        corrections.push(choice);
        logits.push(temperedLogit(res.c2st.logit, options.correctionScale ?? choice.scale));
      } else {
        logits.push(res.c2st.logit);
      }
      configs.push(cfg);
      weightSets.push(res.weights);
      allRounds.push(res.rounds);
      c2sts.push(res.c2st);
      kernels.push(res.kernel);
      consensus &&= res.consensus;
      steps += res.steps;
      trainSeconds += res.trainSeconds;
      epochs.push(...finiteHonesty(p, res.density, res.heldOut as Int32Array[], res.c2st, seed + 31 * p, options.exact?.[p], res.kernel));
      const tr = transfers.find((x) => x.population === p);
      if (tr) transfers[transfers.indexOf(tr)] = { ...tr, klGap: tr.sourceNll - mean(epochs.filter((e) => e.population === p).map((e) => e.nll))! };
      baselines.push(histogramBaseline(train, res.heldOut as Int32Array[], pop.stateShape, pop.numActions, new Rng(seed + 61 * p), options.exact?.[p]));
    }
    const population = new GenerativeFinitePopulation(H, densities, logits, kernelCorrections);
    if (options.correct === true || (options.correct === 'auto' && !consensus)) population.corrected = true;
    if (population.corrected && options.exact) correctedMeanTv = correctedTv(game, population, options.exact);
    return finish(population, { kind, configs, weights: weightSets });
  }

  const cs = samples as ContinuousFlowSamples;
  const d = game.stateSpace.shape.reduce((a, b) => a * b, 1);
  if (cs.dim !== d || !cs.points || cs.points.length !== H) {
    throw new MfgError('MFG_ERR_GENERATIVE_BAD_SAMPLES', `continuous samples must have dim ${d} and ${H} epochs, got dim ${cs.dim} and ${cs.points?.length} epochs`);
  }
  const wanted = opt(options.generator, 'auto');
  const kind: GeneratorKind = wanted === 'auto' ? (d <= 2 ? 'mdn' : 'flow') : wanted;
  if (kind !== 'mdn' && kind !== 'flow') {
    throw new MfgError('MFG_ERR_GENERATIVE_BAD_OPTION', `generator ${kind} is for finite games; continuous games use mdn or flow`);
  }
  const [train, test] = splitContinuous(cs.points, d, holdout);
  // A warm start keeps the standardisation its weights were trained under.
  const warmCfg = options.warmStart?.configs[0];
  const norm = warmCfg && warmCfg.kind === kind && warmCfg.dim === d ? { shift: warmCfg.shift, scale: warmCfg.scale } : standardiser(train, d);
  const emb = opt(options.embedding, 16);
  const hidden = opt(options.hidden, 32);
  const cfg = kind === 'mdn' ? mdnConfig(H, d, norm, opt(options.components, 4), emb, hidden) : flowConfig(H, d, norm, opt(options.layers, 4), emb, hidden);
  const model = cfg.kind === 'mdn' ? new MdnModel(cfg) : new FlowModel(cfg);
  const weights = model.init(new Rng(seed));
  if (options.warmStart) copyMatching(options.warmStart.weights[0] ?? new Map(), weights);
  else model.initFromData(weights, continuousExamples(train, d));
  const more = options.moreSamples;
  const res = await consensusLoop<GeneratorConfig, ContinuousDensity>(
    h,
    model as MdnModel | FlowModel,
    weights,
    continuousExamples(train, d),
    test,
    (w) => (cfg.kind === 'mdn' ? new MdnDensity(cfg, w) : new FlowDensity(cfg, w)),
    (g, t, n, rng) => g.sample(t, n, rng),
    { kind: 'continuous', horizon: H, dim: d, shift: norm.shift, scale: norm.scale, hidden: loop.discriminator.hidden },
    {
      ...loop,
      seed: seed + 104729,
      population: 0,
      ...(useKernel ? { kernelTests: (g: ContinuousDensity, test, rng) => continuousKernelTests((t, n, r) => g.sample(t, n, r), test as Float64Array[], d, rng) } : {}),
      ...(more
        ? {
            more: async (r: number) => {
              const s = (await more(r)) as ContinuousFlowSamples;
              const [tr, te] = splitContinuous(s.points, d, holdout);
              return { train: continuousExamples(tr, d), heldOut: te };
            },
          }
        : {}),
    },
  );
  allRounds.push(res.rounds);
  c2sts.push(res.c2st);
  kernels.push(res.kernel);
  consensus = res.consensus;
  steps = res.steps;
  trainSeconds = res.trainSeconds;
  epochs.push(...continuousHonesty(res.density, res.heldOut as Float64Array[], res.c2st, seed + 31, options.closedForm, res.kernel));
  baselines.push(kdeBaseline(train, res.heldOut as Float64Array[], d, new Rng(seed + 61), options.closedForm));
  const population = new GenerativeContinuousPopulation(H, res.density, res.c2st.logit);
  if (options.correct === true || (options.correct === 'auto' && !consensus)) population.corrected = true;
  return finish(population, { kind, configs: [cfg], weights: [res.weights] });

  function finish<P extends { memoryBytes(): number }>(population: P, models: GeneratorModels): GenerativeFit<P> {
    const summary = summarise(epochs, c2sts, kernels);
    const baseTv = mean(baselines.map((b) => b.meanTv));
    const baseW2 = mean(baselines.map((b) => b.meanW2));
    const report: HonestyReport = {
      ...summary,
      consensus,
      alpha: loop.alpha,
      baseline: baselines,
      ...(transfers.length ? { transfer: transfers } : {}),
      ...(corrections.length ? { correction: corrections, corrected: (population as { corrected?: boolean }).corrected === true } : {}),
      ...(kernelChoices.length ? { kernelCorrection: kernelChoices, corrected: (population as { corrected?: boolean }).corrected === true } : {}),
      ...(correctedMeanTv !== undefined ? { correctedMeanTv } : {}),
      ...(summary.meanTv !== undefined && baseTv ? { tvRatio: summary.meanTv / baseTv } : {}),
      ...(summary.meanW2 !== undefined && baseW2 ? { w2Ratio: summary.meanW2 / baseW2 } : {}),
      rounds: allRounds,
      epochs,
    };
    return {
      population,
      report,
      fitSeconds: (performance.now() - start) / 1000,
      trainSeconds,
      steps,
      memoryBytes: population.memoryBytes(),
      backend: h.backend,
      models,
    };
  }
}

/**
 * The JSON the CLI prints for a fit (`mfgym population ... --json`): memoryBytes, fitSeconds,
 * consensus and per-epoch { population, t, c2stAccuracy, pValue, nll, tv | w2, ... }, plus the
 * summary figures and the rounds of the consensus loop. Plain data (no typed arrays).
 */
export function fitSummary(fit: GenerativeFit<unknown>): Record<string, unknown> {
  const { epochs, rounds, ...summary } = fit.report;
  return {
    kind: 'generative',
    generator: fit.models.kind,
    backend: fit.backend,
    memoryBytes: fit.memoryBytes,
    fitSeconds: fit.fitSeconds,
    trainSeconds: fit.trainSeconds,
    steps: fit.steps,
    ...summary,
    rounds: rounds.map((rs) => rs.map(({ curve: _curve, ...r }) => r)),
    epochs,
  };
}

/** Mean over populations and epochs of the exact TV of a corrected population's state marginals (one whole-grid query per epoch). */
function correctedTv(game: FiniteGame, population: GenerativeFinitePopulation, exact: readonly Float64Array[]): number {
  let total = 0;
  game.populations.forEach((pop, p) => {
    const { numStates: S, numActions: A } = pop;
    const logs = new Float64Array(S);
    for (let t = 0; t < game.horizon; t++) {
      population.logStateMassAll(p, t, logs);
      total += tvToJointEpoch(logs, exact[p]!, t * S * A, S, A);
    }
  });
  return total / (game.populations.length * game.horizon);
}
