export { MfgVectorEnv, type VectorEnvOptions, type VectorInfos, type ResetResult, type StepResult, type ResetOptions, type PopulationUpdateResult, type PopulationReport } from './vector-env';
export { makeEnv, makeEnvWithKwargs, type MakeEnvOptions, type MadeEnv } from './make-env';
export { type MeanFieldMode, type AutoresetMode, MEAN_FIELD_MODES, AUTORESET_MODES } from './modes';
export { observationSpace, actionSpace, stateCoordinates } from './observation-layout';
export { fictitiousUpdate } from './fictitious-update';
export { epochTables, type EpochTables } from './epoch-tables';
export { MfgEnv, makeSingleEnv, type SingleStepResult } from './single-agent-env';
export { FeatureMap, POPULATION_FEATURES, type PopulationFeatures } from './population-features';
