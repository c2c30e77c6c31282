import { expect } from 'chai';
import { leftRight } from '../../envs/left-right';
import { createSolver, runSolver } from '../../src/solvers/index';
import { leftRightSoftmaxPoint, pLeft } from './helpers';

/**
 * Every solver brings LeftRight (MFGLib left_right; equilibrium P(left) = 2/3, exploitability 0)
 * to its equilibrium, each with the parameters it needs and a tolerance that follows from how
 * the method converges.
 */
describe('solvers on LeftRight: P(left) -> 2/3', () => {
  const game = leftRight();
  const solve = (name: string, params: Record<string, number | null>, iterations: number) => runSolver(game, createSolver(name, params), { iterations });

  it('fp (greedy, 1/(i+2)): the average of best responses is within 1/(k+1) of 2/3 after k steps; 1000 steps -> 2e-3', async () => {
    const r = await solve('fp', {}, 1000);
    expect(pLeft(r.policy)).to.be.closeTo(2 / 3, 2e-3);
    expect(r.exploitability[1000]).to.be.below(1e-3);
  });

  it('omd (alpha 1) and momd (alpha 1): exact equilibrium to 1e-12 in 100 steps', async () => {
    for (const name of ['omd', 'momd']) {
      const r = await solve(name, { alpha: 1 }, 100);
      expect(pLeft(r.policy), name).to.be.closeTo(2 / 3, 1e-12);
      expect(r.exploitability[100], name).to.be.within(0, 1e-12);
    }
  });

  it('prior-descent (eta 1, nInner 2): the moving prior removes the regularisation, 2/3 to 1e-12 in 1000 steps', async () => {
    const r = await solve('prior-descent', { eta: 1, nInner: 2 }, 1000);
    expect(pLeft(r.policy)).to.be.closeTo(2 / 3, 1e-12);
  });

  it('prior-descent without prior resets is GMF-V: the softmax point at 1/eta', async () => {
    const r = await solve('prior-descent', { eta: 1, nInner: null }, 300);
    expect(pLeft(r.policy)).to.be.closeTo(leftRightSoftmaxPoint(1), 1e-9);
  });

  it('fixed-point (damping 0.02, temperature 0.01): the regularised point, within 5e-3 of 2/3', async () => {
    // The damped map x -> 0.98x + 0.02·sigmoid((2-3x)/0.01) has slope 1 - 0.02(1 + 2/(3·0.01)) ≈ -0.35
    // at its fixed point: a contraction. Temperature 0.01 shifts the point by T·logit(x)/3 ≈ 2.3e-3.
    const r = await solve('fixed-point', { alpha: 0.02, temperature: 0.01 }, 300);
    expect(pLeft(r.policy)).to.be.closeTo(leftRightSoftmaxPoint(100), 1e-9);
    expect(pLeft(r.policy)).to.be.closeTo(2 / 3, 5e-3);
  });

  it('fp with a softmax best response (temperature 0.01) ends at the same regularised point', async () => {
    const r = await solve('fp', { temperature: 0.01 }, 1000);
    expect(pLeft(r.policy)).to.be.closeTo(leftRightSoftmaxPoint(100), 1e-9);
  });

  it('bpi (alpha 1): the regularised point sigmoid(2 - 3x) = x ≈ 0.5712, within 0.1 of 2/3', async () => {
    // BPI has no averaging: x -> sigmoid(alpha(2 - 3x)) has slope -(2/3)·alpha near 2/3, so it only
    // converges for alpha < 1.5, and its fixed point is then at least 0.07 from 2/3. alpha = 1 is a
    // fast contraction (slope ≈ -0.73) whose point is 0.095 from the equilibrium.
    const r = await solve('bpi', { alpha: 1 }, 200);
    expect(pLeft(r.policy)).to.be.closeTo(leftRightSoftmaxPoint(1), 1e-9);
    expect(pLeft(r.policy)).to.be.closeTo(2 / 3, 0.1);
  });

  it('bpi with its default alpha 0.01 stays near uniform (temperature 100)', async () => {
    const r = await solve('bpi', {}, 50);
    expect(pLeft(r.policy)).to.be.closeTo(leftRightSoftmaxPoint(0.01), 1e-12);
    expect(pLeft(r.policy)).to.be.closeTo(0.5012406922616, 1e-12);
  });
});
