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
export { declarativeGame, declarativeGameSpec, DECLARATIVE_GAME_SCHEMA, type DeclarativeGameDocument } from './registry/declarative-game';
export { SOLVERS, solverNames, solverDefinition, createSolver, runSolver, resolveParams } from './solvers/index';
export type { Solver, SolverRun, SolverDefinition, SolverParams, SolverOptions, RunSolverOptions, SolverResult, IterationProgress, StopReason } from './solvers/index';
export { GD_SOLVERS, runGdMfrl, type GdMfrlOptions, type GdMfrlResult } from './solvers/gd-mfrl';
export { LEARNING_SOLVERS, learningSolverNames, type LearningSolverDefinition } from './learning/learning-solvers';
export { runLearningSolver, type RunLearningOptions } from './learning/run-learning';
export type { LearningResult, LearningCurves } from './learning/learning-result';
export type { FinitePopulationFlow, PopulationKind, FiniteFlowSamples, ContinuousFlowSamples, ContinuousPopulationFlow } from './populations/population';
export { makePopulation, makePopulationSync, registerPopulationKind, populationKinds, type PopulationOptions } from './populations/make-population';
export { makeContinuousPopulation, makeContinuousPopulationSync, registerContinuousPopulationKind, continuousPopulationKinds } from './populations/make-continuous-population';
export { ExactPopulation } from './populations/exact-population';
export { ParticlePopulation } from './populations/particle-population';
export { simulateAgents } from './populations/simulate-agents';
export { ContinuousParticles, ContinuousParticleFlow } from './populations/continuous-particles';
export { GaussianPopulation, gaussianW2, w2ToGaussian } from './populations/gaussian-population';
export { simulateContinuous, passivePolicy } from './populations/simulate-continuous';
export { lqEta, lqClosedForm, lqEquilibriumPolicy } from '../envs/linear-quadratic-continuous';
export { MfgVectorEnv, MfgEnv, makeEnv, makeAnyEnv, makeSingleEnv, makeEnvWithKwargs, MEAN_FIELD_MODES, AUTORESET_MODES, ContinuousVectorEnv, makeContinuousEnv } from './gym/index';
export type { VectorEnvOptions, VectorInfos, ResetResult, StepResult, ResetOptions, PopulationUpdateResult, PopulationReport, MakeEnvOptions, MeanFieldMode, AutoresetMode } from './gym/index';
export type { AnyVectorEnv, ContinuousEnvId, ContinuousVectorEnvOptions, ContinuousDtype, OutOfBoundsMode, ContinuousInfos, ContinuousResetResult, ContinuousStepResult, ContinuousPopulationReport } from './gym/index';
export { MfgServer, DEFAULT_BIND, DEFAULT_LIMITS, PROTOCOL_VERSION, type ServerOptions, type ServerLimits } from './server/index';

registerBuiltinEnvs();
