import { expect } from 'chai';
import { beachBar } from '../../envs/beach-bar';
import { crowdModelling1D } from '../../envs/crowd-modelling-1d';
import { crowdModelling2D } from '../../envs/crowd-modelling-2d';
import { MfgError } from '../../src/core/errors';
import type { FiniteGame, MeanFieldQuery } from '../../src/core/finite-game';
import { isFiniteGame } from '../../src/core/game';
import { Rng } from '../../src/core/rng';
import { uniformPolicy } from '../../src/core/tabular/policy';
import { makeEnv } from '../../src/gym/make-env';
import { supportsPerAgent } from '../../src/gym/stepping/stepping-path';
import { MfgVectorEnv, type VectorEnvOptions } from '../../src/gym/vector-env';
import { ExactPopulation } from '../../src/populations/exact-population';
import { ParticlePopulation } from '../../src/populations/particle-population';
import type { FinitePopulationFlow } from '../../src/populations/population';
import { list, makeGame } from '../../src/registry/registry';
import { randomPolicy } from '../envs/finite-env-invariants';
import '../../src/index';

/** Legal actions chosen by a fixed rule of (step, agent) so both paths see the same actions. */
function actionsFor(mask: Uint8Array, N: number, A: number, k: number): Int32Array {
  return Int32Array.from({ length: N }, (_, i) => {
    for (let j = 0; j < A; j++) {
      const a = (i * 3 + k + j) % A;
      if (mask[i * A + a]) return a;
    }
    return 0;
  });
}

/** Everything an env returns over a rollout, as plain numbers (compared with deep.equal: bit for bit). */
function rollout(game: FiniteGame, options: VectorEnvOptions, steps: number, N = 9) {
  const env = new MfgVectorEnv(game, { numAgents: N, entropySeed: 11, ...options });
  const r = env.reset(7);
  const out: unknown[] = [Array.from(r.obs), r.features ? Array.from(r.features) : null];
  let mask = r.infos.actionMask;
  for (let k = 0; k < steps; k++) {
    const s = env.step(actionsFor(mask, N, env.numActions, k));
    mask = s.infos.actionMask;
    out.push(Array.from(s.obs), Array.from(s.rewards), Array.from(s.terminated), Array.from(s.truncated), Array.from(mask));
    if (s.features) out.push(Array.from(s.features));
    if (s.infos.finalObs) out.push(Array.from(s.infos.finalObs), Array.from(s.infos.finalObsMask!));
  }
  out.push(Array.from(env.report().mu));
  return { out, path: env.stepping.path };
}

/** Every registered finite game at its default kwargs that can be stepped per agent. */
function perAgentGames(): [string, FiniteGame][] {
  const out: [string, FiniteGame][] = [];
  for (const spec of list()) {
    if (spec.kind !== 'finite') continue;
    const game = makeGame(spec.id);
    if (isFiniteGame(game) && supportsPerAgent(game)) out.push([spec.id, game]);
  }
  return out;
}

/** A flow that answers per-state queries only (log-masses, batched), like a generator over a big grid. */
function queryOnlyFlow(exact: ExactPopulation): FinitePopulationFlow & { batches: number } {
  const flow = {
    kind: 'generative' as const,
    horizon: exact.horizon,
    batches: 0,
    logStateMass: (p: number, t: number, s: number) => Math.log(exact.stateMass(p, t, s)),
    stateMass: (p: number, t: number, s: number) => Math.exp(flow.logStateMass(p, t, s)),
    logStateMassBatch(p: number, t: number, states: Int32Array, out = new Float64Array(states.length)) {
      flow.batches++;
      for (let i = 0; i < states.length; i++) out[i] = flow.logStateMass(p, t, states[i]!);
      return out;
    },
    sampleStates: (p: number, t: number, n: number, rng: Rng) => exact.sampleStates(p, t, n, rng),
    meanFieldAt: () => null,
    query: (t: number): MeanFieldQuery => ({ stateMass: (p, s) => flow.stateMass(p, t, s) }),
    memoryBytes: () => 0,
  };
  return flow;
}

