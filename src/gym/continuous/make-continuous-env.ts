import type { ContinuousGame, ContinuousPolicy } from '../../core/continuous-game';
import { MfgError } from '../../core/errors';
import { makeContinuousPopulation } from '../../populations/make-continuous-population';
import type { AutoresetMode, MeanFieldMode } from '../modes';
import { offsetSeed } from '../agent-seeds';
import type { ContinuousRefit, ContinuousVectorEnvOptions } from './continuous-env-types';
import { ContinuousVectorEnv } from './continuous-vector-env';
import { checkPositiveInt } from './population-checks';

/** What makeEnv passes on for a continuous game (the continuous subset of MakeEnvOptions). The fields the env
 * takes as they are come from its own options type, so the two cannot drift apart. */
export interface ContinuousMakeOptions
  extends Pick<ContinuousVectorEnvOptions, 'updateEvery' | 'fictitiousParticles' | 'entropySeed' | 'dtype' | 'outOfBounds'> {
  numAgents?: number;
  /** 'exact' (the Gaussian closed form; default where the game has one), 'particles' (default otherwise), 'generative'. */
  population?: string;
  meanField?: MeanFieldMode;
  autoreset?: AutoresetMode;
  /** The policy whose flow is represented (default: the game's reference policy, e.g. LQ's closed-form control). */
  continuousPolicy?: ContinuousPolicy;
  /** Agents simulated for the 'particles' and 'generative' kinds (default 10^4). */
  populationSamples?: number;
  /** Seed of that simulation (default 0). */
  populationSeed?: number;
  /** Kind-specific settings of the population (e.g. the generative fit's steps). */
  populationSettings?: Readonly<Record<string, unknown>>;
  /** KDE centres per epoch (default 2048): of a particles flow, and of the live / fictitious particles. */
  kdePoints?: number;
}

/**
 * Options of the finite env that mean nothing for a continuous game, with the value that
 * means "not asked for": any other value is refused, never silently ignored.
 */
const FINITE_ONLY_DEFAULTS: Readonly<Record<string, unknown>> = {
  policy: undefined,
  populationFeatures: 'none',
  histogramBins: 4,
  agentPopulation: 0,
  illegalActions: 'noop',
  stepping: 'auto',
};

/**
 * Builds a continuous game's vector env (what makeEnv does for a continuous id). Async because a
 * generative population trains its generator before the first step.
 */
export async function makeContinuousEnv(game: ContinuousGame, options: ContinuousMakeOptions & Record<string, unknown> = {}): Promise<ContinuousVectorEnv> {
  for (const [key, none] of Object.entries(FINITE_ONLY_DEFAULTS)) {
    const v = options[key];
    if (v === undefined || v === none) continue;
    throw new MfgError('MFG_ERR_ENV_BAD_OPTION', `option ${key} applies to finite games only; this game is continuous`, { details: { option: key } });
  }
  if (options.kdePoints !== undefined) checkPositiveInt(options.kdePoints, 'kdePoints', 'kde_points');
  const kind = options.population ?? (game.exactFlow ? 'exact' : 'particles');
  const populationOptions = {
    kind,
    ...(options.continuousPolicy ? { policy: options.continuousPolicy } : {}),
    ...(options.populationSamples !== undefined ? { numAgents: options.populationSamples } : {}),
    ...(options.populationSeed !== undefined ? { seed: options.populationSeed } : {}),
    ...(options.populationSettings ? { settings: options.populationSettings } : {}),
    ...(options.kdePoints !== undefined ? { kde: { maxKernelPoints: options.kdePoints } } : {}),
  };
  const population = await makeContinuousPopulation(game, populationOptions);
  // Fictitious play over a fitted representation refits it to each new average (particles and the
  // closed form need none: the average's particles are the particles kind's own form).
  const refit: ContinuousRefit | undefined =
    options.meanField === 'fictitious' && kind !== 'particles' && kind !== 'exact'
      ? (samples, k) => makeContinuousPopulation(game, { ...populationOptions, samples, seed: offsetSeed(options.populationSeed ?? 0, k) })
      : undefined;
  return new ContinuousVectorEnv(game, {
    numAgents: options.numAgents,
    meanField: options.meanField,
    autoreset: options.autoreset,
    population,
    populationKind: kind,
    updateEvery: options.updateEvery,
    fictitiousParticles: options.fictitiousParticles,
    kdePoints: options.kdePoints,
    entropySeed: options.entropySeed,
    dtype: options.dtype,
    outOfBounds: options.outOfBounds,
    ...(refit ? { refit } : {}),
  });
}
