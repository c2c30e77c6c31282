import { expect } from 'chai';
import { registerBuiltinEnvs } from '../../envs/index';
import { leftRight } from '../../envs/left-right';
import { isMfgError } from '../../src/core/errors';
import type { FiniteGame } from '../../src/core/finite-game';
import { uniformPolicy } from '../../src/core/tabular/index';
import { list, makeGame } from '../../src/registry/registry';
import { createSolver, runSolver, solverNames } from '../../src/solvers/index';

async function rejection(p: Promise<unknown> | (() => unknown)): Promise<unknown> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

describe('runSolver', () => {
  const game = leftRight();

  it('records N+1 exploitabilities (index 0 = initial policy) and non-decreasing cumulative seconds', async () => {
    const r = await runSolver(game, createSolver('omd'), { iterations: 7 });
    expect(r.exploitability).to.have.length(8);
    expect(r.seconds).to.have.length(8);
    expect(r.exploitability[0]).to.equal(0.25); // uniform on LeftRight: -1/2 - (-3/4)
    for (let i = 1; i < 8; i++) expect(r.seconds[i]).to.be.at.least(r.seconds[i - 1]!);
    expect(r.iterations).to.equal(7);
    expect(r.stopped).to.equal('completed');
    expect(r.params).to.deep.equal({ alpha: 1 });
  });

  it('stops at tol and says so', async () => {
    const r = await runSolver(game, createSolver('omd'), { iterations: 100, tol: 1e-6 });
    expect(r.stopped).to.equal('tolerance');
    expect(r.exploitability[r.exploitability.length - 1]).to.be.at.most(1e-6);
    expect(r.exploitability.slice(0, -1).every((e) => e > 1e-6)).to.equal(true);
  });

  it('an aborted signal stops after the iteration in progress and keeps what was done', async () => {
    const controller = new AbortController();
    const r = await runSolver(game, createSolver('fp'), {
      iterations: 1000,
      signal: controller.signal,
      onIteration: ({ iteration }) => {
        if (iteration === 3) controller.abort();
      },
    });
    expect(r.stopped).to.equal('interrupted');
    expect(r.exploitability).to.have.length(4);
    expect(r.iterations).to.equal(3);
  });

  it('starts from a given policy (go-left: exploitability 1)', async () => {
    const pi = uniformPolicy(game);
    pi[0]!.set([1, 0], 0);
    const r = await runSolver(game, createSolver('fp'), { iterations: 1, initialPolicy: pi });
    expect(r.exploitability[0]).to.equal(1);
  });

  it('is deterministic: the same run twice gives bit-identical curves and policies', async () => {
    for (const name of solverNames()) {
      const a = await runSolver(game, createSolver(name), { iterations: 25 });
      const b = await runSolver(game, createSolver(name), { iterations: 25 });
      expect(b.exploitability, name).to.deep.equal(a.exploitability);
      expect(Array.from(b.policy[0]!), name).to.deep.equal(Array.from(a.policy[0]!));
    }
  });

  it('rejects bad parameters at the edge, naming the parameter, the value and what is expected', async () => {
    const cases: [() => unknown, RegExp][] = [
      [() => createSolver('fp', { alpha: 1.5 }), /fp: alpha = 1.5 is invalid, expected a number in \[0, 1\]/],
      [() => createSolver('omd', { alpha: -1 }), /omd: alpha = -1 is invalid, expected a finite number > 0/],
      [() => createSolver('bpi', { alpha: Number.NaN }), /bpi: alpha = null is invalid/],
      [() => createSolver('prior-descent', { nInner: 2.5 }), /nInner = 2.5 is invalid, expected a positive integer/],
      [() => createSolver('fixed-point', { alpha: 0 }), /alpha = 0 is invalid, expected a number in \(0, 1\]/],
      [() => createSolver('fp', { eta: 1 }), /fp takes no parameter "eta" \(it takes alpha, temperature\)/],
      [() => createSolver('fp', { temperature: '1' }), /temperature = "1" is invalid/],
      [() => runSolver(game, createSolver('fp'), { iterations: -1 }), /iterations = -1 is invalid, expected an integer >= 0/],
      [() => runSolver(game, createSolver('fp'), { iterations: 2.5 }), /iterations = 2.5/],
      [() => runSolver(game, createSolver('fp'), { iterations: 2, tol: -1 }), /tol = -1/],
    ];
    for (const [f, re] of cases) {
      const e = await rejection(f);
      expect(isMfgError(e), String(e)).to.equal(true);
      expect((e as { code: string }).code).to.equal('MFG_ERR_SOLVER_BAD_PARAM');
      expect((e as Error).message).to.match(re);
    }
    const unknown = await rejection(() => createSolver('sgd'));
    expect((unknown as { code: string }).code).to.equal('MFG_ERR_SOLVER_UNKNOWN');
    expect((unknown as Error).message).to.contain('fp, fixed-point, omd, momd, bpi, prior-descent');
  });

  it('rejects an initial policy that is not a distribution over legal actions', async () => {
    const pi = uniformPolicy(game);
    pi[0]![0] = 0.9;
    const e = await rejection(runSolver(game, createSolver('fp'), { iterations: 1, initialPolicy: pi }));
    expect((e as { code: string }).code).to.equal('MFG_ERR_POLICY_NOT_DISTRIBUTION');
  });

  it('handles several populations: two independent LeftRight populations sum their exploitabilities and both reach 2/3', async () => {
    const one = leftRight();
    const pop = one.populations[0]!;
    const two: FiniteGame = {
      kind: 'finite',
      horizon: one.horizon,
      populations: [pop, { ...pop, name: 'second' }],
      dynamicsDependOnMeanField: false,
      reward: (p, t, L, out) => one.reward(0, t, [L[p]!], out),
      transition: (p, t, L) => one.transition(0, t, [L[p]!]),
    };
    const single = await runSolver(one, createSolver('fp'), { iterations: 10 });
    const double = await runSolver(two, createSolver('fp'), { iterations: 10 });
    for (let i = 0; i <= 10; i++) expect(double.exploitability[i]).to.equal(2 * single.exploitability[i]!);
    const omd = await runSolver(two, createSolver('omd'), { iterations: 100 });
    expect(omd.policy[0]![0]).to.be.closeTo(2 / 3, 1e-12);
    expect(omd.policy[1]![0]).to.be.closeTo(2 / 3, 1e-12);
  });

  describe('exploitability >= 0 at every iteration, every solver, every registered finite game', () => {
    registerBuiltinEnvs();
    // Small instances keep this quick; the bound holds whatever the size.
    const small: Record<string, Record<string, unknown>> = {
      'CrowdModelling2D-v0': { size: 5, H: 5 },
      'FourRooms-v0': { H: 5 },
      'Maze-v0': { H: 5 },
      'BuildingEvacuation-v0': { floors: 2 },
    };
    for (const s of list()) {
      if (s.kind !== 'finite') continue;
      it(s.id, async function () {
        let g: FiniteGame;
        try {
          g = makeGame(s.id, small[s.id]) as FiniteGame;
        } catch {
          g = makeGame(s.id) as FiniteGame;
        }
        for (const name of solverNames()) {
          const r = await runSolver(g, createSolver(name), { iterations: 5 });
          // Q* >= Q^pi holds exactly in the reals; float rounding may leave -1e-15.
          for (const e of r.exploitability) expect(e, `${name} on ${s.id}`).to.be.at.least(-1e-12);
          for (const e of r.exploitability) expect(Number.isFinite(e), `${name} on ${s.id}`).to.equal(true);
        }
      });
    }
  });
});
