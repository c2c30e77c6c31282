import { expect } from 'chai';
import { leftRight } from '../../envs/left-right';
import { evaluatePolicy, meanFieldFlow, uniformPolicy } from '../../src/core/tabular/index';

/** pi_0(left | center) = pLeft, everything else uniform. */
function leftWith(pLeft: number): Float64Array[] {
  const game = leftRight();
  const pi = uniformPolicy(game);
  pi[0]![0] = pLeft;
  pi[0]![1] = 1 - pLeft;
  return pi;
}

describe('LeftRight (tabular kernels)', () => {
  const game = leftRight();

  it('go-left has exploitability 1 and go-right 2 (analytic)', () => {
    expect(evaluatePolicy(game, leftWith(1)).exploitability).to.equal(1);
    expect(evaluatePolicy(game, leftWith(0)).exploitability).to.equal(2);
  });

  it('P(left) = 2/3 is an equilibrium: exploitability 0 up to rounding', () => {
    const e = evaluatePolicy(game, leftWith(2 / 3));
    expect(e.exploitability).to.be.within(0, 1e-15);
    expect(e.policyValue).to.be.closeTo(-2 / 3, 1e-15);
  });

  it('the flow sums to 1 at every epoch', () => {
    const flow = meanFieldFlow(game, leftWith(0.3));
    for (let t = 0; t < 2; t++) {
      const total = flow[0]!.subarray(t * 6, (t + 1) * 6).reduce((a, b) => a + b, 0);
      expect(total).to.be.closeTo(1, 1e-15);
    }
    expect(flow[0]![6 + 2] + flow[0]![6 + 3]).to.be.closeTo(0.3, 1e-15);
  });
});
