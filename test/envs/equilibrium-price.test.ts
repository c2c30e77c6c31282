import { expect } from 'chai';
import { equilibriumPrice } from '../../envs/equilibrium-price';
import { expectKwargsError, finiteEnvInvariants, pointMass, prob } from './finite-env-invariants';

/** Flat action index q(Hr+1) + h with the default Hr = 2. */
const act = (q: number, h: number): number => q * 3 + h;

describe('EquilibriumPrice-v0', () => {
  finiteEnvInvariants('EquilibriumPrice-v0', () => equilibriumPrice());
  finiteEnvInvariants('EquilibriumPrice-v0 s_inv=4 Q=3 Hr=1', () =>
    equilibriumPrice({ s_inv: 4, Q: 3, Hr: 1, d: 2, e0: 0.5, sigma: 2, c: [0.3, 0.2, 0.1, 0.4, 0.05], H: 4 }),
  );

  it('flattens (q, h) row-major over actionShape [Q+1, Hr+1]', () => {
    const game = equilibriumPrice({ Q: 3, Hr: 1 });
    expect(game.populations[0]!.actionShape).to.deep.equal([4, 2]);
    expect(game.populations[0]!.numActions).to.equal(8);
    expect(game.populations[0]!.actionLabels![5]).to.equal('q=2,h=1');
  });

  it('inventory s\' = min(s - min(q, s) + h, s_inv)', () => {
    const game = equilibriumPrice();
    const k = game.transition(0, 0, [new Float64Array(36)]);
    const row = (s: number, q: number, h: number): number => s * 9 + act(q, h);
    expect(prob(k, row(1, 2, 0), 0)).to.equal(1); // uses its only unit
    expect(prob(k, row(3, 0, 2), 3)).to.equal(1); // capped at s_inv
    expect(prob(k, row(2, 1, 2), 3)).to.equal(1);
    expect(prob(k, row(0, 2, 1), 1)).to.equal(1);
  });

  it('clears the price against total output and charges the costs (hand-computed)', () => {
    const game = equilibriumPrice();
    const L = pointMass(game, 2, act(2, 1)); // output sum L·q = 2, so p = 1/(2 + 1)
    const out = new Float64Array(36);
    game.reward(0, 0, [L], out);
    // s = 2, q = 2, h = 1: (1/3 - 1)·2 - 4 - 1 - 2·0 - 2.
    expect(out[2 * 9 + act(2, 1)]).to.be.closeTo(-4 / 3 - 7, 1e-14);
    // s = 0, q = 2, h = 0: (1/3 - 1)·2 - 4 - 0 - 2·2 - 0 (a shortage of 2).
    expect(out[0 * 9 + act(2, 0)]).to.be.closeTo(-4 / 3 - 8, 1e-14);
    // s = 3, q = 0, h = 2: -2 - 3.
    expect(out[3 * 9 + act(0, 2)]).to.equal(-5);
  });

  it('the price exponent is 1/sigma: sigma = 2, d = 2, output 1, e0 = 1 gives p = 1', () => {
    const game = equilibriumPrice({ sigma: 2, d: 2, c: [0, 0, 0, 0, 0] });
    const L = pointMass(game, 1, act(1, 0));
    const out = new Float64Array(36);
    game.reward(0, 0, [L], out);
    expect(out[1 * 9 + act(1, 0)]).to.equal(1);
    expect(out[1 * 9 + act(2, 0)]).to.equal(2);
  });

  it('validates its kwargs, naming the bad one', () => {
    expectKwargsError('EquilibriumPrice-v0', { c: [1, 1, 1, 1] }, 'c');
    expectKwargsError('EquilibriumPrice-v0', { c: [1, 1, 1, 1, 1, 1] }, 'c');
    expectKwargsError('EquilibriumPrice-v0', { sigma: 0 }, 'sigma');
    expectKwargsError('EquilibriumPrice-v0', { Hr: -1 }, 'Hr');
  });
});
