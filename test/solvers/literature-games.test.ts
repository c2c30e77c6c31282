import { expect } from 'chai';
import { registerBuiltinEnvs } from '../../envs/index';
import type { FiniteGame } from '../../src/core/finite-game';
import { makeGame } from '../../src/registry/registry';
import { createSolver, runSolver } from '../../src/solvers/index';

registerBuiltinEnvs();

/** A registered built-in finite game (a missing one fails the test: they are all built in). */
function finiteGame(id: string): FiniteGame {
  return makeGame(id) as FiniteGame;
}

describe('solvers on the literature games', () => {
  it('RockPaperScissors: OMD reaches the equilibrium (26, 20, 31)/77 at t=0 with exploitability ~0', async function () {
    // MFGLib rock_paper_scissors: the equilibrium mixes R, P, S as 26/77, 20/77, 31/77 (the unique
    // point where all three t=1 rewards 2mu(S)-mu(P), 4mu(R)-2mu(S), 6mu(P)-3mu(R) are equal).
    // OMD with alpha = 0.1 spirals in (alpha = 1 overshoots on this cyclic game).
    const game = finiteGame('RockPaperScissors-v0');
    const r = await runSolver(game, createSolver('omd', { alpha: 0.1 }), { iterations: 2000 });
    const pi0 = r.policy[0]!.subarray(0, 3);
    expect(pi0[0]).to.be.closeTo(26 / 77, 1e-6);
    expect(pi0[1]).to.be.closeTo(20 / 77, 1e-6);
    expect(pi0[2]).to.be.closeTo(31 / 77, 1e-6);
    expect(r.exploitability[2000]).to.be.within(0, 1e-9);
  });

  it('RockPaperScissors: MOMD and OMD are the same update (pi ∝ pi·exp(alpha Q) is y += alpha Q with y = log pi)', async function () {
    const game = finiteGame('RockPaperScissors-v0');
    const a = await runSolver(game, createSolver('omd', { alpha: 0.1 }), { iterations: 200 });
    const b = await runSolver(game, createSolver('momd', { alpha: 0.1 }), { iterations: 200 });
    for (let i = 0; i <= 200; i++) expect(b.exploitability[i]).to.be.closeTo(a.exploitability[i]!, 1e-10);
  });

  for (const id of ['BeachBar-v0', 'CrowdModelling1D-v0']) {
    it(`${id}: fictitious play divides the exploitability by at least 10 in 100 iterations`, async function () {
      const game = finiteGame(id);
      const r = await runSolver(game, createSolver('fp'), { iterations: 100 });
      expect(r.exploitability[0]).to.be.greaterThan(0);
      expect(r.exploitability[100]).to.be.at.most(r.exploitability[0]! / 10);
    });
  }
});
