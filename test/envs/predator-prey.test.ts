import { expect } from 'chai';
import { moveDestination } from '../../envs/multi-population-grid';
import { predatorPrey } from '../../envs/predator-prey';
import { MfgError } from '../../src/core/errors';
import { makeGame } from '../../src/registry/registry';
import { createSolver, runSolver } from '../../src/solvers/index';
import { expectKwargsError, finiteEnvInvariants, prob } from './finite-env-invariants';

const A = 5;

/** Joint tables L_t with each population's mass at the cells of `grids` (rows y, columns x), on action 0. */
function tables(grids: number[][][]): Float64Array[] {
  return grids.map((g) => {
    const size = g.length;
    const L = new Float64Array(size * size * A);
    g.forEach((row, y) => row.forEach((m, x) => (L[(y * size + x) * A] = m)));
    return L;
  });
}

describe('PredatorPrey-v0', () => {
  finiteEnvInvariants('PredatorPrey-v0', () => predatorPrey());
  finiteEnvInvariants('PredatorPrey-v0 populations=4 H=6', () => predatorPrey({ populations: 4, H: 6 }));
  finiteEnvInvariants('PredatorPrey-v0 torus 4x4', () => predatorPrey({ size: 4, geometry: 'torus', H: 4 }));

  it("OpenSpiel's settings: 3 populations with H = 10 and the corners (0,0), (4,0), (0,4); 4 with H = 20", () => {
    const g3 = makeGame('PredatorPrey-v0') as ReturnType<typeof predatorPrey>;
    expect(g3.horizon).to.equal(10);
    expect(g3.populations.map((p) => p.mu0.indexOf(1))).to.deep.equal([0, 4, 20]);
    const g4 = makeGame('PredatorPrey-v0', { populations: 4 }) as ReturnType<typeof predatorPrey>;
    expect(g4.horizon).to.equal(20);
    // OpenSpiel DEFAULT_INIT_DISTRIB_FOUR_POPULATIONS: (0,0), (0,4), (4,4), (4,0).
    expect(g4.populations.map((p) => p.mu0.indexOf(1))).to.deep.equal([0, 20, 24, 4]);
  });

  // OpenSpiel predator_prey_test.py test_rewards, both parameter sets (2x2 grid, rows are y).
  it('rewards at hand-computed states: 2 populations, M = [[0, 1], [-1, 0]], cell (0, 0)', () => {
    const g = predatorPrey({ size: 2, reward_matrix: [[0, 1], [-1, 0]], initial_cells: [[[0, 0]], [[0, 0]]] });
    const L = tables([
      [[1, 0], [0, 0]],
      [[0.5, 0.1], [0, 0.9]],
    ]);
    const out = new Float64Array(4 * A);
    g.reward(0, 3, L, out);
    expect(out[0]).to.equal(-Math.log(1 + 1e-25) + 0.5);
    g.reward(1, 3, L, out);
    expect(out[0]).to.equal(-Math.log(0.5 + 1e-25) - 1);
    for (let a = 1; a < A; a++) expect(out[a]).to.equal(out[0]);
  });

  it('rewards at hand-computed states: 3 populations, M = [[0, -1, 0.5], [0.5, 0, -1], [-0.5, 1, 0]], cell (1, 1)', () => {
    const g = predatorPrey({ size: 2, reward_matrix: [[0, -1, 0.5], [0.5, 0, -1], [-0.5, 1, 0]] });
    const L = tables([
      [[0.1, 0.2], [0.3, 0.4]],
      [[0.2, 0.1], [0.1, 0.6]],
      [[0, 0.1], [0.1, 0.8]],
    ]);
    const s = 1 * 2 + 1;
    const want = [-Math.log(0.4 + 1e-25) - 0.6 + 0.5 * 0.8, -Math.log(0.6 + 1e-25) + 0.5 * 0.4 - 0.8, -Math.log(0.8 + 1e-25) - 0.5 * 0.4 + 0.6];
    const out = new Float64Array(4 * A);
    for (let p = 0; p < 3; p++) {
      g.reward(p, 0, L, out);
      expect(out[s * A], `population ${p}`).to.be.closeTo(want[p]!, 1e-15);
    }
  });

  it("moves as OpenSpiel's test_dynamics: from (0, 4) action 2 = [0 1] stays at (0, 4) on the square and wraps to (0, 0) on the torus", () => {
    const forbidden = new Uint8Array(25);
    expect(moveDestination({ size: 5, geometry: 'square', forbidden }, 4 * 5 + 0, 2)).to.equal(4 * 5 + 0);
    expect(moveDestination({ size: 5, geometry: 'torus', forbidden }, 4 * 5 + 0, 2)).to.equal(0);
  });

  it('kernel: from (0, 0) moving x+1 with noise 0.8 lands on (1, 0) w.p. 0.2 + 0.2 (y-1 clipped), (2, 0), (1, 1), (0, 0) w.p. 0.2 each', () => {
    const k = predatorPrey().transition(0, 0, []);
    const row = 0 * A + 1;
    expect(prob(k, row, 1)).to.be.closeTo(0.4, 1e-15);
    expect(prob(k, row, 2)).to.be.closeTo(0.2, 1e-15);
    expect(prob(k, row, 6)).to.be.closeTo(0.2, 1e-15);
    expect(prob(k, row, 0)).to.be.closeTo(0.2, 1e-15);
    expect(k.rowStart[row + 1]! - k.rowStart[row]!).to.equal(4);
  });

  it('mirror descent (alpha 0.1) divides the exploitability by more than 100 in 100 iterations, with 3 and with 4 populations', async function () {
    this.timeout(30000);
    for (const kwargs of [{}, { populations: 4 }]) {
      const r = await runSolver(predatorPrey(kwargs), createSolver('omd', { alpha: 0.1 }), { iterations: 100 });
      expect(r.exploitability[100], JSON.stringify(kwargs)).to.be.within(0, r.exploitability[0]! / 100);
    }
  });

  it('rejects a reward matrix that is not square and kwargs outside the schema, naming them', () => {
    expect(() => predatorPrey({ reward_matrix: [[0, 1, 2], [1, 0]] })).to.throw(MfgError, /2x2/);
    expect(() => predatorPrey({ size: 2, reward_matrix: [[0, 1], [1, 0]] })).to.throw(MfgError, /initial_cells/);
    expectKwargsError('PredatorPrey-v0', { populations: 5 }, 'populations');
    expectKwargsError('PredatorPrey-v0', { noise_probability: 2 }, 'noise_probability');
  });
});
