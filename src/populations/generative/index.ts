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
 * - report (HonestyReport): consensus (bool), alpha, c2stAccuracy, pValue, combinedPValue,
 *   meanNll, meanTv/maxTv (when options.exact is given), meanW2 (when options.closedForm is
 *   given), rounds[p][r] = { round, steps, maxSteps, loss, trainSeconds, trainingExamples,
 *   curve (mean loss per window), c2stAccuracy, pValue }, and epochs[] = { population, t, c2stAccuracy, pValue, nTest, nll,
 *   distance, nullDistance, tv?, tvJoint?, w2?, meanError?, varianceError? }.
 * - fitSeconds: wall clock of the whole call; trainSeconds/steps: generator training alone;
 *   memoryBytes: population.memoryBytes(); backend: "wasm" or "tensorflow" (tfjs-node).
 * - models: { kind, configs, weights } — what saveGenerator / KnowledgeBase.save store and what
 *   options.warmStart takes back.
 *
 * options (GenerativeOptions, all optional): generator 'auto'|'softmax'|'autoregressive'|'mdn'|
 * 'flow'; seed (0); steps (2000, Adam step cap of the first round, early stopping on the
 * training loss: windows of `window` (100) steps, `patience` (3); or stop at `targetLoss`); batchSize (512); learningRate (0.01); embedding (16); hidden (64 finite, 32
 * continuous); components (4, MDN); layers (4, flow); holdout (0.3, share of each epoch's
 * samples kept for the discriminator and the NLL); alpha (0.05) and maxRounds (3) of the
 * consensus loop; discriminator { hidden 32, steps 400, batchSize 256, learningRate 0.01 };
 * correct (false); exact (per-population flow tables, for TV); closedForm (Gaussian flow, for W2);
 * moreSamples(round) (fresh samples for refits); warmStart (GeneratorModels); onProgress(event)
 * with { stage: 'fit'|'test', population, round, step, totalSteps, loss }; signal (AbortSignal:
 * the fit stops within one window of steps and rejects with MFG_ERR_GENERATIVE_ABORTED).
 *
 * Knowledge base: saveGenerator(dir, models, meta) / loadGenerator(dir) (TensorFlow.js
 * model.json + weights.bin, bit-identical round trip), populationFromModels(models), and
 * `new KnowledgeBase(root)` with save(name, models, meta) / entries() / closest({ envId, kwargs,
 * kind?, horizon? }) for warm starts.
 *
 * Importing this module registers the 'generative' kind with makePopulation; its `settings`
 * are the options above (plain JSON values plus signal/onProgress).
 */
import { MfgError } from '../../core/errors';
import { registerPopulationKind, type PopulationBuildContext } from '../make-population';
import { fitGenerativePopulation, type GenerativeOptions } from './fit-generative-population';

export { loadTf, type TfHandle } from './backend';
export {
  fitGenerativePopulation,
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

const NUMBER_SETTINGS = ['steps', 'batchSize', 'learningRate', 'window', 'patience', 'targetLoss', 'embedding', 'hidden', 'components', 'layers', 'holdout', 'alpha', 'maxRounds', 'seed'] as const;

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
    } else if (k === 'correct') {
      if (typeof v !== 'boolean') throw new MfgError('MFG_ERR_GENERATIVE_BAD_OPTION', `generative setting correct must be a boolean, got ${JSON.stringify(v)}`);
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
  const options = optionsFromSettings(ctx.settings);
  const fit = await fitGenerativePopulation(ctx.game, ctx.samples(), { ...options, seed: options.seed ?? ctx.rng.nextSeed() });
  fit.population.lastFit = fit;
  return fit.population;
}

registerPopulationKind('generative', buildGenerative);
