import { expect } from 'chai';
import { conservativeTreasureHunting, treasureDistance } from '../../envs/conservative-treasure-hunting';
import { evaluatePolicy } from '../../src/core/tabular/index';
import { makeGame } from '../../src/registry/registry';
import { expectKwargsError, finiteEnvInvariants, prob } from './finite-env-invariants';

describe('ConservativeTreasureHunting-v0', () => {
  finiteEnvInvariants('ConservativeTreasureHunting-v0', () => conservativeTreasureHunting());
  finiteEnvInvariants('ConservativeTreasureHunting-v0 n=4', () =>
    conservativeTreasureHunting({ n: 4, H: 4, r: [1, 2, 0.5, 3], c: [0.5, 2, 0] }),
  );

  it('t=0: everyone goes to the site it picks, for no reward', () => {
    const game = conservativeTreasureHunting();
    const L = new Float64Array(9).fill(1 / 9);
    const k = game.transition(0, 0, [L]);
    for (let s = 0; s < 3; s++) for (let a = 0; a < 3; a++) expect(prob(k, s * 3 + a, a)).to.equal(1);
    const out = new Float64Array(9).fill(7);
    game.reward(0, 0, [L], out);
    expect(Array.from(out)).to.deep.equal(new Array(9).fill(0));
  });

  it('t>=1 with everyone digging at site 0: D = (0, 2, 2), so site 0 is quiet and the others noisy (hand-computed)', () => {
    const game = conservativeTreasureHunting();
    const L = new Float64Array(9);
    L[0] = 1;
    expect([0, 1, 2].map((s) => treasureDistance(L, 3, s))).to.deep.equal([0, 2, 2]);
    const k = game.transition(0, 1, [L]); // k = c[0] = 1
    for (let a = 0; a < 3; a++) {
      expect(prob(k, 0 * 3 + a, a)).to.equal(1);
      // D = 2: 1 + n·k·D = 7; the chosen site gets (2 + 1)/7, the others 2/7 each.
      for (let s2 = 0; s2 < 3; s2++) expect(prob(k, 1 * 3 + a, s2)).to.be.closeTo(s2 === a ? 3 / 7 : 2 / 7, 1e-15);
    }
    const out = new Float64Array(9);
    game.reward(0, 1, [L], out);
    // r_t(s, s) = r[s](1 - D_s/2): 1 at site 0, 0 at the others; 0 off the diagonal.
    expect(Array.from(out)).to.deep.equal([1, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('uses c[t-1] at epoch t: c = (1, 0, ...) makes the t=2 kernel deterministic', () => {
    const game = conservativeTreasureHunting({ c: [1, 0, 1, 1, 1] });
    const L = new Float64Array(9).fill(1 / 9);
    const k1 = game.transition(0, 1, [L]);
    const k2 = game.transition(0, 2, [L]);
    expect(prob(k1, 4, 1)).to.be.lessThan(1);
    for (let s = 0; s < 3; s++) for (let a = 0; a < 3; a++) expect(prob(k2, s * 3 + a, a)).to.equal(1);
  });

  it('everyone gathering on site 0 and digging there is an equilibrium worth 5 (analytic)', () => {
    // r[s](1 - D_s/2) <= 1, with equality only where D_s = 0: no deviation beats 1 per epoch.
    const game = conservativeTreasureHunting();
    const pi = new Float64Array(6 * 9);
    for (let row = 0; row < 6 * 3; row++) pi[row * 3] = 1;
    const e = evaluatePolicy(game, [pi]);
    expect(e.policyValue).to.equal(5);
    expect(e.exploitability).to.equal(0);
  });

  it('checks r against n and c against H, naming the kwarg', () => {
    expectKwargsError('ConservativeTreasureHunting-v0', { n: 4 }, 'r');
    expectKwargsError('ConservativeTreasureHunting-v0', { H: 4 }, 'c');
    expectKwargsError('ConservativeTreasureHunting-v0', { c: [1, 1, 1, 1] }, 'c');
    expectKwargsError('ConservativeTreasureHunting-v0', { c: [1, 1, -1, 1, 1] }, 'c');
    expect((makeGame('ConservativeTreasureHunting-v0', { H: 3, c: [2, 2] }) as ReturnType<typeof conservativeTreasureHunting>).horizon).to.equal(3);
  });
});
