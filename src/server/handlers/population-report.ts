import type { Handler } from '../handler-context';
import { float64ToWire } from '../wire-array';
import { ContinuousVectorEnv } from '../../gym/continuous/continuous-vector-env';
import { continuousReport } from './continuous-wire';

export const populationReport: Handler = (req, ctx) => {
  const env = ctx.sessions.env(ctx.session, req.handle as string);
  if (env instanceof ContinuousVectorEnv) return continuousReport(env);
  const r = env.report();
  return {
    mean_field: r.meanField,
    population: r.population,
    iteration: r.iteration,
    episodes: r.episodes,
    samples: r.samples,
    horizon: r.horizon,
    num_states: r.numStates,
    mu: float64ToWire(r.mu, [r.horizon, r.numStates]),
  };
};