describe('gym: per-agent stepping', () => {
  const games = perAgentGames();

  it('covers the grid games and the crowd games (they have rewardAt and static dynamics)', () => {
    const ids = games.map(([id]) => id);
    for (const id of ['CrowdModelling2D-v0', 'FourRooms-v0', 'Maze-v0', 'BeachBar-v0', 'CrowdModelling1D-v0']) expect(ids).to.include(id);
  });

  for (const [id, game] of games) {
    it(`${id}: table and per-agent paths give bit-identical trajectories (fixed, fictitious, live; both autoresets; features)`, () => {
      const flows: [string, FinitePopulationFlow][] = [
        ['uniform', ExactPopulation.fromPolicy(game, uniformPolicy(game))],
        ['random', ExactPopulation.fromPolicy(game, randomPolicy(game, 3))],
      ];
      const steps = Math.min(2 * game.horizon + 3, 30);
      for (const [name, population] of flows) {
        for (const meanField of ['fixed', 'fictitious', 'live'] as const) {
          for (const autoreset of ['next_step', 'same_step'] as const) {
            const options: VectorEnvOptions = { meanField, autoreset, population, populationFeatures: autoreset === 'same_step' ? 'moments' : 'none' };
            const table = rollout(game, { ...options, stepping: 'table' }, steps);
            const perAgent = rollout(game, { ...options, stepping: 'per-agent' }, steps);
            expect(table.path).to.equal('table');
            expect(perAgent.path).to.equal('per-agent');
            expect(perAgent.out, `${name} ${meanField} ${autoreset}`).to.deep.equal(table.out);
          }
        }
      }
    });
  }

  it('a query-only flow (no tables, batched log-masses) steps identically on both paths, one batch per epoch present', () => {
    const game = crowdModelling2D({ size: 6, H: 4, forbidden_cells: [[2, 2], [3, 2]], noise_intensity: 0.4 });
    const exact = ExactPopulation.fromPolicy(game, randomPolicy(game, 5));
    const table = rollout(game, { population: queryOnlyFlow(exact), stepping: 'table' }, 12, 40);
    const flow = queryOnlyFlow(exact);
    const perAgent = rollout(game, { population: flow, stepping: 'per-agent' }, 12, 40);
    expect(perAgent.out).to.deep.equal(table.out);
    // 12 steps, all agents in lockstep (one epoch present per step), minus the steps that only reset
    // (next_step resets every H + 1 = 5 steps: steps 5 and 10): 10 batches.
    expect(flow.batches).to.equal(10);
  });

  it('particles: same observations and flags on both paths, rewards equal to 1e-12 (histogram sums differ in the last bit)', () => {
    const game = crowdModelling2D({ size: 5, H: 6 });
    const population = ParticlePopulation.simulate(game, uniformPolicy(game), 200, new Rng(2));
    const N = 9;
    const envs = (['table', 'per-agent'] as const).map((stepping) => new MfgVectorEnv(game, { numAgents: N, population, stepping }));
    let masks = envs.map((e) => e.reset(4).infos.actionMask);
    for (let k = 0; k < 15; k++) {
      const [a, b] = envs.map((e, j) => e.step(actionsFor(masks[j]!, N, e.numActions, k)));
      expect(Array.from(b!.obs)).to.deep.equal(Array.from(a!.obs));
      expect(Array.from(b!.terminated)).to.deep.equal(Array.from(a!.terminated));
      for (let i = 0; i < N; i++) expect(b!.rewards[i]).to.be.closeTo(a!.rewards[i]!, 1e-12 * Math.max(1, Math.abs(a!.rewards[i]!)));
      masks = [a!.infos.actionMask, b!.infos.actionMask];
    }
  });

  it('ParticlePopulation.stateMassBatch equals stateMass bit for bit (repeats, empty states, both ends of the grid)', () => {
    const game = crowdModelling2D({ size: 9, H: 3, initial_cells: [[0, 0], [8, 8], [4, 4, 3]], noise_intensity: 0.5 });
    const population = ParticlePopulation.simulate(game, uniformPolicy(game), 300, new Rng(8));
    const rng = new Rng(9);
    const S = 81;
    for (let t = 0; t < 3; t++) {
      const states = Int32Array.from({ length: 500 }, (_, k) => (k < 4 ? [0, S - 1, 40, 0][k]! : rng.int(S)));
      const batch = population.stateMassBatch(0, t, states);
      const single = Array.from(states, (s) => population.stateMass(0, t, s));
      expect(Array.from(batch)).to.deep.equal(single);
      expect(single.some((m) => m === 0) && single.some((m) => m > 0)).to.equal(true);
    }
  });

  it('transitionRow is the kernel row, entry for entry (CrowdModelling2D with walls and noise, BeachBar, CrowdModelling1D)', () => {
    const cases: [string, FiniteGame][] = [
      ['crowd2d', crowdModelling2D({ size: 7, H: 3, forbidden_cells: [[1, 1], [1, 2], [4, 5]], noise_intensity: 0.3 })],
      ['crowd2d side 2', crowdModelling2D({ size: 2, H: 2 })],
      ['crowd2d side 1', crowdModelling2D({ size: 1, H: 2 })],
      ['crowd2d no walls', crowdModelling2D({ size: 6, H: 2, noise_intensity: 0.35 })],
      ['crowd2d no walls, no noise', crowdModelling2D({ size: 4, H: 2, noise_intensity: 0 })],
      ['beach bar', beachBar({ n: 6, bar: 2, H: 3, p_still: 0.2 })],
      ['crowd1d', crowdModelling1D({ size: 5, H: 3 })],
    ];
    for (const [name, game] of cases) {
      const { numStates: S, numActions: A } = game.populations[0]!;
      const zeros = [new Float64Array(S * A)];
      const K = game.transition(0, 0, zeros);
      for (let s = 0; s < S; s++) {
        for (let a = 0; a < A; a++) {
          const row = game.transitionRow!(0, 0, s, a);
          const r = s * A + a;
          expect(Array.from(row.next.subarray(row.start, row.end)), `${name} next (${s}, ${a})`).to.deep.equal(Array.from(K.next.subarray(K.rowStart[r]!, K.rowStart[r + 1]!)));
          expect(Array.from(row.prob.subarray(row.start, row.end)), `${name} prob (${s}, ${a})`).to.deep.equal(Array.from(K.prob.subarray(K.rowStart[r]!, K.rowStart[r + 1]!)));
        }
      }
    }
  });

  it('the per-agent path never asks for a kernel or a mean-field table', () => {
    const base = crowdModelling2D({ size: 8, H: 5 });
    const exact = ExactPopulation.fromPolicy(base, uniformPolicy(base));
    const game: FiniteGame = {
      ...base,
      transition: () => {
        throw new Error('kernel built');
      },
      reward: () => {
        throw new Error('reward table built');
      },
    };
    const flow = queryOnlyFlow(exact);
    const env = new MfgVectorEnv(game, { numAgents: 16, population: flow, stepping: 'auto', tableBudgetBytes: 0 });
    expect(env.stepping).to.deep.equal({ path: 'per-agent', tableBytes: 5 * 64 * 5 * 8, budgetBytes: 0, perAgentSupported: true });
    let mask = env.reset(1).infos.actionMask;
    for (let k = 0; k < 12; k++) mask = env.step(actionsFor(mask, 16, 5, k)).infos.actionMask;
  });

  it('the memory budget picks the path and the report says which', async () => {
    const game = crowdModelling2D({ size: 10, H: 10 });
    const bytes = 10 * 100 * 5 * 8;
    expect(new MfgVectorEnv(game, { tableBudgetBytes: bytes }).stepping.path).to.equal('table');
    expect(new MfgVectorEnv(game, { tableBudgetBytes: bytes - 1 }).stepping.path).to.equal('per-agent');
    // The default budget (256 MiB) keeps tables for small games; make-env passes the budget through.
    const env = await makeEnv('CrowdModelling2D-v0', { kwargs: { size: 10, H: 10 }, numAgents: 2 });
    expect(env.report().stepping).to.deep.equal({ path: 'table', tableBytes: bytes, budgetBytes: 256 * 1024 * 1024, perAgentSupported: true });
    const small = await makeEnv('CrowdModelling2D-v0', { kwargs: { size: 10, H: 10 }, numAgents: 2, tableBudgetBytes: 1000 });
    expect(small.report().stepping.path).to.equal('per-agent');
    // Games whose dynamics read the mean field keep tables whatever the budget, and refuse a forced per-agent path.
    const si = makeGame('SusceptibleInfected-v0') as FiniteGame;
    expect(new MfgVectorEnv(si, { tableBudgetBytes: 0 }).stepping).to.include({ path: 'table', perAgentSupported: false });
    try {
      new MfgVectorEnv(si, { stepping: 'per-agent' });
      expect.fail('expected MFG_ERR_GAME_UNSUPPORTED');
    } catch (e) {
      expect((e as MfgError).code).to.equal('MFG_ERR_GAME_UNSUPPORTED');
    }
    try {
      new MfgVectorEnv(game, { stepping: 'sometimes' as never });
      expect.fail('expected MFG_ERR_ENV_BAD_OPTION');
    } catch (e) {
      expect((e as MfgError).code).to.equal('MFG_ERR_ENV_BAD_OPTION');
    }
  });
});
