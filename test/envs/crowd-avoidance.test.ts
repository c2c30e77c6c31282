import { expect } from 'chai';
import { crowdAvoidance } from '../../envs/crowd-avoidance';
import { uniformPolicy, evaluatePolicy } from '../../src/core/tabular/index';
import { createSolver, runSolver } from '../../src/solvers/index';
import { expectKwargsError, finiteEnvInvariants, prob } from './finite-env-invariants';

const A = 5;
const cell = (x: number, y: number): number => y * 7 + x;

describe('CrowdAvoidance-v0', () => {
  finiteEnvInvariants('CrowdAvoidance-v0', () => crowdAvoidance());
  finiteEnvInvariants('CrowdAvoidance-v0 coef_congestion 1, torus', () => crowdAvoidance({ coef_congestion: 1, geometry: 'torus', H: 5 }));

  it("mu0 as OpenSpiel's init_distrib (rows y): population 1 on (5, 2) 0.2, (4, 4) 0.4, (5, 4) 0.4", () => {
    const g = crowdAvoidance();
    const mu1 = g.populations[1]!.mu0;
    expect(mu1[cell(5, 2)]).to.equal(0.2);
    expect(mu1[cell(4, 4)]).to.equal(0.4);
    expect(mu1[cell(5, 4)]).to.equal(0.4);
    expect(mu1.filter((m) => m > 0).length).to.equal(3);
    const mu0 = g.populations[0]!.mu0;
    expect([mu0[cell(1, 2)], mu0[cell(2, 2)], mu0[cell(1, 4)]]).to.deep.equal([0.4, 0.4, 0.2]);
  });

  it("moves as OpenSpiel's test_dynamics: from (5, 2) action 2 = [0 1] reaches (5, 3); noise 0.5 bumps into walls", () => {
    const k = crowdAvoidance().transition(1, 0, []);
    const row = cell(5, 2) * A + 2;
    // From (5, 3): stay 0.5, x+1 into the outer wall 0.125 (stays), y+1 to (5, 4), y-1 to (5, 2), x-1 to (4, 3).
    expect(prob(k, row, cell(5, 3))).to.be.closeTo(0.625, 1e-15);
    expect(prob(k, row, cell(4, 3))).to.be.closeTo(0.125, 1e-15);
    expect(prob(k, row, cell(5, 4))).to.be.closeTo(0.125, 1e-15);
    expect(prob(k, row, cell(5, 2))).to.be.closeTo(0.125, 1e-15);
  });

  it('moves into walls are not legal; a wall cell keeps only stay', () => {
    const legal = crowdAvoidance().populations[0]!.legal!;
    // (1, 1): x-1 and y-1 hit the outer wall.
    expect([...legal.subarray(cell(1, 1) * A, cell(1, 1) * A + A)]).to.deep.equal([1, 1, 1, 0, 0]);
    expect([...legal.subarray(cell(3, 1) * A, cell(3, 1) * A + A)]).to.deep.equal([1, 0, 0, 0, 0]);
  });

  it("rewards as OpenSpiel's test_rewards: 2x2, coef_congestion 1.5, cell (0, 0) gives -1.5·0.3 and -1.5·0.8", () => {
    const g = crowdAvoidance({ size: 2, coef_congestion: 1.5, coef_target: 0.6, forbidden_cells: [], initial_cells: [[[0, 0, 0.8], [1, 0, 0.2]], [[0, 0, 0.3], [1, 0, 0.7]]] });
    const L = g.populations.map((p) => {
      const t = new Float64Array(4 * A);
      for (let s = 0; s < 4; s++) t[s * A] = p.mu0[s]!;
      return t;
    });
    const out = new Float64Array(4 * A);
    g.reward(0, 0, L, out);
    expect(out[0]).to.equal(-1.5 * 0.3);
    g.reward(1, 0, L, out);
    expect(out[0]).to.equal(-1.5 * 0.8);
  });

  it('the target pays coef_target: population 0 on (5, 3), population 1 on (1, 3); the uniform policy is exploitable', () => {
    const g = crowdAvoidance();
    const L = g.populations.map(() => new Float64Array(49 * A));
    const out = new Float64Array(49 * A);
    g.reward(0, 0, L, out);
    expect(out[cell(5, 3) * A]).to.equal(1);
    expect(out[cell(1, 3) * A]).to.equal(0);
    g.reward(1, 0, L, out);
    expect(out[cell(1, 3) * A]).to.equal(1);
    expect(evaluatePolicy(g, uniformPolicy(g)).exploitability).to.be.greaterThan(0);
  });

  it('mirror descent (alpha 1) divides the exploitability by more than 1000 in 50 iterations, uncoupled and coupled', async function () {
    this.timeout(30000);
    for (const kwargs of [{}, { coef_congestion: 1 }]) {
      const r = await runSolver(crowdAvoidance(kwargs), createSolver('omd', { alpha: 1 }), { iterations: 50 });
      expect(r.exploitability[50], JSON.stringify(kwargs)).to.be.within(0, r.exploitability[0]! / 1000);
    }
  });

  it('rejects malformed kwargs, naming them', () => {
    expect(() => crowdAvoidance({ targets: [[5, 3]] })).to.throw(/one per population/);
    expectKwargsError('CrowdAvoidance-v0', { proba_noise: -1 }, 'proba_noise');
  });
});
