import type { FiniteGame } from '../core/finite-game';
import { greedyPolicy, softmaxPolicy, type TabularPolicy, type TieBreak } from '../core/tabular/index';

/**
 * The best response the FP-family solvers use, per population, from Q* against the current
 * flow: greedy (temperature 0) with exact ties split by `tieBreak` (uniform by default, DESIGN §1;
 * 'first' is OpenSpiel's argmax), or
 * softmax(Q* / temperature) over legal actions (a regularised best response, OpenSpiel's
 * softmax_policy). Writes into `out` when given (a solver reusing its buffers).
 */
export function bestResponse(game: FiniteGame, qStar: readonly Float64Array[], temperature: number, out?: TabularPolicy, tieBreak: TieBreak = 'uniform'): TabularPolicy {
  return game.populations.map((pop, p) => {
    const { numStates: S, numActions: A, legal } = pop;
    const buffer = (out?.[p] ?? new Float64Array(game.horizon * S * A)) as Float64Array<ArrayBuffer>;
    return temperature === 0
      ? greedyPolicy(qStar[p]!, game.horizon, S, A, legal, buffer, tieBreak)
      : softmaxPolicy(qStar[p]!, 1 / temperature, game.horizon, S, A, legal, buffer);
  });
}
