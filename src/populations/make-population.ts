import { MfgError } from '../core/errors';
import type { FiniteGame } from '../core/finite-game';
import { Rng } from '../core/rng';
import { tabularPolicySource } from '../core/streaming/policy-source';
import { uniformPolicySource } from '../core/streaming/flow-mixture';
import { checkPolicy, uniformPolicy, type TabularPolicy } from '../core/tabular/policy';
import { ExactPopulation } from './exact-population';
import { ParticlePopulation } from './particle-population';
import type { FiniteFlowSamples, FinitePopulationFlow } from './population';
import { KindRegistry } from './kind-registry';
import { simulateAgentsFrom } from './simulate-agents';

/** Default number of simulated agents per population for sample-based kinds. */
export const DEFAULT_NUM_AGENTS = 10_000;

/** What the gym env, the solvers and the CLI ask for: a kind, and the flow of which policy. */
export interface PopulationOptions {
  /** 'exact' | 'particles' | 'generative', or any kind registered with registerPopulationKind. */
  readonly kind: string;
  /** The policy whose flow is represented (default: uniform over legal actions). Checked. */
  readonly policy?: TabularPolicy;
  /** Simulated agents per population for sample-based kinds (default 10^4). */
  readonly numAgents?: number;
  /** Seed of the simulation (default 0). */
  readonly seed?: number;
  /** Fit to these samples (e.g. the states a gym env's agents visited) instead of simulating. */
  readonly samples?: FiniteFlowSamples;
  /** Kind-specific settings (e.g. the generator's training budget), passed through untouched. */
  readonly settings?: Readonly<Record<string, unknown>>;
}

/** What a builder receives: options resolved, and the Monte Carlo samples on demand. */
export interface PopulationBuildContext {
  readonly game: FiniteGame;
  readonly policy: TabularPolicy;
  readonly numAgents: number;
  /** Seeded from options.seed; builders draw every random number they need from it. */
  readonly rng: Rng;
  readonly settings: Readonly<Record<string, unknown>>;
  /** options.samples when given, else numAgents agents simulated under policy (simulateAgentsFrom; no table for the uniform default). */
  samples(): FiniteFlowSamples;
}

/** Builds one kind of population. May be async (a generator trains in TensorFlow.js). */
export type PopulationBuilder = (ctx: PopulationBuildContext) => FinitePopulationFlow | Promise<FinitePopulationFlow>;

/**
 * The finite kinds. 'generative' is loaded on first use and registers itself then
 * (src/populations/generative/index.ts calls registerPopulationKind('generative', ...)).
 */
const registry = new KindRegistry<PopulationBuildContext, FinitePopulationFlow>(
  { kind: 'population kind', forGames: '', asyncFactory: 'makePopulation' },
  { generative: './generative/index' },
);

/** The hook for new kinds (the generative population registers itself here). */
export function registerPopulationKind(kind: string, builder: PopulationBuilder, options: { replace?: boolean } = {}): void {
  registry.register(kind, builder, options);
}

/** Kinds available now (lazily loaded kinds appear once loaded). */
export function populationKinds(): string[] {
  return registry.kinds();
}

/** Builds a population of any registered kind, loading lazy kinds (generative) on first use. */
export async function makePopulation(game: FiniteGame, options: PopulationOptions): Promise<FinitePopulationFlow> {
  return registry.build(options.kind, () => buildContext(game, options));
}

/**
 * The synchronous form, for kinds whose builder is synchronous (exact, particles): the gym
 * env's reset does not need to await. Asking it for an async kind is an error that says so.
 */
export function makePopulationSync(game: FiniteGame, options: PopulationOptions): FinitePopulationFlow {
  return registry.buildSync(options.kind, () => buildContext(game, options));
}

function buildContext(game: FiniteGame, options: PopulationOptions): PopulationBuildContext {
  const numAgents = options.numAgents ?? DEFAULT_NUM_AGENTS;
  if (!Number.isInteger(numAgents) || numAgents < 1) {
    throw new MfgError('MFG_ERR_POPULATION_BAD_PARAM', `numAgents must be a positive integer, got ${String(numAgents)}`, { details: { numAgents } });
  }
  if (options.policy) checkPolicy(game, options.policy);
  // Built on first use only: fitting given samples over a large grid never needs the H·S·A table.
  let policy: TabularPolicy | null = options.policy ?? null;
  const policyOf = (): TabularPolicy => (policy ??= uniformPolicy(game));
  const rng = new Rng(options.seed ?? 0);
  let cached: FiniteFlowSamples | null = options.samples ?? null;
  return {
    game,
    get policy() {
      return policyOf();
    },
    numAgents,
    rng,
    settings: options.settings ?? {},
    // The uniform policy is simulated from one S·A epoch (uniformPolicySource), never as a table.
    samples: () => (cached ??= simulateAgentsFrom(game, policy !== null ? tabularPolicySource(game, policy) : uniformPolicySource(game), numAgents, rng)),
  };
}

registerPopulationKind('exact', (ctx) => ExactPopulation.fromPolicy(ctx.game, ctx.policy));
registerPopulationKind('particles', (ctx) => ParticlePopulation.fromSamples(ctx.game, ctx.samples()));
