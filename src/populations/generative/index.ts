/**
 * The generative population (GD-MFRL, DESIGN §3): a time-conditioned explicit-density generator
 * fitted by maximum likelihood to Monte Carlo samples of a flow, kept honest by a discriminator.
 * The only module of mfgym that loads TensorFlow.js (lazily: `await loadTf()` inside the calls).
 *
 * Entry point (for the CLI `mfgym population`, bench/population, the gym env and the solvers):
 *
 *   fitGenerativePopulation(game: FiniteGame, samples: FiniteFlowSamples, options?)
 *     → Promise<{ population: GenerativeFinitePopulation, report, fitSeconds, trainSeconds,
 *                 steps, memoryBytes, backend, models }>
 *   fitGenerativePopulation(game: ContinuousGame, samples: ContinuousFlowSamples, options?)
 *     → Promise<{ population: GenerativeContinuousPopulation, ... same fields }>
 *
 * - population: a FinitePopulationFlow (stateMass / logStateMass / logStateMassBatch /
 *   sampleStates / query / memoryBytes; meanFieldAt only for softmax generators), or for
 *   continuous games `at(t)` giving the ContinuousMeanField { mean, logDensity, samples }.
 *   `population.corrected = true` switches on the discriminator's log-ratio correction.
 * - report (HonestyReport): consensus (bool: verdictPValue >= alpha), alpha, verdictPValue
 *   (Bonferroni over the C2ST and the two kernel tests), c2stAccuracy, pValue, combinedPValue
 *   (the C2ST's), mmdPValue / energyPValue (kernel tests pooled over epochs; two-sample.ts),
 *   mmdCauchyPValue / energyCauchyPValue (per-epoch p-values combined), meanNll, meanTv/maxTv
 *   (when options.exact is given), meanW2 (when options.closedForm is given), baseline[p] (the
 *   same figures for the histogram / KDE of the training samples; baseline.ts) with tvRatio /
 *   w2Ratio (the generator's error over the baseline's), transfer[p] (with warmStart, finite:
 *   transfer.ts), rounds[p][r] = { round, steps, maxSteps, loss, trainSeconds,
 *   trainingExamples, curve (mean loss per window), c2stAccuracy, c2stPValue, mmdPValue?,
 *   energyPValue?, pValue (the round's verdict), heldOutPerEpoch }, and epochs[] = {
 *   population, t, c2stAccuracy, pValue, nTest, nll, distance, nullDistance, mmdStatistic?,
 *   mmdPValue?, energyStatistic?, energyPValue?, tv?, tvJoint?, w2?, meanError?, varianceError? }.
 * - fitSeconds: wall clock of the whole call; trainSeconds/steps: generator training alone;
 *   memoryBytes: population.memoryBytes(); backend: "wasm" or "tensorflow" (tfjs-node).
 * - models: { kind, configs, weights } — what saveGenerator / KnowledgeBase.save store and what
 *   options.warmStart takes back.
 * - fitSummary(fit): the plain JSON object for `mfgym population --json` (memoryBytes,
 *   fitSeconds, consensus, epochs[{ t, c2stAccuracy, pValue, nll, tv | w2, ... }], rounds, ...).
 *
 * CLI mapping: --samples N → numAgents of simulateAgents/simulateContinuous (or makePopulation's
 * numAgents); --save DIR → saveGenerator(DIR, fit.models, { envId, kwargs }); --warm-start DIR →
 * options.warmStart = (await loadGenerator(DIR)).models, or KnowledgeBase(DIR).closest(...).
 *
 * options (GenerativeOptions, all optional): generator 'auto'|'softmax'|'autoregressive'|'mdn'|
 * 'flow'; seed (0); steps (2000, Adam step cap of the first round, early stopping on the
 * training loss: windows of `window` (100) steps, `patience` (3); or stop at `targetLoss`);
 * batchSize (512); learningRate (0.01); embedding (16); hidden (64 finite, 32 continuous); components (4, MDN); layers (4, flow); holdout (0.3, share of each epoch's
 * samples kept for the discriminator and the NLL); alpha (0.05) and maxRounds (3) of the
 * consensus loop (each round tested on its own disjoint slice of the held-out set);
 * discriminator { hidden 32, steps 400, batchSize 256, learningRate 0.01 }; kernelTests (true);
 * refit ('blind' | 'weighted': a rejected round's refit weighted by the discriminator's ratio);
 * correct (false | true | 'auto': only without consensus); correction ('logit' | 'kernel', finite:
 * which correction `correct` applies, see kernel-ratio-correction.ts); exact (per-population flow tables, for TV); closedForm (Gaussian flow, for W2);
 * moreSamples(round) (fresh samples for refits); warmStart (GeneratorModels); onProgress(event)
 * with { stage: 'fit'|'test', population, round, step, totalSteps, loss }; signal (AbortSignal:
 * checked every Adam step; the call rejects with MFG_ERR_GENERATIVE_ABORTED).
 * Finite defaults come from the data (finiteFitSettings, fit-settings.ts): on grids of 128² states
 * and more the autoregressive generator trains on count rows and stops on the NLL of a
 * validation share (`rowTraining`, `validation` 0.1), with hidden 128 from 30,000 training
 * agents per epoch. correctionScale (finite: beta of the correction p·exp(beta·D); default
 * chosen on held-out agents by likelihood, see tempered-correction.ts).
 *
 * Knowledge base: saveGenerator(dir, models, meta) / loadGenerator(dir) (TensorFlow.js
 * model.json + weights.bin, bit-identical round trip), populationFromModels(models), and
 * `new KnowledgeBase(root)` with save(name, models, meta) / entries() / closest({ envId, kwargs,
 * kind?, horizon? }) for warm starts.
 *
 * Importing this module registers the 'generative' kind with makePopulation and
 * makeContinuousPopulation; their `settings` are the options above (plain JSON values plus
 * signal/onProgress), plus `exactTv: true` (finite: compute the tabular flow of the policy for
 * the report's TV). Continuous games under their reference policy feed their exactFlow() to the
 * report (W2, mean and variance errors). The fit is kept on `population.lastFit`.
 */
