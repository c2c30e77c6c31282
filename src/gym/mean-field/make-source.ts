import type { FiniteGame } from '../../core/finite-game';
import type { FinitePopulationFlow } from '../../populations/population';
import type { MeanFieldMode } from '../modes';
import { FictitiousSource } from './fictitious-source';
import { FixedSource } from './fixed-source';
import { LiveSource } from './live-source';
import type { MeanFieldSource } from './source';

/** The source of a mean-field mode, for the agents of population p, starting from `population`. */
export function makeSource(mode: MeanFieldMode, game: FiniteGame, p: number, population: FinitePopulationFlow, updateEvery: number, numAgents: number): MeanFieldSource {
  if (mode === 'fictitious') return new FictitiousSource(game, p, population, updateEvery, numAgents);
  if (mode === 'live') return new LiveSource(game, p, population);
  return new FixedSource(game, p, population);
}
