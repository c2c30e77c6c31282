import { ContinuousVectorEnv } from '../../gym/continuous/continuous-vector-env';
import type { Handler } from '../handler-context';

/**
 * fictitious mode: one FP averaging step of the flow from the recorded visits; a continuous
 * generative population is then refitted to the new average (awaited: the reply says when the fit
 * is in place, and how long it took).
 */
export const populationUpdate: Handler = async (req, ctx) => {
  const env = ctx.sessions.env(ctx.session, req.handle as string);
  const u = env instanceof ContinuousVectorEnv ? await env.updatePopulationAsync() : env.updatePopulation();
  return {
    iteration: u.iteration,
    weight: u.weight,
    samples: u.samples,
    episodes: u.episodes,
    ...(u.refit ? { refit_kind: u.refit.kind, refit_seconds: u.refit.seconds } : {}),
  };
};
