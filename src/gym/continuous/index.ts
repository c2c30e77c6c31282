export { ContinuousVectorEnv } from './continuous-vector-env';
export { makeContinuousEnv, type ContinuousMakeOptions } from './make-continuous-env';
export {
  CONTINUOUS_DTYPES,
  OUT_OF_BOUNDS_MODES,
  DEFAULT_FICTITIOUS_PARTICLES,
  type ContinuousDtype,
  type OutOfBoundsMode,
  type ContinuousVectorEnvOptions,
  type ContinuousInfos,
  type ContinuousResetResult,
  type ContinuousStepResult,
  type ContinuousPopulationReport,
} from './continuous-env-types';
export { continuousObservationSpace, continuousActionSpace } from './continuous-layout';
