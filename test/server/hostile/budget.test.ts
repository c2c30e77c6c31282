import { expect } from 'chai';
import { builtinSpecs, registerBuiltinEnvs } from '../../../envs/index';
import { isFiniteGame } from '../../../src/core/game';
import { list, makeGame, resolveKwargs } from '../../../src/registry/registry';
import { MfgRemoteError, MfgClient } from '../../../clients/ts/index';
import { estimateEnvBytes } from '../../../src/server/env-budget';
import { connect, startServer } from '../server-harness';
import { MB, spawnServe, type ServeProcess } from './serve-process';

async function remoteError(p: Promise<unknown>): Promise<MfgRemoteError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof MfgRemoteError) return e;
    throw e;
  }
  throw new Error('expected an error reply');
}

describe('hostile clients (2): a resource budget checked before allocation', function () {
  this.timeout(30_000);

  it("every built-in finite env declares its cost, and the declaration is the built game's H, S, A", () => {
    registerBuiltinEnvs();
    const builtin = new Set(builtinSpecs.map((s) => s.id));
    const samples: Record<string, Record<string, unknown>> = {
      'CrowdModelling2D-v0': { size: 7, H: 3 },
      'Garnet-v0': { size: 9, num_action: 4, H: 2 },
      'BuildingEvacuation-v0': { floors: 2, L: 3, W: 4, H: 5 },
      'CrowdMotion-v0': { l: 5, w: 6, H: 3 },
      'LinearQuadratic-v0': { el: 4, m: 2, H: 3 },
      'PeriodicAversion-v0': { size: 9, n_actions_per_side: 2, H: 4 },
      'EquilibriumPrice-v0': { s_inv: 4, Q: 2, Hr: 1, H: 3 },
      'Maze-v0': { H: 7 },
      'FourRooms-v0': { H: 9 },
      'PredatorPrey-v0': { populations: 4, size: 6 },
      'CrowdAvoidance-v0': { size: 9, H: 4, forbidden_cells: [], targets: [[1, 1], [7, 7]], initial_cells: [[[0, 0]], [[8, 8]]] },
      'DynamicRouting-v0': { max_num_time_step: 100, time_step_length: 0.05 },
    };
    let checked = 0;
    for (const s of list()) {
      if (s.kind !== 'finite' || !builtin.has(s.id)) continue;
      expect(s.cost, `${s.id} declares no cost`).to.be.a('function');
      for (const raw of [{}, samples[s.id] ?? {}]) {
        const kwargs = resolveKwargs(s.id, raw);
        const game = makeGame(s.id, kwargs);
        if (!isFiniteGame(game)) throw new Error(s.id);
        const cost = s.cost!(kwargs);
        const p0 = game.populations[0]!;
        expect([cost.horizon, cost.states, cost.actions], `${s.id} ${JSON.stringify(raw)}`).to.deep.equal([game.horizon, p0.numStates, p0.numActions]);
        // Multi-population games (PredatorPrey, CrowdAvoidance) hold one set of tables per population, all of p0's size.
        expect(cost.populations ?? 1, `${s.id} populations`).to.equal(game.populations.length);
        for (const p of game.populations) expect([p.numStates, p.numActions], `${s.id} ${p.name}`).to.deep.equal([p0.numStates, p0.numActions]);
        checked++;
      }
    }
    expect(checked).to.be.at.least(30);
  });

  it('`CrowdModelling2D-v0 {"size": 3000}` is refused before allocating, naming the figure', async () => {
    const serve: ServeProcess = await spawnServe();
    const c = MfgClient.connect(serve.endpoint, { timeoutMs: 20_000 });
    try {
      await c.hello();
      const rss0 = serve.rss();
      const t0 = Date.now();
      const e = await remoteError(c.make('CrowdModelling2D-v0', { kwargs: { size: 3000 } }));
      const ms = Date.now() - t0;
      const grown = (serve.rss() - rss0) / MB;
      console.log(`      size 3000: ${e.code} in ${ms} ms, RSS +${grown.toFixed(1)} MB: ${e.message}`);
      expect(e.code).to.equal('MFG_ERR_SESSION_LIMIT');
      expect(e.details).to.deep.include({ limit: 'max_env_bytes', states: 9_000_000, actions: 5, horizon: 10 });
      expect(e.details.value).to.equal(estimateEnvBytes({ states: 9e6, actions: 5, horizon: 10, branching: 5 }, 1));
      expect(e.message).to.contain('10 x 9000000 x 5');
      expect(ms).to.be.below(500);
      expect(grown).to.be.below(20);
      // a huge horizon on a fixed-size maze too
      const h = await remoteError(c.make('Maze-v0', { kwargs: { H: 1e9 } }));
      expect(h.details).to.deep.include({ limit: 'max_env_bytes', horizon: 1e9 });
      expect(await c.ping()).to.equal(true);
    } finally {
      c.close();
      await serve.stop();
    }
  });

  it('global limits across connections: total bytes and total envs, announced in hello', async () => {
    const one = estimateEnvBytes({ states: 400, actions: 5, horizon: 10, branching: 5 }, 1)!;
    const lr = estimateEnvBytes({ states: 3, actions: 2, horizon: 2, branching: 1 }, 1)!;
    const total = 2 * one + lr; // two grids and a LeftRight fit, three grids do not
    const { server, endpoint } = await startServer({ maxTotalBytes: total, maxEnvsTotal: 3 });
    const a = connect(endpoint);
    const b = connect(endpoint);
    try {
      const hello = await a.hello();
      expect(hello.limits).to.deep.include({ max_total_bytes: total, max_envs_total: 3 });
      const e1 = await a.make('CrowdModelling2D-v0', { kwargs: { size: 20 } });
      await b.make('CrowdModelling2D-v0', { kwargs: { size: 20 } });
      const e = await remoteError(b.make('CrowdModelling2D-v0', { kwargs: { size: 20 } }));
      expect(e.code).to.equal('MFG_ERR_SESSION_LIMIT');
      expect(e.details).to.deep.include({ limit: 'max_total_bytes', in_use: 2 * one, max: total });
      await e1.close(); // frees its share for anyone
      await b.make('CrowdModelling2D-v0', { kwargs: { size: 20 } });
      await a.make('LeftRight-v0');
      const n = await remoteError(a.make('LeftRight-v0'));
      expect(n.details).to.deep.include({ limit: 'max_envs_total', max: 3 });
      expect(server.sessions.envCount).to.equal(3);
    } finally {
      a.close();
      b.close();
      await server.close();
    }
  });
});
