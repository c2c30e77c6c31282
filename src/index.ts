/**
 * mfgym: Mean Field Game environments for reinforcement learning.
 * Importing the package registers the built-in environments (as importing gymnasium does).
 */
import { registerBuiltinEnvs } from '../envs/index';

export { MfgError, ERROR_CODES, type ErrorCode, isMfgError } from './core/errors';
export { Rng, MAX_SEED, checkSeed } from './core/rng';
export * from './core/spaces/index';
export type { FiniteGame, FinitePopulation, SparseKernel, MeanFieldAt, MeanFieldQuery } from './core/finite-game';
export type { ContinuousGame, ContinuousMeanField } from './core/continuous-game';
export type { Game } from './core/game';
export { isFiniteGame } from './core/game';
export { buildKernel, denseKernel, deterministicKernel, checkKernel } from './core/kernel';
export { singlePopulationGame, stateMarginal, type SinglePopulationDefinition } from './core/single-population-game';
export * from './core/tabular/index';
export { register, unregister, spec, list, makeGame, resolveKwargs } from './registry/registry';
export type { EnvSpec, EnvSpecJSON, KwargsSchema } from './registry/env-spec';
export { parseEnvId, formatEnvId, type EnvId } from './registry/env-id';
export { loadEnvModule } from './registry/load-module';
export { MfgVectorEnv, MfgEnv, makeEnv, makeSingleEnv, makeEnvWithKwargs, MEAN_FIELD_MODES, AUTORESET_MODES } from './gym/index';
export type { VectorEnvOptions, VectorInfos, ResetResult, StepResult, ResetOptions, PopulationUpdateResult, PopulationReport, MakeEnvOptions, MeanFieldMode, AutoresetMode } from './gym/index';
export { MfgServer, DEFAULT_BIND, DEFAULT_LIMITS, PROTOCOL_VERSION, type ServerOptions, type ServerLimits } from './server/index';

registerBuiltinEnvs();
