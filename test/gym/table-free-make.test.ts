import { expect } from 'chai';
import { beachBar } from '../../envs/beach-bar';
import { crowdModelling1D } from '../../envs/crowd-modelling-1d';
import { crowdModelling2D } from '../../envs/crowd-modelling-2d';
import { fourRooms } from '../../envs/four-rooms';
import { builtinSpecs, registerBuiltinEnvs } from '../../envs/index';
import { MfgRemoteError } from '../../clients/ts/index';
import type { FiniteGame } from '../../src/core/finite-game';
import { isFiniteGame } from '../../src/core/game';
import { Rng } from '../../src/core/rng';
import * as policyModule from '../../src/core/tabular/policy';
import { makeEnv, type MakeEnvOptions } from '../../src/gym/make-env';
import { supportsPerAgent } from '../../src/gym/stepping/stepping-path';
import type { MfgVectorEnv } from '../../src/gym/vector-env';
import { simulateAgents } from '../../src/populations/simulate-agents';
import { list, makeGame, resolveKwargs } from '../../src/registry/registry';
import { estimateEnvBytes, estimateMake } from '../../src/server/env-budget';
import { connect, startServer } from '../server/server-harness';

/** What a rollout of an env returns, as plain numbers (deep.equal: bit for bit). */
function rollout(env: MfgVectorEnv, steps: number): { obs: number[][]; rewards: number[][] } {
  const N = env.numAgents;
  const A = env.numActions;
  let r = env.reset(3);
  const obs = [Array.from(r.obs)];
  const rewards: number[][] = [];
  let mask = r.infos.actionMask;
  for (let k = 0; k < steps; k++) {
    const actions = Int32Array.from({ length: N }, (_, i) => {
      for (let j = 0; j < A; j++) if (mask[i * A + ((i + k + j) % A)]) return (i + k + j) % A;
      return 0;
    });
    const s = env.step(actions);
    obs.push(Array.from(s.obs));
    rewards.push(Array.from(s.rewards));
    mask = s.infos.actionMask;
  }
  return { obs, rewards };
}

/** The game with its transitionRow hidden: simulateAgents then reads the CSR kernel. */
function withoutRows(game: FiniteGame): FiniteGame {
  return Object.create(game, { transitionRow: { value: undefined } }) as FiniteGame;
}

