import { MfgError } from '../core/errors';
import type { FiniteGame, MeanFieldAt, SparseKernel } from '../core/finite-game';
import type { FinitePopulationFlow } from '../populations/population';

/**
 * What the step loop reads for population p against a fixed flow: r_t(s, a; L_t) and
 * P_t(. | s, a; L_t) for every epoch, computed once per flow (this is what makes stepping
 * 65536 agents a table lookup per agent).
 */
export interface EpochTables {
  /** rewards[t][s*A + a], t = 0..H-1. */
  readonly rewards: Float64Array[];
  /** kernels[t], t = 0..H-2. */
  readonly kernels: SparseKernel[];
}

/**
 * r_t(s, a) of population p at epoch t into out (length S·A), and P_t when t < H-1. A
 * representation that holds a table (exact) gives L_t directly; the others are read through
 * the game's rewardAt and need dynamics that ignore the mean field.
 */
export function epochRewardsAndKernel(game: FiniteGame, population: FinitePopulationFlow, p: number, t: number, out: Float64Array, withKernel: boolean): SparseKernel | null {
  const pop = game.populations[p]!;
  const L = population.meanFieldAt(t);
  if (L !== null) {
    game.reward(p, t, L, out);
    return withKernel && t + 1 < game.horizon ? game.transition(p, t, L) : null;
  }
  checkReadableWithoutTable(game, population);
  const q = population.query(t);
  const A = pop.numActions;
  for (let s = 0; s < pop.numStates; s++) for (let a = 0; a < A; a++) out[s * A + a] = game.rewardAt!(p, t, s, a, q);
  return withKernel && t + 1 < game.horizon ? staticKernel(game, p, t) : null;
}

/** The kernel of a game whose dynamics ignore L: any table of the right shape will do. */
export function staticKernel(game: FiniteGame, p: number, t: number): SparseKernel {
  const zeros: MeanFieldAt = game.populations.map((q) => new Float64Array(q.numStates * q.numActions));
  return game.transition(p, t, zeros);
}

/** The error of a population that gives no table to a game that needs one. */
export function checkReadableWithoutTable(game: FiniteGame, population: FinitePopulationFlow): void {
  if (!game.rewardAt || game.dynamicsDependOnMeanField) {
    throw new MfgError('MFG_ERR_GAME_UNSUPPORTED', `a ${population.kind} population gives no mean-field table, and this game needs one (it lacks rewardAt or its dynamics read the mean field)`, {
      details: { population: population.kind },
    });
  }
}

/** Reward tables and kernels of population p against a population flow, every epoch at once. */
export function epochTables(game: FiniteGame, population: FinitePopulationFlow, p = 0): EpochTables {
  const H = game.horizon;
  const pop = game.populations[p]!;
  const SA = pop.numStates * pop.numActions;
  const rewards: Float64Array[] = [];
  const kernels: SparseKernel[] = [];
  for (let t = 0; t < H; t++) {
    const r = new Float64Array(SA);
    const k = epochRewardsAndKernel(game, population, p, t, r, true);
    if (k !== null) kernels.push(k);
    rewards.push(r);
  }
  return { rewards, kernels };
}
