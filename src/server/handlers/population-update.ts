import type { Handler } from '../handler-context';

/** fictitious mode: one FP averaging step of the flow from the recorded visits. */
export const populationUpdate: Handler = (req, ctx) => {
  const env = ctx.sessions.env(ctx.session, req.handle as string);
  const u = env.updatePopulation();
  return { iteration: u.iteration, weight: u.weight, samples: u.samples, episodes: u.episodes };
};
