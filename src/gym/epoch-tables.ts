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
 * Reward tables and kernels of population p against a population flow. Representations that
 * hold a table (exact) give L_t directly; the others are read through the game's rewardAt and
 * need dynamics that ignore the mean field.
 */
export function epochTables(game: FiniteGame, population: FinitePopulationFlow, p = 0): EpochTables {
  const H = game.horizon;
  const pop = game.populations[p]!;
  const SA = pop.numStates * pop.numActions;
  const rewards: Float64Array[] = [];
  const kernels: SparseKernel[] = [];
  let zeros: MeanFieldAt | null = null;
  for (let t = 0; t < H; t++) {
    const L = population.meanFieldAt(t);
    const r = new Float64Array(SA);
    if (L !== null) {
      game.reward(p, t, L, r);
      if (t + 1 < H) kernels.push(game.transition(p, t, L));
    } else {
      if (!game.rewardAt || game.dynamicsDependOnMeanField) {
        throw new MfgError('MFG_ERR_GAME_UNSUPPORTED', `a ${population.kind} population gives no mean-field table, and this game needs one (it lacks rewardAt or its dynamics read the mean field)`, {
          details: { population: population.kind },
        });
      }
      const q = population.query(t);
      const A = pop.numActions;
      for (let s = 0; s < pop.numStates; s++) for (let a = 0; a < A; a++) r[s * A + a] = game.rewardAt(p, t, s, a, q);
      // The dynamics ignore L here, so any table of the right shape will do.
      zeros ??= game.populations.map((q2) => new Float64Array(q2.numStates * q2.numActions));
      if (t + 1 < H) kernels.push(game.transition(p, t, zeros));
    }
    rewards.push(r);
  }
  return { rewards, kernels };
}
