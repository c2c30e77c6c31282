import { expect } from 'chai';
import { garnet, garnetTables } from '../../envs/garnet';
import { evaluatePolicy, uniformPolicy } from '../../src/core/tabular/index';
import { makeGame } from '../../src/registry/registry';
import type { FiniteGame } from '../../src/core/finite-game';
import { expectKwargsError, finiteEnvInvariants, randomPolicy } from './finite-env-invariants';

const KW = { size: 10, H: 10, seed: 0, num_action: 3, num_chance_action: 3, sparsity_factor: 1, eta: 1 };

describe('Garnet-v0', () => {
  finiteEnvInvariants('Garnet-v0', () => garnet());
  finiteEnvInvariants('Garnet-v0 seed=7 size=25 A=4 K=5 sparsity=0.5', () =>
    garnet({ seed: 7, size: 25, num_action: 4, num_chance_action: 5, sparsity_factor: 0.5, H: 6 }),
  );

  it('the same seed gives the same game bit for bit; another seed a different one', () => {
    const a = garnetTables({ ...KW, seed: 42 });
    const b = garnetTables({ ...KW, seed: 42 });
    const c = garnetTables({ ...KW, seed: 43 });
    expect(Buffer.from(a.reward.buffer).equals(Buffer.from(b.reward.buffer))).to.equal(true);
    expect(Buffer.from(a.prob.buffer).equals(Buffer.from(b.prob.buffer))).to.equal(true);
    expect([...a.next]).to.deep.equal([...b.next]);
    expect(Buffer.from(a.reward.buffer).equals(Buffer.from(c.reward.buffer))).to.equal(false);
    const g1 = makeGame('Garnet-v0', { seed: 42 }) as FiniteGame;
    const g2 = makeGame('Garnet-v0', { seed: 42 }) as FiniteGame;
    const e1 = evaluatePolicy(g1, randomPolicy(g1, 5));
    const e2 = evaluatePolicy(g2, randomPolicy(g2, 5));
    expect(e1.exploitability).to.equal(e2.exploitability);
    expect(e1.policyValue).to.equal(e2.policyValue);
  });

  it('draws rewards in [0, 1), K uniform-spacing probabilities per (x, a), and zero rewards at sparsity 0', () => {
    const t = garnetTables({ ...KW, seed: 3, num_chance_action: 4 });
    for (const r of t.reward) expect(r).to.be.within(0, 1);
    expect(t.reward.some((r) => r > 0)).to.equal(true);
    for (let row = 0; row < 30; row++) {
      const ps = t.prob.subarray(row * 4, row * 4 + 4);
      expect(ps.reduce((x, y) => x + y, 0)).to.be.closeTo(1, 1e-12);
      for (const p of ps) expect(p).to.be.within(0, 1);
    }
    for (const n of t.next) expect(n).to.be.within(0, 9);
    expect(garnetTables({ ...KW, sparsity_factor: 0 }).reward.every((r) => r === 0)).to.equal(true);
  });

  it('pays r(x, a) - eta·log(mu_t(x) + 1e-25): with eta = 0 the uniform policy is worth the mean base reward at t = 0', () => {
    const game = garnet({ eta: 0, H: 1 });
    const r = garnetTables({ ...KW, eta: 0, H: 1 }).reward;
    const e = evaluatePolicy(game, uniformPolicy(game));
    expect(e.policyValue).to.be.closeTo(r.reduce((x, y) => x + y, 0) / 30, 1e-12);
    let best = 0;
    for (let x = 0; x < 10; x++) best += Math.max(r[x * 3]!, r[x * 3 + 1]!, r[x * 3 + 2]!) / 10;
    expect(e.bestResponseValue).to.be.closeTo(best, 1e-12);
  });

  it('rejects bad kwargs, naming them', () => {
    expectKwargsError('Garnet-v0', { seed: -1 }, 'seed');
    expectKwargsError('Garnet-v0', { sparsity_factor: 2 }, 'sparsity_factor');
  });
});