import { MfgError } from '../../core/errors';
import { meanFieldFlow } from '../../core/tabular/forward-flow';
import { registerContinuousPopulationKind, type ContinuousPopulationBuildContext } from '../make-continuous-population';
import { registerPopulationKind, type PopulationBuildContext } from '../make-population';
import { fitGenerativePopulation, type GenerativeOptions } from './fit-generative-population';
import type { GaussianFlow } from './honesty';

export { loadTf, type TfHandle } from './backend';
export {
  fitGenerativePopulation,
  fitSummary,
  type GenerativeOptions,
  type GenerativeFit,
  type HonestyReport,
  type GeneratorKind,
  type GeneratorModels,
  type GeneratorConfig,
} from './fit-generative-population';
export { GenerativeFinitePopulation, GenerativeContinuousPopulation } from './generative-population';
export type { EpochHonesty, GaussianFlow } from './honesty';
export type { ConsensusRound, ProgressEvent } from './consensus';
export { classifierTwoSampleTest, type C2stResult, type EpochC2st, type DiscriminatorConfig } from './discriminator';
export { KnowledgeBase, saveGenerator, loadGenerator, populationFromModels, kwargsDistance, type GeneratorMetadata, type SavedGenerator, type WarmStartQuery } from './knowledge-base';
export { binomialUpperTail, energyDistance, discreteEnergyDistance, gaussianW2, totalVariation } from './stats';
export { gridTwoSampleTest, pointTwoSampleTest, cauchyCombination, honestyVerdict, type PairTest, type TwoSampleResult, type GridSpec } from './two-sample';
export type { KernelTests } from './consensus';
export type { BaselineReport } from './baseline';
export type { TransferReport } from './transfer';

const NUMBER_SETTINGS = ['steps', 'batchSize', 'learningRate', 'window', 'patience', 'targetLoss', 'embedding', 'hidden', 'components', 'layers', 'holdout', 'alpha', 'maxRounds', 'seed', 'validation', 'correctionScale'] as const;