describe('the table-free make (issue 7 item 6): per-agent stepping with a sample-based population and no H·S·A table', function () {
  this.timeout(60_000);

  it('simulated agents read from transitionRow equal those read from the kernel, bit for bit (walls, torus, forbidden cells)', () => {
    const games = [crowdModelling2D({ size: 9, H: 7 }), crowdModelling2D({ size: 8, H: 5, forbidden_cells: [[2, 2], [3, 5]] } as never), fourRooms({ H: 6 }), beachBar(), crowdModelling1D({ size: 11, H: 6 } as never)];
    for (const game of games) {
      expect(game.transitionRow, game.populations[0]!.name).to.be.a('function');
      const pi = policyModule.uniformPolicy(game);
      const rows = simulateAgents(game, pi, 700, new Rng(4));
      const kernel = simulateAgents(withoutRows(game), pi, 700, new Rng(4));
      expect(rows.cells.map((c) => c.map((x) => Array.from(x)))).to.deep.equal(kernel.cells.map((c) => c.map((x) => Array.from(x))));
    }
  });

  it('a make whose uniform policy table would be 419 MB builds none: per-agent stepping, particles from one policy epoch', async () => {
    registerBuiltinEnvs();
    const original = policyModule.uniformPolicy;
    // The H·S·A table is what must not be built: any call fails the make.
    (policyModule as { uniformPolicy: unknown }).uniformPolicy = () => {
      throw new Error('uniformPolicy (an H·S·A table) was built');
    };
    try {
      const env = await makeEnv('CrowdModelling2D-v0', { kwargs: { size: 512, H: 40 }, population: 'particles', numAgents: 64, populationSamples: 2000 });
      expect(env.stepping).to.deep.include({ path: 'per-agent', tableBytes: 40 * 512 * 512 * 5 * 8 });
      const { rewards } = rollout(env, 3);
      expect(rewards.flat().every(Number.isFinite)).to.equal(true);
      // The exact kind needs the table by nature: the stub proves the guard works.
      await expectRejection(makeEnv('CrowdModelling2D-v0', { kwargs: { size: 6, H: 3 }, population: 'exact' }), /H·S·A table/);
    } finally {
      (policyModule as { uniformPolicy: unknown }).uniformPolicy = original;
    }
  });

  it('the table-free population equals the one built from the uniform table; both stepping paths agree on it', async () => {
    registerBuiltinEnvs();
    for (const population of ['particles', 'generative']) {
      const settings = { steps: 30, maxRounds: 1, kernelTests: false, discriminator: { steps: 20 } };
      const base: MakeEnvOptions = { kwargs: { size: 6, H: 4 }, population, numAgents: 12, populationSamples: 600, populationSettings: settings, entropySeed: 5 };
      const game = makeGame('CrowdModelling2D-v0', resolveKwargs('CrowdModelling2D-v0', { size: 6, H: 4 })) as FiniteGame;
      const tableFree = rollout(await makeEnv('CrowdModelling2D-v0', { ...base, stepping: 'per-agent' }), 5);
      // The old path: the uniform policy given as a table (its flow simulated from that table).
      const fromTable = rollout(await makeEnv('CrowdModelling2D-v0', { ...base, stepping: 'per-agent', policy: policyModule.uniformPolicy(game) }), 5);
      expect(tableFree, population).to.deep.equal(fromTable);
      // The table path over the same population: same observations; rewards read mu_t from its table (1e-12).
      const tables = rollout(await makeEnv('CrowdModelling2D-v0', { ...base, stepping: 'table' }), 5);
      expect(tables.obs, population).to.deep.equal(tableFree.obs);
      tables.rewards.flat().forEach((r, i) => expect(r).to.be.closeTo(tableFree.rewards.flat()[i]!, 1e-12));
    }
  });

  it('the specs that declare perAgent and stateShape step per agent with transitionRow and have that grid', () => {
    registerBuiltinEnvs();
    const builtin = new Set(builtinSpecs.map((s) => s.id));
    let declared = 0;
    for (const s of list()) {
      if (!builtin.has(s.id) || s.cost === undefined) continue;
      for (const raw of [{}, s.id === 'CrowdModelling2D-v0' ? { size: 7, H: 3 } : {}]) {
        const kwargs = resolveKwargs(s.id, raw);
        const cost = s.cost(kwargs);
        if (cost.perAgent === undefined && cost.stateShape === undefined) continue;
        const game = makeGame(s.id, kwargs);
        if (!isFiniteGame(game)) throw new Error(s.id);
        if (cost.perAgent) expect(supportsPerAgent(game) && game.transitionRow !== undefined, s.id).to.equal(true);
        if (cost.stateShape) expect(cost.stateShape, s.id).to.deep.equal(game.populations[0]!.stateShape);
        declared++;
      }
    }
    expect(declared).to.be.at.least(2);
  });

  it('the server costs the path the make takes: 1024², H = 200, 65,536 agents, generative fits 2 GiB; the same grid with tables does not', () => {
    const cost = { states: 1024 * 1024, actions: 5, horizon: 200, branching: 5, perAgent: true, stateShape: [1024, 1024] };
    const free = estimateMake(cost, { numAgents: 65536, population: 'generative', meanField: 'fixed', policyGiven: false });
    expect(free.path).to.equal('per-agent');
    expect(free.bytes).to.be.within(256 * 2 ** 20, 2 ** 31);
    expect(free.figure).to.match(/per-agent stepping .* generative population of 10000 x 200 simulated agents and a generator/);
    // Tables wherever the env would build them: exact, a given policy, fictitious counts, or tables that fit the table budget.
    for (const shape of [{ population: 'exact' }, { policyGiven: true }, { meanField: 'fictitious' }]) {
      const e = estimateMake(cost, { numAgents: 65536, population: 'generative', meanField: 'fixed', policyGiven: false, ...shape });
      expect(e).to.deep.include({ path: 'tables', bytes: estimateEnvBytes(cost, 65536) });
      expect(e.bytes).to.be.above(2 ** 31 * 10);
    }
    const small = { ...cost, states: 64 * 64, stateShape: [64, 64] };
    expect(estimateMake(small, { numAgents: 10, population: 'particles', meanField: 'fixed', policyGiven: false }).path).to.equal('tables');
    // More simulated agents cost more: 10^6 x 200 samples do not fit.
    expect(estimateMake(cost, { numAgents: 65536, population: 'generative', meanField: 'fixed', policyGiven: false, samples: 1e6 }).bytes).to.be.above(2 ** 31);
  });

  it('over the socket: a 512², H = 40 particle make succeeds under a 600 MB env budget; exact is refused naming its tables; a generative over budget names its figure', async () => {
    const { server, endpoint } = await startServer({ maxEnvBytes: 600 * 2 ** 20 });
    const c = connect(endpoint);
    try {
      const env = await c.make('CrowdModelling2D-v0', { kwargs: { size: 512, H: 40 }, population: 'particles', numAgents: 256, populationSamples: 2000 });
      const r = await env.reset(1);
      expect(r.obs.shape).to.deep.equal([256, 3]);
      const s = await env.step(new Int32Array(256).fill(2));
      expect(Array.from(s.rewards.data as ArrayLike<number>).every(Number.isFinite)).to.equal(true);
      const e = await remoteError(c.make('CrowdModelling2D-v0', { kwargs: { size: 512, H: 40 }, population: 'exact', numAgents: 256 }));
      expect(e.code).to.equal('MFG_ERR_SESSION_LIMIT');
      expect(e.message).to.contain('40 x 262144 x 5 (H x S x A)');
      const g = await remoteError(c.make('CrowdModelling2D-v0', { kwargs: { size: 512, H: 40 }, population: 'generative', numAgents: 256, populationSamples: 200_000 }));
      expect(g.code).to.equal('MFG_ERR_SESSION_LIMIT');
      expect(g.message).to.contain('per-agent stepping (no H x S x A table), generative population of 200000 x 40 simulated agents');
      const bad = await remoteError(c.make('CrowdModelling2D-v0', { kwargs: { size: 8 }, population: 'generative', populationSettings: { exactTv: true } }));
      expect(bad.code).to.equal('MFG_ERR_PROTOCOL_INVALID_REQUEST');
      expect(await c.ping()).to.equal(true);
    } finally {
      c.close();
      await server.close();
    }
  });
});

async function expectRejection(p: Promise<unknown>, message: RegExp): Promise<void> {
  try {
    await p;
  } catch (e) {
    expect((e as Error).message).to.match(message);
    return;
  }
  throw new Error('expected a rejection');
}

async function remoteError(p: Promise<unknown>): Promise<MfgRemoteError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof MfgRemoteError) return e;
    throw e;
  }
  throw new Error('expected an error reply');
}
