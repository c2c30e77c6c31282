import { expect } from 'chai';
import { rockPaperScissors } from '../../envs/rock-paper-scissors';
import { evaluatePolicy, uniformPolicy } from '../../src/core/tabular/index';
import { makeGame } from '../../src/registry/registry';
import { expectKwargsError, finiteEnvInvariants } from './finite-env-invariants';

/** pi_0(. | start) = (rock, paper, scissors); uniform afterwards (t=1 has no effect at H=2). */
function playing(r: number, p: number, s: number): Float64Array[] {
  const pi = uniformPolicy(rockPaperScissors());
  pi[0]!.set([r, p, s], 0);
  return pi;
}

describe('RockPaperScissors-v0', () => {
  const game = rockPaperScissors();

  finiteEnvInvariants('RockPaperScissors-v0', () => rockPaperScissors());
  finiteEnvInvariants('RockPaperScissors-v0 H=4', () => rockPaperScissors({ H: 4 }));

  it('pays each hand against the crowd (hand-computed at mu = (0, .5, .3, .2))', () => {
    const L = new Float64Array(12);
    L.set([0.5, 0, 0], 3); // rock
    L.set([0.1, 0.1, 0.1], 6); // paper
    L.set([0, 0.2, 0], 9); // scissors
    const out = new Float64Array(12);
    game.reward(0, 1, [L], out);
    expect(Array.from(out.subarray(0, 3))).to.deep.equal([0, 0, 0]);
    // r(R) = 2·0.2 - 0.3, r(P) = 4·0.5 - 2·0.2, r(S) = 6·0.3 - 3·0.5, the same for every action.
    for (let a = 0; a < 3; a++) {
      expect(out[3 + a]).to.be.closeTo(0.1, 1e-15);
      expect(out[6 + a]).to.be.closeTo(1.6, 1e-15);
      expect(out[9 + a]).to.be.closeTo(0.3, 1e-15);
    }
  });

  it('(26, 20, 31)/77 is the equilibrium: every hand pays 42/77 and exploitability is ~0', () => {
    const e = evaluatePolicy(game, playing(26 / 77, 20 / 77, 31 / 77));
    expect(Math.abs(e.exploitability)).to.be.below(1e-12);
    expect(e.policyValue).to.be.closeTo(42 / 77, 1e-12);
  });

  it('the uniform policy is exploitable by 1/3 (scissors pays 1 against thirds, the mix 2/3)', () => {
    const e = evaluatePolicy(game, uniformPolicy(game));
    expect(e.exploitability).to.be.greaterThan(0);
    expect(e.exploitability).to.be.closeTo(1 / 3, 1e-15);
    expect(e.bestResponseValue).to.be.closeTo(1, 1e-15);
  });

  it('all-rock is exploited by paper: exploitability 4', () => {
    expect(evaluatePolicy(game, playing(1, 0, 0)).exploitability).to.equal(4);
  });

  it('is registered with H defaulting to 2 and validates it', () => {
    expect((makeGame('RockPaperScissors-v0') as typeof game).horizon).to.equal(2);
    expect((makeGame('RockPaperScissors-v0', { H: 5 }) as typeof game).horizon).to.equal(5);
    expectKwargsError('RockPaperScissors-v0', { H: 0 }, 'H');
    expectKwargsError('RockPaperScissors-v0', { T: 1 }, 'T');
  });
});
