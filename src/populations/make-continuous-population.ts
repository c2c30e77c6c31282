import type { ContinuousGame, ContinuousPolicy } from '../core/continuous-game';
import { MfgError } from '../core/errors';
import { Rng } from '../core/rng';
import { ContinuousParticleFlow, type KdeOptions } from './continuous-particles';
import { GaussianPopulation } from './gaussian-population';
import { DEFAULT_NUM_AGENTS } from './make-population';
import type { ContinuousFlowSamples, ContinuousPopulationFlow } from './population';
import { passivePolicy, simulateContinuous } from './simulate-continuous';
import { KindRegistry } from './kind-registry';

/** What the gym env, the CLI and the benches ask for of a continuous game. */
export interface ContinuousPopulationOptions {
  /** 'exact' (a Gaussian closed form, where the game has one) | 'particles' | 'generative' | registered. */
  readonly kind: string;
  /** The policy whose flow is represented (default: the game's referencePolicy, else a = 0). */
  readonly policy?: ContinuousPolicy;
  /** Simulated agents for sample-based kinds (default 10^4). */
  readonly numAgents?: number;
  /** Seed of the simulation (default 0). */
  readonly seed?: number;
  /** Fit to these samples instead of simulating. */
  readonly samples?: ContinuousFlowSamples;
  /** The particles' KDE (cap on kernel centres). */
  readonly kde?: KdeOptions;
  /** Kind-specific settings, passed through untouched. */
  readonly settings?: Readonly<Record<string, unknown>>;
}

export interface ContinuousPopulationBuildContext {
  readonly game: ContinuousGame;
  readonly policy: ContinuousPolicy;
  /** True when no policy was given, i.e. the flow is the game's reference flow. */
  readonly isReferencePolicy: boolean;
  readonly numAgents: number;
  readonly rng: Rng;
  readonly kde: KdeOptions;
  readonly settings: Readonly<Record<string, unknown>>;
  /** options.samples when given, else numAgents agents simulated under policy (the N-player flow). */
  samples(): ContinuousFlowSamples;
}

export type ContinuousPopulationBuilder = (ctx: ContinuousPopulationBuildContext) => ContinuousPopulationFlow | Promise<ContinuousPopulationFlow>;

/** As for finite games: the generative module registers its continuous kind when loaded. */
const registry = new KindRegistry<ContinuousPopulationBuildContext, ContinuousPopulationFlow>(
  { kind: 'continuous population kind', forGames: ' for a continuous game', asyncFactory: 'makeContinuousPopulation' },
  { generative: './generative/index' },
);

export function registerContinuousPopulationKind(kind: string, builder: ContinuousPopulationBuilder, options: { replace?: boolean } = {}): void {
  registry.register(kind, builder, options);
}

export function continuousPopulationKinds(): string[] {
  return registry.kinds();
}

export async function makeContinuousPopulation(game: ContinuousGame, options: ContinuousPopulationOptions): Promise<ContinuousPopulationFlow> {
  return registry.build(options.kind, () => buildContext(game, options));
}

/** For synchronous kinds (exact, particles); an async kind is an error that says to await. */
export function makeContinuousPopulationSync(game: ContinuousGame, options: ContinuousPopulationOptions): ContinuousPopulationFlow {
  return registry.buildSync(options.kind, () => buildContext(game, options));
}

function buildContext(game: ContinuousGame, options: ContinuousPopulationOptions): ContinuousPopulationBuildContext {
  const numAgents = options.numAgents ?? DEFAULT_NUM_AGENTS;
  if (!Number.isInteger(numAgents) || numAgents < 1) {
    throw new MfgError('MFG_ERR_POPULATION_BAD_PARAM', `numAgents must be a positive integer, got ${String(numAgents)}`, { details: { numAgents } });
  }
  const policy = options.policy ?? game.referencePolicy ?? passivePolicy(game);
  const rng = new Rng(options.seed ?? 0);
  const kde = options.kde ?? {};
  let cached: ContinuousFlowSamples | null = options.samples ?? null;
  return {
    game,
    policy,
    isReferencePolicy: options.policy === undefined,
    numAgents,
    rng,
    kde,
    settings: options.settings ?? {},
    samples: () => (cached ??= simulateContinuous(game, policy, numAgents, rng, kde)),
  };
}

registerContinuousPopulationKind('particles', (ctx) => new ContinuousParticleFlow(ctx.samples(), ctx.kde));
registerContinuousPopulationKind('exact', (ctx) => {
  if (!ctx.game.exactFlow || !ctx.isReferencePolicy) {
    throw new MfgError(
      'MFG_ERR_POPULATION_UNKNOWN_KIND',
      ctx.game.exactFlow
        ? "the exact flow of this continuous game is known only under its reference policy: drop the policy, or use 'particles' or 'generative'"
        : "this continuous game has no closed-form flow: use 'particles' or 'generative'",
    );
  }
  return new GaussianPopulation(ctx.game.exactFlow());
});
