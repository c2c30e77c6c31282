import { expect } from 'chai';
import { registerBuiltinEnvs } from '../../envs/index';
import { leftRight } from '../../envs/left-right';
import type { FiniteGame } from '../../src/core/finite-game';
import type { TabularPolicy } from '../../src/core/tabular/index';
import { makeGame } from '../../src/registry/registry';
import { createSolver, runSolver } from '../../src/solvers/index';
import { pLeft } from './helpers';

registerBuiltinEnvs();

/** The policy of every iteration (index 0 the initial one), population 0, copied. */
async function trajectory(game: FiniteGame, name: string, params: Record<string, number | null>, iterations: number, initialPolicy?: TabularPolicy) {
  const policies: Float64Array[] = [];
  const r = await runSolver(game, createSolver(name, params), { iterations, initialPolicy, onIteration: (e) => policies.push(e.evaluation.policy[0]!.slice()) });
  return { ...r, policies };
}

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let j = 0; j < a.length; j++) m = Math.max(m, Math.abs(a[j]! - b[j]!));
  return m;
}

describe('mirror descent in log space (OMD, MOMD, prior descent)', () => {
  it('Maze-v0 (alpha 0.1): MOMD and OMD, the same update in exact arithmetic, agree to 1e-9 for 200 iterations', async function () {
    this.timeout(60_000); // two 200-iteration runs on 484 states x 100 steps: ~6 s idle
    const maze = makeGame('Maze-v0') as FiniteGame;
    const omd = await runSolver(maze, createSolver('omd', { alpha: 0.1 }), { iterations: 200 });
    const momd = await runSolver(maze, createSolver('momd', { alpha: 0.1 }), { iterations: 200 });
    for (let i = 0; i <= 200; i++) expect(Math.abs(momd.exploitability[i]! - omd.exploitability[i]!), `iteration ${i}`).to.be.below(1e-9);
    expect(maxAbsDiff(momd.policy[0]!, omd.policy[0]!)).to.be.below(1e-9);
    // Every legal entry of the tables is positive: the support of a softmax is the legal set.
    const pop = maze.populations[0]!;
    const A = pop.numActions;
    for (const pi of [omd.policy[0]!, momd.policy[0]!]) {
      for (let j = 0; j < pi.length; j++) {
        const legal = pop.legal === null || pop.legal[(Math.floor(j / A) % pop.numStates) * A + (j % A)] === 1;
        if (legal) expect(pi[j]).to.be.greaterThan(0);
        else expect(pi[j]).to.equal(0);
      }
    }
  });

  it('Maze-v0 (default alpha 1, where the iteration is chaotic): MOMD and OMD agree to 1e-9 for 200 iterations', async function () {
    // Kept as normalised log pi, MOMD parted from OMD by 1e-9 at iteration 15 and by 278 later.
    this.timeout(60_000);
    const maze = makeGame('Maze-v0') as FiniteGame;
    const omd = await runSolver(maze, createSolver('omd', {}), { iterations: 200 });
    const momd = await runSolver(maze, createSolver('momd', {}), { iterations: 200 });
    for (let i = 0; i <= 200; i++) expect(Math.abs(momd.exploitability[i]! - omd.exploitability[i]!), `iteration ${i}`).to.be.below(1e-9);
    expect(maxAbsDiff(momd.policy[0]!, omd.policy[0]!)).to.be.below(1e-9);
  });

  it('RockPaperScissors (alpha 100): actions fall below 1e-300 and come back to > 0.5; MOMD tracks OMD to 1e-12 throughout', async () => {
    // A probability-space MOMD took log of the underflowed 0 here and lost the action for good.
    const rps = makeGame('RockPaperScissors-v0') as FiniteGame;
    const omd = await trajectory(rps, 'omd', { alpha: 100 }, 100);
    const momd = await trajectory(rps, 'momd', { alpha: 100 }, 100);
    let returns = 0;
    for (let a = 0; a < 3; a++) {
      let sunk = false;
      for (const pi of momd.policies) {
        if (pi[a]! < 1e-300) sunk = true;
        else if (sunk && pi[a]! > 0.5) {
          returns++;
          sunk = false;
        }
      }
    }
    expect(returns).to.be.at.least(3);
    for (let i = 0; i <= 100; i++) expect(maxAbsDiff(momd.policies[i]!, omd.policies[i]!), `iteration ${i}`).to.be.below(1e-12);
  });

  describe('a deterministic initial policy (always right on LeftRight) is not frozen', () => {
    const game = leftRight();
    const alwaysRight = (): TabularPolicy => {
      const pi = new Float64Array(game.horizon * 3 * 2);
      for (let r = 0; r < pi.length; r += 2) pi[r + 1] = 1;
      return [pi];
    };

    for (const [name, params, iterations, tol] of [
      ['omd', { alpha: 1 }, 200, 1e-12],
      ['momd', { alpha: 1 }, 200, 1e-12],
      ['prior-descent', { eta: 1, nInner: 2 }, 2000, 1e-12],
    ] as const) {
      it(`${name}: from P(left) = 0 to the equilibrium 2/3 (to ${tol}); iteration 0 is the given policy`, async () => {
        const r = await runSolver(game, createSolver(name, params), { iterations, initialPolicy: alwaysRight() });
        expect(r.exploitability[0]).to.be.greaterThan(0.5);
        expect(pLeft(r.policy)).to.be.closeTo(2 / 3, tol);
      });
    }

    it('omd from the deterministic start is omd from the start with its zeros at 1e-12 (the documented reading)', async () => {
      const floored = alwaysRight()[0]!.map((p) => (p === 0 ? 1e-12 : 1) / (1 + 1e-12));
      const a = await runSolver(game, createSolver('omd'), { iterations: 30, initialPolicy: alwaysRight() });
      const b = await trajectory(game, 'omd', {}, 30, [floored]);
      expect(maxAbsDiff(a.policy[0]!, b.policy[0]!)).to.be.below(1e-12);
    });
  });
});
