import type { ContinuousGame, ContinuousMeanField } from '../../core/continuous-game';
import { MfgError } from '../../core/errors';
import { makeContinuousPopulationSync } from '../../populations/make-continuous-population';
import type { ContinuousPopulationFlow } from '../../populations/population';

/** options.x must be a positive integer (MFG_ERR_ENV_BAD_OPTION naming the wire option otherwise). */
export function checkPositiveInt(x: number, name: string, wire: string): number {
  if (!Number.isInteger(x) || x < 1) throw new MfgError('MFG_ERR_ENV_BAD_OPTION', `${name} must be a positive integer, got ${x}`, { details: { option: wire, value: x } });
  return x;
}

/** The default flow: the game's exact Gaussian flow where it has one, else particles of its reference policy. */
export function defaultPopulation(game: ContinuousGame): ContinuousPopulationFlow {
  return makeContinuousPopulationSync(game, { kind: game.exactFlow ? 'exact' : 'particles' });
}

/** The population must answer what the game reads (a density for CrowdAversionND, samples for Flocking). */
export function checkProvides(game: ContinuousGame, mf: ContinuousMeanField, kind: string): void {
  for (const need of game.needs) {
    const ok = need === 'mean' ? typeof mf.mean === 'function' : need === 'logDensity' ? typeof mf.logDensity === 'function' : typeof mf.samples === 'function';
    if (!ok) {
      throw new MfgError('MFG_ERR_GAME_UNSUPPORTED', `this game needs the population's ${need}, which the '${kind}' population does not provide`, { details: { need, population: kind } });
    }
  }
}
