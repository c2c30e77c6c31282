import { expect } from 'chai';
import { registerBuiltinEnvs } from '../../envs/index';
import { rockPaperScissors } from '../../envs/rock-paper-scissors';
import { MfgError } from '../../src/core/errors';
import type { FiniteGame } from '../../src/core/finite-game';
import { evaluatePolicy, greedyPolicy, uniformPolicy } from '../../src/core/tabular/index';
import { makeGame } from '../../src/registry/registry';
import { bestResponse, createSolver, runSolver } from '../../src/solvers/index';

registerBuiltinEnvs();

describe('tie rule of greedy best responses (uniform | first)', () => {
  it('greedyPolicy on a hand-made Q with exact ties and an illegal maximiser', () => {
    // One epoch, two states, four actions. State 0: Q = (3, 5, 5, 5) with action 1 illegal, so the
    // legal maximisers are 2 and 3. State 1: a unique maximum at action 0.
    const q = Float64Array.of(3, 5, 5, 5, 9, 1, 2, 9 - 1e-12);
    const legal = Uint8Array.of(1, 0, 1, 1, 1, 1, 1, 1);
    expect([...greedyPolicy(q, 1, 2, 4, legal, undefined, 'first')]).to.deep.equal([0, 0, 1, 0, 1, 0, 0, 0]);
    expect([...greedyPolicy(q, 1, 2, 4, legal, undefined, 'uniform')]).to.deep.equal([0, 0, 0.5, 0.5, 1, 0, 0, 0]);
    expect([...greedyPolicy(q, 1, 2, 4, legal)]).to.deep.equal([0, 0, 0.5, 0.5, 1, 0, 0, 0]);
    // Without a mask the first maximiser is action 1.
    expect([...greedyPolicy(q, 1, 2, 4, null, undefined, 'first')].slice(0, 4)).to.deep.equal([0, 1, 0, 0]);
  });

  // RockPaperScissors against the uniform flow (mu_1 = 1/3 on R, P, S): Q*_0(., a) = r_1(1 + a) =
  // (1/3, 2/3, 1), so the best response plays S (action 2) at t = 0; at t = 1 the reward ignores the
  // action, so all three tie exactly: 'first' plays action 0, 'uniform' 1/3 each.
  const rps: FiniteGame = rockPaperScissors();
  const S = 4;
  const A = 3;
  function handBestResponse(atLast: number[]): Float64Array {
    const pi = new Float64Array(2 * S * A);
    for (let s = 0; s < S; s++) {
      pi.set([0, 0, 1], s * A);
      pi.set(atLast, (S + s) * A);
    }
    return pi;
  }

  it('first equals the hand-computed first-maximiser best response on RockPaperScissors (exact ties at t = 1)', () => {
    const e = evaluatePolicy(rps, uniformPolicy(rps));
    expect([...bestResponse(rps, e.qStar, 0, undefined, 'first')[0]!]).to.deep.equal([...handBestResponse([1, 0, 0])]);
    expect([...bestResponse(rps, e.qStar, 0)[0]!]).to.deep.equal([...handBestResponse([1 / 3, 1 / 3, 1 / 3])]);
  });

  it('fixed-point (undamped) steps to that best response; fp mixes it in by state mass: (5/6, 1/12, 1/12) at (t = 1, S)', async () => {
    const fixed = await runSolver(rps, createSolver('fixed-point', {}, { tieBreak: 'first' }), { iterations: 1 });
    expect(fixed.tieBreak).to.equal('first');
    expect([...fixed.policy[0]!]).to.deep.equal([...handBestResponse([1, 0, 0])]);
    // pi_1 = [(1/2)(1/3)·uniform + (1/2)·1·(1, 0, 0)] / (2/3) at S, where the BR's flow has all the mass.
    const fp = await runSolver(rps, createSolver('fp', {}, { tieBreak: 'first' }), { iterations: 1 });
    const atS = fp.policy[0]!.subarray((S + 3) * A, (S + 3) * A + A);
    expect(atS[0]).to.be.closeTo(5 / 6, 1e-15);
    expect(atS[1]).to.be.closeTo(1 / 12, 1e-15);
    expect(atS[2]).to.be.closeTo(1 / 12, 1e-15);
    const fpUniform = await runSolver(rps, createSolver('fp'), { iterations: 1 });
    expect(fpUniform.tieBreak).to.equal('uniform');
    for (const x of fpUniform.policy[0]!.subarray((S + 3) * A, (S + 3) * A + A)) expect(x).to.be.closeTo(1 / 3, 1e-15);
  });

  it("Maze-v0 FP: 'first' and 'uniform' agree at iteration 0 and part at iteration 1 by ~5e-5 relative, as issue #11 reports OpenSpiel against mfgym", async function () {
    this.timeout(30000);
    const maze = makeGame('Maze-v0') as FiniteGame;
    const first = await runSolver(maze, createSolver('fp', {}, { tieBreak: 'first' }), { iterations: 1 });
    const uniform = await runSolver(maze, createSolver('fp'), { iterations: 1 });
    expect(first.exploitability[0]).to.equal(uniform.exploitability[0]);
    const rel = Math.abs(first.exploitability[1]! - uniform.exploitability[1]!) / uniform.exploitability[1]!;
    expect(rel).to.be.within(4e-5, 6e-5);
  });

  it('solvers without a greedy best response refuse a tie rule; a bad rule names itself', () => {
    for (const name of ['omd', 'momd', 'bpi', 'prior-descent']) {
      expect(() => createSolver(name, {}, { tieBreak: 'first' }), name).to.throw(MfgError, /takes no greedy best response.*fp, fixed-point/);
    }
    expect(() => createSolver('fp', {}, { tieBreak: 'last' })).to.throw(MfgError, /"last".*uniform, first/);
    expect(createSolver('omd').tieBreak).to.equal(undefined);
  });
});

describe('tie rule in gd-fp', () => {
  it("with the exact population, gd-fp 'first' follows exact fp 'first' (Maze H = 6), records the rule, and gd-omd refuses one", async function () {
    this.timeout(30000);
    const { runGdMfrl } = await import('../../src/solvers/gd-mfrl');
    const maze = makeGame('Maze-v0', { H: 6 }) as FiniteGame;
    const exact = await runSolver(maze, createSolver('fp', {}, { tieBreak: 'first' }), { iterations: 3 });
    const gd = await runGdMfrl(maze, 'gd-fp', { iterations: 3, population: 'exact', tieBreak: 'first' });
    expect(gd.tieBreak).to.equal('first');
    for (let i = 0; i <= 3; i++) expect(gd.exploitability[i]).to.be.closeTo(exact.exploitability[i]!, 1e-12);
    let caught: unknown;
    try {
      await runGdMfrl(maze, 'gd-omd', { iterations: 1, population: 'exact', tieBreak: 'first' });
    } catch (e) {
      caught = e;
    }
    expect((caught as MfgError).code).to.equal('MFG_ERR_SOLVER_BAD_PARAM');
  });
});
