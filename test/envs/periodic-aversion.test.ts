import { expect } from 'chai';
import { periodicAversion } from '../../envs/periodic-aversion';
import { expectKwargsError, finiteEnvInvariants, prob } from './finite-env-invariants';

describe('PeriodicAversion-v0', () => {
  finiteEnvInvariants('PeriodicAversion-v0', () => periodicAversion());
  finiteEnvInvariants('PeriodicAversion-v0 size=9 n=2 H=5', () => periodicAversion({ size: 9, n_actions_per_side: 2, H: 5 }));

  it('noise weights follow the N(0, volatility²·dt) density at (k - n)·dx, normalised (defaults: dx = 0.05, sd = 0.1)', () => {
    const k = periodicAversion().transition(0, 0, [new Float64Array(21 * 21)]);
    const row = 0 * 21 + 10; // x = 0, action 10 = no move
    const p0 = prob(k, row, 0);
    expect(prob(k, row, 1) / p0).to.be.closeTo(Math.exp(-0.125), 1e-12); // z = 0.5
    expect(prob(k, row, 20) / p0).to.be.closeTo(Math.exp(-0.125), 1e-12); // wraps to x = -1
    expect(prob(k, row, 2) / p0).to.be.closeTo(Math.exp(-0.5), 1e-12); // z = 1
    // Moves of -10..10 on a ring of 21 reach each cell once: the row sums to 1 over 21 cells.
    expect(k.rowStart[row + 1]! - k.rowStart[row]!).to.equal(21);
  });

  it('pays (-v²/2 - log(mu/dx) + g(x))·dt at the epoch of the action (hand-computed, mu uniform)', () => {
    const game = periodicAversion();
    const L = new Float64Array(21 * 21).fill(1 / (21 * 21));
    const out = new Float64Array(21 * 21);
    game.reward(0, 0, [L], out);
    // x = 0: sin 0 = 0, cos 0 = 1, so g = -2π²; mu/dx = (1/21)/0.05 = 20/21.
    const crowd = Math.log(21 / 20);
    expect(out[0 * 21 + 10]).to.be.closeTo((crowd - 2 * Math.PI ** 2) * 0.01, 1e-12);
    // Action 11 moves one cell: v = 0.05/0.01 = 5, cost 12.5.
    expect(out[0 * 21 + 11]).to.be.closeTo((-12.5 + crowd - 2 * Math.PI ** 2) * 0.01, 1e-12);
    // x = 5 sits at 0.25: sin = 1, cos = 0, so g = 2π² + 2.
    expect(out[5 * 21 + 10]).to.be.closeTo((crowd + 2 * Math.PI ** 2 + 2) * 0.01, 1e-12);
  });

  it('rejects bad kwargs, naming them', () => {
    expectKwargsError('PeriodicAversion-v0', { dt: 0 }, 'dt');
    expectKwargsError('PeriodicAversion-v0', { n_actions_per_side: -1 }, 'n_actions_per_side');
  });
});
