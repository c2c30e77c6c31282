import type { ContinuousGame } from './continuous-game';
import type { FiniteGame } from './finite-game';

/** Any mean-field game mfgym knows: finite (tabular) or continuous. */
export type Game = FiniteGame | ContinuousGame;

export function isFiniteGame(g: Game): g is FiniteGame {
  return g.kind === 'finite';
}
