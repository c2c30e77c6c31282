import { expect } from 'chai';
import { dynamicRouting } from '../../envs/dynamic-routing';
import type { FiniteGame } from '../../src/core/finite-game';
import { evaluatePolicy, uniformPolicy, type TabularPolicy } from '../../src/core/tabular/index';
import { createSolver, runSolver } from '../../src/solvers/index';
import { expectKwargsError, finiteEnvInvariants } from './finite-env-invariants';

// Actions on Braess (OpenSpiel dynamic_routing_test): 2 = A->B, 3 = A->C, 4 = B->C, 5 = B->D.
const AB = 2;
const AC = 3;
const BC = 4;
const BD = 5;

/** A stationary policy: at A split (pAB, 1 - pAB), at B (pBC, 1 - pBC); forced moves elsewhere. */
function braessPolicy(game: FiniteGame, pAB: number, pBC: number): TabularPolicy {
  const { numStates: S, numActions: A, legal } = game.populations[0]!;
  const pi = new Float64Array(game.horizon * S * A);
  for (let t = 0; t < game.horizon; t++) {
    for (let s = 0; s < S; s++) {
      const row = (t * S + s) * A;
      const moves = [...Array(A).keys()].filter((a) => legal![s * A + a] === 1);
      if (moves.length === 1) pi[row + moves[0]!] = 1;
      else if (moves[0] === AB) [pi[row + AB], pi[row + AC]] = [pAB, 1 - pAB];
      else if (moves[0] === BC) [pi[row + BC], pi[row + BD]] = [pBC, 1 - pBC];
      else throw new Error(`unexpected legal moves ${moves} at state ${s}`);
    }
  }
  return [pi];
}

describe('DynamicRouting-v0', () => {
  finiteEnvInvariants('DynamicRouting-v0', () => dynamicRouting());
  finiteEnvInvariants('DynamicRouting-v0 line network', () => dynamicRouting({ network: 'line' }));
  finiteEnvInvariants('DynamicRouting-v0 Braess 30 steps of 0.2', () => dynamicRouting({ max_num_time_step: 30, time_step_length: 0.2 }));

  const braess = dynamicRouting({ max_num_time_step: 100, time_step_length: 0.05 });

  // OpenSpiel dynamic_routing_test.py test_braess_paradox (assertEqual there, exact equality here).
  it('Braess, 100 steps of 0.05: the Nash policy (A: 0.75/0.25, B: 2/3, 1/3) travels 3.75 with exploitability exactly 0', () => {
    const e = evaluatePolicy(braess, braessPolicy(braess, 0.75, 2 / 3));
    expect(-e.policyValue).to.equal(3.75);
    expect(e.exploitability).to.equal(0);
  });

  it('Braess: the social optimum (A: 0.5/0.5, B: always B->D) travels 3.5 with exploitability 0.75', () => {
    const e = evaluatePolicy(braess, braessPolicy(braess, 0.5, 0));
    expect(-e.policyValue).to.equal(3.5);
    // Deviating to A->B->C->D against that flow takes 20 + 5 + 20 steps... 2.75 in all.
    expect(-e.bestResponseValue).to.equal(2.75);
    expect(e.exploitability).to.be.closeTo(0.75, 1e-15);
  });

  it('Braess: entering A->B with volume 5 x 0.75 waits floor(1.75 / 0.05) - 1 = 34 steps, A->C (no congestion) 39', () => {
    const e = evaluatePolicy(braess, braessPolicy(braess, 0.75, 2 / 3));
    const { numStates: S, numActions: A, stateLabels } = braess.populations[0]!;
    const at1 = new Map<string, number>();
    for (let s = 0; s < S; s++) {
      let m = 0;
      for (let a = 0; a < A; a++) m += e.flow[0]![(1 * S + s) * A + a]!;
      if (m > 0) at1.set(stateLabels![s]!, m);
    }
    expect([...at1.entries()]).to.deep.equal([
      ['A->B wait 34 to D->E', 0.75],
      ['A->C wait 39 to D->E', 0.25],
    ]);
  });

  it('OMD with alpha 1 brings the Braess exploitability to ~0 in 50 iterations (OpenSpiel test_online_mirror_descent_convergence)', async function () {
    this.timeout(30000);
    const r = await runSolver(braess, createSolver('omd', { alpha: 1 }), { iterations: 50 });
    expect(r.exploitability[0]).to.equal(0.5);
    expect(r.exploitability[50]).to.be.within(0, 1e-12);
    expect(-r.evaluation.policyValue).to.be.closeTo(3.75, 1e-12);
  });

  it('line network (no choice, free-flow 1, step 0.5): every vehicle spends 2 steps per link and arrives at step 4, return -2', () => {
    const g = dynamicRouting({ network: 'line' });
    const e = evaluatePolicy(g, uniformPolicy(g));
    expect(e.policyValue).to.equal(-2);
    expect(e.exploitability).to.equal(0);
  });

  it('a vehicle that cannot arrive in time returns -(T + 1) x time_step_length (Braess, 5 steps of 0.5: -3)', () => {
    const g = dynamicRouting({ max_num_time_step: 5, time_step_length: 0.5 });
    const e = evaluatePolicy(g, uniformPolicy(g));
    expect(e.policyValue).to.equal(-3);
    expect(e.bestResponseValue).to.equal(-3);
  });

  it('rejects unknown networks and bad step lengths, naming the kwarg', () => {
    expectKwargsError('DynamicRouting-v0', { network: 'sioux' }, 'network');
    expectKwargsError('DynamicRouting-v0', { time_step_length: 0 }, 'time_step_length');
  });
});
