import { expect } from 'chai';
import { leftRight } from '../../envs/left-right';
import { meanFieldFlow, uniformPolicy } from '../../src/core/tabular/index';
import { createSolver, mixPolicies, runSolver } from '../../src/solvers/index';

describe('fictitious play', () => {
  const game = leftRight();

  it('follows the 1/(i+2) rule on a hand-worked 2-iteration LeftRight run', async () => {
    // pi_0 uniform, x = P(left) = 1/2: Q(left) = -1/2 > Q(right) = -1, BR = left.
    //   step 0, weight 1/2: x_1 = 1/2·1/2 + 1/2·1 = 3/4.
    // x = 3/4: Q(left) = -3/4 < Q(right) = -1/2, BR = right.
    //   step 1, weight 1/3: x_2 = 2/3·3/4 + 1/3·0 = 1/2.
    // Exploitability max(-x, -2(1-x)) - (-x² - 2(1-x)²): 1/4, 3/16, 1/4.
    const xs: [number, number][] = [];
    const r = await runSolver(game, createSolver('fp'), { iterations: 2, onIteration: ({ iteration, evaluation }) => xs.push([iteration, evaluation.policy[0]![0]!]) });
    const again = await runSolver(game, createSolver('fp'), { iterations: 2 });
    expect(xs).to.deep.equal([[0, 0.5], [1, 0.75], [2, 0.5]]);
    expect(r.exploitability).to.deep.equal([0.25, 0.1875, 0.25]);
    expect(again.exploitability).to.deep.equal(r.exploitability);
    // t = 1 rewards ignore the action: every row there stays uniform.
    expect(Array.from(r.policy[0]!.subarray(6))).to.deep.equal([0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
  });

  it('a fixed alpha weights every step the same (alpha = 0.5 twice: 3/4 then 3/8)', async () => {
    const xs: number[] = [];
    await runSolver(game, createSolver('fp', { alpha: 0.5 }), { iterations: 2, onIteration: ({ evaluation }) => xs.push(evaluation.policy[0]![0]!) });
    expect(xs).to.deep.equal([0.5, 0.75, 0.375]);
  });

  it('mixes policies weighted by the state masses of both flows (hand-worked)', () => {
    const pi = uniformPolicy(game);
    pi[0]!.set([0.2, 0.8], 6 + 2); // t=1, s=left
    const br = uniformPolicy(game);
    br[0]!.set([1, 0], 0); // t=0 centre: go left
    br[0]!.set([1, 0], 6 + 2); // t=1, left
    const mixed = mixPolicies(game, pi, meanFieldFlow(game, pi), br, meanFieldFlow(game, br), 1 / 3)[0]!;
    // t=0 centre: mu = mu_br = 1, so plain 2/3·(1/2, 1/2) + 1/3·(1, 0).
    expect(mixed[0]).to.be.closeTo(2 / 3, 1e-15);
    // t=1 centre: no mass in either flow -> uniform over legal actions.
    expect(Array.from(mixed.subarray(6, 8))).to.deep.equal([0.5, 0.5]);
    // t=1 left: mu = 1/2, mu_br = 1; weights 2/3·1/2 = 1/3 and 1/3·1 = 1/3 -> (0.6, 0.4).
    expect(mixed[8]).to.be.closeTo(0.6, 1e-15);
    expect(mixed[9]).to.be.closeTo(0.4, 1e-15);
    // t=1 right: the best response never goes there, the row keeps pi's.
    expect(Array.from(mixed.subarray(10, 12))).to.deep.equal([0.5, 0.5]);
  });

  it('fp with a fixed alpha and fixed-point damped by the same alpha are the same iteration', async () => {
    const a = await runSolver(game, createSolver('fp', { alpha: 0.3 }), { iterations: 20 });
    const b = await runSolver(game, createSolver('fixed-point', { alpha: 0.3 }), { iterations: 20 });
    expect(b.exploitability).to.deep.equal(a.exploitability);
  });

  it('undamped greedy fixed point cycles on LeftRight (all left, all right, ...)', async () => {
    const xs: number[] = [];
    await runSolver(game, createSolver('fixed-point'), { iterations: 4, onIteration: ({ evaluation }) => xs.push(evaluation.policy[0]![0]!) });
    expect(xs).to.deep.equal([0.5, 1, 0, 1, 0]);
  });
});
