import { expect } from 'chai';
import type { FiniteGame } from '../../src/core/finite-game';
import { evaluatePolicy, uniformPolicy, type TabularPolicy } from '../../src/core/tabular/index';
import { makeGame } from '../../src/registry/registry';
import '../../src/index';

/**
 * Golden values: exploitability of the uniform and the "structured" policy, printed by
 * `python3 test/envs/dense-reference.py`, an independent dense numpy implementation written
 * from DESIGN §2 alone (no code shared with envs/). Columns: env, kwargs, uniform, structured.
 */
const GOLDEN: [string, Record<string, unknown>, number, number][] = [
  ['RockPaperScissors-v0', {}, 0.33333333333333337, 2.142857142857143],
  ['RockPaperScissors-v0', {"H": 4}, 1.0000000000000004, 3.321190629346185],
  ['SusceptibleInfected-v0', {}, 5.466873913228525, 5.1655039499943385],
  ['BeachBar-v0', {}, 1.22126225529653, 1.1780585539470028],
  ['BeachBar-v0', {"n": 7, "bar": 0, "H": 5, "p_still": 0.2}, 3.0903703642400426, 3.169618353379289],
  ['ConservativeTreasureHunting-v0', {}, 1.851851851851852, 1.7863962382422311],
  ['ConservativeTreasureHunting-v0', {"n": 4, "H": 4, "r": [1, 2, 0.5, 3], "c": [0.5, 2, 0]}, 2.956818953804348, 2.9022931784395065],
  ['LinearQuadratic-v0', {}, 2.1381226265902216, 1.765583073912564],
  ['LinearQuadratic-v0', {"el": 3, "m": 2, "sigma": 0.5, "delta": 0.25, "k": 0, "q": 0.1, "kappa": 0.7, "c_term": 2, "H": 6}, 4.258881170276323, 4.226800709035823],
  ['LinearQuadratic-v0', {"el": 4, "m": 1, "sigma": 1, "delta": 0.25, "k": 0.5, "H": 5}, 1.2059194700851723, 1.3167933936091014],
  ['EquilibriumPrice-v0', {}, 22.215185693237814, 22.302731225555803],
  ['EquilibriumPrice-v0', {"s_inv": 4, "Q": 3, "Hr": 1, "d": 2, "e0": 0.5, "sigma": 2, "c": [0.3, 0.2, 0.1, 0.4, 0.05], "H": 4}, 1.9861718750000001, 1.970066511161778],
  ['BuildingEvacuation-v0', {}, 0.32126509367463285, 0.8945538933934643],
  ['BuildingEvacuation-v0', {"floors": 3, "L": 2, "W": 3, "H": 6, "eta": 0.7, "evac_r": 3}, 6.3593336090190675, 6.454183620931069],
  ['CrowdMotion-v0', {"barPath": [[10, 10], [10, 10], [9, 11], [9, 11]]}, 1.4674829515747163, 1.4705318200854194],
  ['CrowdMotion-v0', {"l": 4, "w": 3, "H": 5, "c": 2, "p_still": 0.3, "barPath": [[0, 0], [1, 2], [3, 1], [2, 2], [0, 1]]}, 1.0432142105342948, 1.1430098138422657],
];

/** pi_t(a | s) proportional to 1 + ((t + 2s + 3a) mod 5), as in dense-reference.py. */
function structuredPolicy(game: FiniteGame): TabularPolicy {
  const { numStates: S, numActions: A } = game.populations[0]!;
  const pi = new Float64Array(game.horizon * S * A);
  for (let t = 0; t < game.horizon; t++) {
    for (let s = 0; s < S; s++) {
      const row = (t * S + s) * A;
      let total = 0;
      for (let a = 0; a < A; a++) {
        pi[row + a] = 1 + ((t + 2 * s + 3 * a) % 5);
        total += pi[row + a]!;
      }
      for (let a = 0; a < A; a++) pi[row + a]! /= total;
    }
  }
  return [pi];
}

describe('MFGLib-family games against an independent dense implementation (test/envs/dense-reference.py)', () => {
  for (const [id, kwargs, uniform, structured] of GOLDEN) {
    it(`${id} ${JSON.stringify(kwargs)}: uniform ${uniform.toPrecision(6)}, structured ${structured.toPrecision(6)}`, () => {
      const game = makeGame(id, kwargs) as FiniteGame;
      const tol = (v: number): number => 1e-12 * Math.max(1, Math.abs(v));
      expect(evaluatePolicy(game, uniformPolicy(game)).exploitability).to.be.closeTo(uniform, tol(uniform));
      expect(evaluatePolicy(game, structuredPolicy(game)).exploitability).to.be.closeTo(structured, tol(structured));
    });
  }
});
