import { expect } from 'chai';
import { beachBar } from '../../envs/beach-bar';
import { susceptibleInfected } from '../../envs/susceptible-infected';
import { meanFieldFlow, type TabularPolicy, type TimeTable } from '../../src/core/tabular/index';
import { exactFlowSource, type FlowSource } from '../../src/solvers/flow-source';
import { runGdMfrl } from '../../src/solvers/gd-mfrl';
import { createSolver, runSolver, type SolverResult } from '../../src/solvers/index';

/** The exact flow handed out asynchronously, as an estimator would: the solver must not tell. */
function asyncExactSource(game: Parameters<typeof meanFieldFlow>[0]): FlowSource & { calls: number } {
  const s = {
    kind: 'exact-async',
    exact: false,
    averagesMixtures: false,
    calls: 0,
    flowOf: async (policy: TabularPolicy, out?: TimeTable) => {
      s.calls++;
      await new Promise<void>((r) => setImmediate(r));
      return meanFieldFlow(game, policy, out);
    },
  };
  return s;
}

function samePolicies(a: SolverResult | { policy: TabularPolicy }, b: { policy: TabularPolicy }): void {
  expect(a.policy).to.have.length(b.policy.length);
  a.policy.forEach((x, p) => expect(Array.from(x)).to.deep.equal(Array.from(b.policy[p]!)));
}

describe('flow sources injected into the solvers', () => {
  const games = { BeachBar: beachBar(), SusceptibleInfected: susceptibleInfected() };

  for (const [name, game] of Object.entries(games)) {
    it(`${name}: gd-fp and gd-omd through the exact source are fp and omd bit for bit`, async () => {
      for (const [gd, exact, params] of [
        ['gd-fp', 'fp', {}],
        ['gd-fp', 'fp', { alpha: 0.3, temperature: 0.5 }],
        ['gd-omd', 'omd', { alpha: 0.7 }],
      ] as const) {
        const reference = await runSolver(game, createSolver(exact, params), { iterations: 15 });
        const viaGd = await runGdMfrl(game, gd, { iterations: 15, population: 'exact', params });
        expect(viaGd.exploitability, `${gd} ${JSON.stringify(params)}`).to.deep.equal(reference.exploitability);
        expect(viaGd.estimatedExploitability).to.deep.equal(reference.exploitability);
        expect(viaGd.flowTv.every((x) => x === 0)).to.equal(true);
        samePolicies(viaGd, reference);
      }
    });
  }

  it('an explicit exact source, and the exact flow served asynchronously, give fp and fixed-point bit for bit', async () => {
    const game = games.SusceptibleInfected;
    for (const [name, params] of [
      ['fp', {}],
      ['fixed-point', { alpha: 0.5, temperature: 0.2 }],
    ] as const) {
      const reference = await runSolver(game, createSolver(name, params), { iterations: 12 });
      const explicit = await runSolver(game, createSolver(name, params), { iterations: 12, flowSource: exactFlowSource(game) });
      const source = asyncExactSource(game);
      const served = await runSolver(game, createSolver(name, params), { iterations: 12, flowSource: source });
      expect(explicit.exploitability).to.deep.equal(reference.exploitability);
      expect(served.exploitability, name).to.deep.equal(reference.exploitability);
      expect(served.estimatedExploitability).to.deep.equal(reference.exploitability);
      expect(served.flowTv.every((x) => x === 0)).to.equal(true);
      expect(served.flowSource).to.equal('exact-async');
      samePolicies(served, reference);
      // Every iterate's flow and every best response's flow came from the source: 13 + 12.
      expect(source.calls).to.equal(25);
    }
  });

  it('asked to, each generative fit warm-starts from the previous generator (autoregressive), never for softmax generators', async function () {
    this.timeout(120_000);
    const game = games.BeachBar;
    const quick = { steps: 100, maxRounds: 1, discriminator: { steps: 20 } };
    const ar = await runGdMfrl(game, 'gd-fp', { iterations: 2, population: 'generative', numAgents: 2000, seed: 2, warmStart: true, settings: { ...quick, generator: 'autoregressive' } });
    expect(ar.fitReports.map((r) => r!.warmStarted)).to.deep.equal([false, true, true]);
    for (const r of ar.fitReports) expect(r!.steps).to.be.within(1, 100);
    const soft = await runGdMfrl(game, 'gd-fp', { iterations: 1, population: 'generative', numAgents: 2000, seed: 2, warmStart: true, settings: quick });
    expect(soft.fitReports.map((r) => r!.warmStarted)).to.deep.equal([false, false]);
    const off = await runGdMfrl(game, 'gd-fp', { iterations: 1, population: 'generative', numAgents: 2000, seed: 2, settings: { ...quick, generator: 'autoregressive' } });
    expect(off.fitReports.map((r) => r!.warmStarted)).to.deep.equal([false, false]);
    // The first fit is the same either way (nothing to start from), bit for bit.
    expect(off.exploitability[0]).to.equal(ar.exploitability[0]);
    expect(off.estimatedExploitability[0]).to.equal(ar.estimatedExploitability[0]);
  });

  it('a biased source changes what the solver sees, not what is recorded: the recorded exploitability stays exact', async () => {
    const game = games.BeachBar;
    // Every flow shifted: all mass at epoch t moved one bar to the right (a deliberately wrong estimate).
    const wrong: FlowSource = {
      kind: 'shifted',
      exact: false,
      averagesMixtures: false,
      flowOf: (policy) => {
        const f = meanFieldFlow(game, policy);
        return f.map((x) => {
          const y = new Float64Array(x.length);
          const A = game.populations[0]!.numActions;
          for (let j = 0; j + A < x.length; j++) y[j + A] = x[j]!;
          return y;
        });
      },
    };
    const r = await runSolver(game, createSolver('fp'), { iterations: 4, flowSource: wrong });
    const reference = await runSolver(game, createSolver('fp'), { iterations: 4 });
    expect(r.exploitability[0]).to.equal(reference.exploitability[0]); // same uniform start, evaluated exactly
    expect(r.estimatedExploitability[0]).to.not.equal(r.exploitability[0]);
    expect(r.flowTv[0]).to.be.above(0.01);
    expect(r.exploitability.slice(1)).to.not.deep.equal(reference.exploitability.slice(1));
  });
});
