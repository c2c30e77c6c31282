import type { FiniteGame } from '../core/finite-game';
import type { Rng } from '../core/rng';
import { greedyPolicy } from '../core/tabular/best-response';
import type { MfgVectorEnv } from '../gym/vector-env';
import { argmaxLegal, linearSchedule, maxLegal, randomLegal } from './action-choice';
import { ObservationDecoder, playBatch, type BatchStep } from './rollout';

export interface QLearningOptions {
  /** Batches of N agent-episodes to learn from. */
  batches: number;
  /** Exploration: epsilon goes linearly from epsilonStart to epsilonEnd over the batches. */
  epsilonStart: number;
  epsilonEnd: number;
  /**
   * Learning rate of the visit n to (t, s, a): max(lrMin, n^-lrPower). lrPower = 1 averages the
   * targets; below 1 forgets the early targets, which were computed from an unlearnt Q_{t+1}.
   */
  lrPower: number;
  lrMin: number;
}

export const Q_LEARNING_DEFAULTS: QLearningOptions = { batches: 40, epsilonStart: 1, epsilonEnd: 0.05, lrPower: 0.7, lrMin: 0.01 };

/** Tables of a tabular Q-learner: Q_t(s, a) and the visit counts, both [H*S*A]. */
export interface QTable {
  q: Float64Array;
  visits: Float64Array;
}

export function emptyQTable(H: number, S: number, A: number): QTable {
  return { q: new Float64Array(H * S * A), visits: new Float64Array(H * S * A) };
}

/**
 * Tabular Q-learning of a best response against the env's current mean field, from samples
 * only: epsilon-greedy over the N vectorised agents, the finite-horizon target
 *   y = r_t + max_{a' legal} Q_{t+1}(s', a')   (y = r_{H-1} at the last epoch),
 * and Q_t(s, a) += lr(n)·(y - Q_t(s, a)). The table may come from an earlier call (a warm start).
 * Returns the mean return of every batch (the learning curve).
 */
export function learnQBestResponse(env: MfgVectorEnv, table: QTable, options: QLearningOptions, rng: Rng, firstSeed: number | null): number[] {
  const dec = new ObservationDecoder(env);
  const { numStates: S, numActions: A } = dec;
  const SA = S * A;
  const { q, visits } = table;
  const returns: number[] = [];
  for (let b = 0; b < options.batches; b++) {
    const eps = linearSchedule(options.epsilonStart, options.epsilonEnd, Math.max(1, options.batches - 1), b);
    const choose = (t: number, states: Int32Array, mask: Uint8Array, out: Int32Array): void => {
      for (let i = 0; i < states.length; i++) {
        out[i] = rng.random() < eps ? randomLegal(mask, i, A, rng) : argmaxLegal(q, t * SA + states[i]! * A, mask, i * A, A, rng);
      }
    };
    const learn = (st: BatchStep): void => {
      for (let i = 0; i < st.states.length; i++) {
        const j = st.t * SA + st.states[i]! * A + st.actions[i]!;
        const next = st.last ? 0 : maxLegal(q, (st.t + 1) * SA + st.nextStates[i]! * A, st.nextMask, i * A, A);
        const n = (visits[j]! += 1);
        const lr = Math.max(options.lrMin, Math.pow(n, -options.lrPower));
        q[j]! += lr * (st.rewards[i]! + next - q[j]!);
      }
    };
    returns.push(playBatch(env, dec, choose, learn, b === 0 ? firstSeed : null).meanReturn);
  }
  return returns;
}

/** The greedy policy of a Q table (ties uniform over the maximisers, DESIGN §1), population 0. */
export function greedyOfTable(game: FiniteGame, q: Float64Array): Float64Array {
  const pop = game.populations[0]!;
  return greedyPolicy(q, game.horizon, pop.numStates, pop.numActions, pop.legal);
}