/** GenerativeOptions from makePopulation's untyped settings (checked at this edge). */
export function optionsFromSettings(settings: Readonly<Record<string, unknown>>): GenerativeOptions {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(settings)) {
    if ((NUMBER_SETTINGS as readonly string[]).includes(k)) {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new MfgError('MFG_ERR_GENERATIVE_BAD_OPTION', `generative setting ${k} must be a number, got ${JSON.stringify(v)}`);
      out[k] = v;
    } else if (k === 'generator') {
      if (!['auto', 'softmax', 'autoregressive', 'mdn', 'flow'].includes(v as string)) {
        throw new MfgError('MFG_ERR_GENERATIVE_BAD_OPTION', `generative setting generator must be auto, softmax, autoregressive, mdn or flow, got ${JSON.stringify(v)}`);
      }
      out[k] = v;
    } else if (k === 'correction') {
      if (v !== 'logit' && v !== 'kernel') throw new MfgError('MFG_ERR_GENERATIVE_BAD_OPTION', `generative setting correction must be logit or kernel, got ${JSON.stringify(v)}`);
      out[k] = v;
    } else if (k === 'refit') {
      if (v !== 'blind' && v !== 'weighted') throw new MfgError('MFG_ERR_GENERATIVE_BAD_OPTION', `generative setting refit must be blind or weighted, got ${JSON.stringify(v)}`);
      out[k] = v;
    } else if (k === 'correct' || k === 'exactTv' || k === 'kernelTests' || k === 'rowTraining') {
      if (typeof v !== 'boolean' && !(k === 'correct' && v === 'auto')) throw new MfgError('MFG_ERR_GENERATIVE_BAD_OPTION', `generative setting ${k} must be a boolean, got ${JSON.stringify(v)}`);
      out[k] = v;
    } else if (['discriminator', 'signal', 'onProgress', 'warmStart', 'exact', 'closedForm', 'moreSamples'].includes(k)) {
      out[k] = v;
    } else {
      throw new MfgError('MFG_ERR_GENERATIVE_BAD_OPTION', `unknown generative setting '${k}'`, { details: { setting: k } });
    }
  }
  return out as GenerativeOptions;
}

async function buildGenerative(ctx: PopulationBuildContext) {
  const { exactTv, ...options } = optionsFromSettings(ctx.settings) as GenerativeOptions & { exactTv?: boolean };
  // exactTv: the report's exact TV needs the tabular flow, the very table a large grid avoids: opt-in.
  const exact = options.exact ?? (exactTv ? meanFieldFlow(ctx.game, ctx.policy) : undefined);
  const fit = await fitGenerativePopulation(ctx.game, ctx.samples(), { ...options, seed: options.seed ?? ctx.rng.nextSeed(), ...(exact ? { exact } : {}) });
  fit.population.lastFit = fit;
  return fit.population;
}

async function buildGenerativeContinuous(ctx: ContinuousPopulationBuildContext) {
  const { exactTv: _unused, ...options } = optionsFromSettings(ctx.settings) as GenerativeOptions & { exactTv?: boolean };
  // The game's Gaussian closed form (when the flow is its reference flow) feeds the report's W2.
  const params = ctx.isReferencePolicy ? ctx.game.exactFlow?.() : undefined;
  const closedForm = options.closedForm ?? (params ? gaussianFlowFromParams(params) : undefined);
  const fit = await fitGenerativePopulation(ctx.game, ctx.samples(), { ...options, seed: options.seed ?? ctx.rng.nextSeed(), ...(closedForm ? { closedForm } : {}) });
  fit.population.lastFit = fit;
  return fit.population;
}

/** A GaussianFlow from per-epoch means and diagonal variances (ContinuousGame.exactFlow). */
export function gaussianFlowFromParams(p: { mean: readonly Float64Array[]; variance: readonly Float64Array[] }): GaussianFlow {
  return {
    mean: (t) => p.mean[t]!,
    covariance: (t) => {
      const v = p.variance[t]!;
      const d = v.length;
      const C = new Float64Array(d * d);
      for (let k = 0; k < d; k++) C[k * d + k] = v[k]!;
      return C;
    },
  };
}

registerPopulationKind('generative', buildGenerative);
registerContinuousPopulationKind('generative', buildGenerativeContinuous);
