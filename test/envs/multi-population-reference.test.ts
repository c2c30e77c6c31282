import { expect } from 'chai';
import { registerBuiltinEnvs } from '../../envs/index';
import type { FiniteGame } from '../../src/core/finite-game';
import { evaluatePolicy, uniformPolicy, type TabularPolicy } from '../../src/core/tabular/index';
import { makeGame } from '../../src/registry/registry';

registerBuiltinEnvs();

/**
 * Golden values printed by `python3 test/envs/multi-population-reference.py`, an independent
 * implementation written from OpenSpiel's state machines (positions as (x, y), routing vehicles as
 * (location, waiting, arrival) tuples through decision and mean-field nodes; no code shared with
 * envs/). Columns: env, kwargs, exploitability of the uniform and of the structured policy.
 */
const GRID_GOLDEN: [string, Record<string, unknown>, number, number][] = [
  ['PredatorPrey-v0', { H: 4 }, 10.031701110358158, 12.850151114570924],
  ['PredatorPrey-v0', { populations: 4, H: 3, size: 4 }, 6.904676174923882, 7.765654424416756],
  ['PredatorPrey-v0', { H: 3, geometry: 'torus', noise_probability: 0.3 }, 2.799077234633784, 5.827991015431478],
  ['CrowdAvoidance-v0', {}, 6.246308932126049, 6.268935815862767],
  ['CrowdAvoidance-v0', { coef_congestion: 1.5, proba_noise: 0.2, H: 6 }, 1.5658510129484873, 1.5364618066681945],
];
/** Routing adds each policy's value (minus its expected travel time). */
const ROUTING_GOLDEN: [Record<string, unknown>, number, number, number, number][] = [
  [{}, 0.0, 0.8163265306122449, -3.5, -3.316326530612245],
  [{ max_num_time_step: 30, time_step_length: 0.2 }, 0.5500000000000003, 1.04, -3.3500000000000005, -3.4400000000000004],
  [{ max_num_time_step: 100, time_step_length: 0.05 }, 0.5, 0.9214285714285708, -3.5, -3.571428571428571],
  [{ network: 'line' }, 0.0, 0.0, -2.0, -2.0],
];

/**
 * pi_t(a | s) of population p proportional to 1 + ((t + 2k + 3a + p) mod 5) on legal actions, as
 * in the Python reference: k = key(s), the cell for grids, the link for routing.
 */
function structuredPolicy(game: FiniteGame, key: (s: number) => number): TabularPolicy {
  return game.populations.map((pop, p) => {
    const { numStates: S, numActions: A, legal } = pop;
    const pi = new Float64Array(game.horizon * S * A);
    for (let t = 0; t < game.horizon; t++) {
      for (let s = 0; s < S; s++) {
        const row = (t * S + s) * A;
        let total = 0;
        for (let a = 0; a < A; a++) {
          pi[row + a] = legal === null || legal[s * A + a] === 1 ? 1 + ((t + 2 * key(s) + 3 * a + p) % 5) : 0;
          total += pi[row + a]!;
        }
        for (let a = 0; a < A; a++) pi[row + a]! /= total;
      }
    }
    return pi;
  });
}

const tol = (v: number): number => 1e-12 * Math.max(1, Math.abs(v));

describe('OpenSpiel-family games against an independent implementation (test/envs/multi-population-reference.py)', () => {
  for (const [id, kwargs, uniform, structured] of GRID_GOLDEN) {
    it(`${id} ${JSON.stringify(kwargs)}: uniform ${uniform.toPrecision(6)}, structured ${structured.toPrecision(6)}`, () => {
      const game = makeGame(id, kwargs) as FiniteGame;
      expect(evaluatePolicy(game, uniformPolicy(game)).exploitability).to.be.closeTo(uniform, tol(uniform));
      expect(evaluatePolicy(game, structuredPolicy(game, (s) => s)).exploitability).to.be.closeTo(structured, tol(structured));
    });
  }
  for (const [kwargs, uniform, structured, uniformValue, structuredValue] of ROUTING_GOLDEN) {
    it(`DynamicRouting-v0 ${JSON.stringify(kwargs)}: uniform ${uniform.toPrecision(6)}, structured ${structured.toPrecision(6)}`, () => {
      const game = makeGame('DynamicRouting-v0', kwargs) as FiniteGame;
      // States are (destination, link, waiting) row-major plus "done": the link of s.
      const { numStates: S, numActions: A } = game.populations[0]!;
      const links = A - 1;
      const waits = (S - 1) / links;
      const u = evaluatePolicy(game, uniformPolicy(game));
      const st = evaluatePolicy(game, structuredPolicy(game, (s) => Math.floor(s / waits) % links));
      expect(u.exploitability).to.be.closeTo(uniform, tol(uniform));
      expect(st.exploitability).to.be.closeTo(structured, tol(structured));
      expect(u.policyValue).to.be.closeTo(uniformValue, tol(uniformValue));
      expect(st.policyValue).to.be.closeTo(structuredValue, tol(structuredValue));
    });
  }
});
