import { expect } from 'chai';
import { registerBuiltinEnvs } from '../../envs/index';
import { MfgError } from '../../src/core/errors';
import type { FiniteGame } from '../../src/core/finite-game';
import { singlePopulationGame } from '../../src/core/single-population-game';
import { declarativeGame } from '../../src/registry/declarative-game';
import { makeGame } from '../../src/registry/registry';
import { makeEnv } from '../../src/gym/make-env';
import { makeSingleEnv } from '../../src/gym/single-agent-env';
import type { MeanFieldMode } from '../../src/gym/modes';
import { MfgVectorEnv } from '../../src/gym/vector-env';
import { noisyGrid } from './noisy-grid';

registerBuiltinEnvs();

function expectError(f: () => unknown, code: string): MfgError {
  try {
    f();
  } catch (e) {
    expect(e).to.be.instanceOf(MfgError);
    expect((e as MfgError).code).to.equal(code);
    return e as MfgError;
  }
  throw new Error(`expected ${code}`);
}

/**
 * Steps `free` (default mode) with actions that ignore the mask, and `strict` (mode 'error')
 * with the same actions where the test itself replaced every illegal one by `noop(state)`. The
 * two must agree on everything, and `free` must flag exactly the agents the test replaced.
 */
function compareWithHandSubstitution(free: MfgVectorEnv, strict: MfgVectorEnv, noopOf: (mask: Uint8Array, i: number) => number, steps: number) {
  const N = free.numAgents;
  const A = free.numActions;
  let a = free.reset(5);
  let b = strict.reset(5);
  let flagged = 0;
  let ended: Uint8Array = new Uint8Array(N);
  for (let k = 0; k < steps; k++) {
    expect(Array.from(a.obs)).to.deep.equal(Array.from(b.obs));
    const raw = Int32Array.from({ length: N }, (_, i) => (3 * i + k) % A);
    const mask = a.infos.actionMask;
    const substituted = raw.map((act, i) => (mask[i * A + act] === 1 ? act : noopOf(mask, i)));
    // next_step autoreset: the action of an agent whose episode just ended is ignored, not flagged.
    const expectedFlags = Array.from(raw, (act, i) => (ended[i] === 1 || mask[i * A + act] === 1 ? 0 : 1));
    const sa = free.step(raw);
    const sb = strict.step(substituted);
    expect(Array.from(sa.infos.illegalAction!), `step ${k}`).to.deep.equal(expectedFlags);
    expect(Array.from(sb.infos.illegalAction!)).to.deep.equal(new Array(N).fill(0));
    expect(Array.from(sa.rewards)).to.deep.equal(Array.from(sb.rewards));
    expect(Array.from(sa.terminated)).to.deep.equal(Array.from(sb.terminated));
    expect(Array.from(sa.infos.actionMask)).to.deep.equal(Array.from(sb.infos.actionMask));
    flagged += expectedFlags.reduce((x: number, y) => x + y, 0);
    ended = sa.terminated;
    a = sa;
    b = sb;
  }
  expect(Array.from(free.report().mu)).to.deep.equal(Array.from(strict.report().mu));
  return flagged;
}

describe('illegal actions in the gym env', () => {
  const modes: MeanFieldMode[] = ['fixed', 'fictitious', 'live'];

  for (const meanField of modes) {
    it(`FourRooms-v0 (${meanField}): a move into a wall is the stay action, flagged; same everything as stepping stay`, async () => {
      const opts = { numAgents: 6, meanField, updateEvery: meanField === 'fictitious' ? 1 : 0, entropySeed: 1 };
      const free = await makeEnv('FourRooms-v0', opts);
      const strict = await makeEnv('FourRooms-v0', { ...opts, illegalActions: 'error' });
      const stay = 2; // FourRooms' action labels: up, left, stay, right, down
      expect(free.game.populations[0]!.actionLabels![stay]).to.equal('stay');
      expect(free.game.populations[0]!.noopAction).to.equal(stay);
      const flagged = compareWithHandSubstitution(free, strict, () => stay, 90);
      expect(flagged).to.be.greaterThan(20); // the walls are hit often: the comparison is not vacuous
    });
  }

  it('a game that names no no-op steps the first legal action of the state (noisyGrid: action 2 illegal in the last column -> 0)', () => {
    const free = new MfgVectorEnv(noisyGrid(), { numAgents: 8, entropySeed: 2 });
    const strict = new MfgVectorEnv(noisyGrid(), { numAgents: 8, entropySeed: 2, illegalActions: 'error' });
    const firstLegal = (mask: Uint8Array, i: number) => {
      let a = 0;
      while (mask[i * 3 + a] === 0) a++;
      return a;
    };
    expect(compareWithHandSubstitution(free, strict, firstLegal, 40)).to.be.greaterThan(5);
  });

  it("'error' keeps the strict refusal: MFG_ERR_ENV_BAD_ACTION reason illegal, nothing stepped", async () => {
    const strict = await makeEnv('FourRooms-v0', { numAgents: 1, illegalActions: 'error' });
    const twin = await makeEnv('FourRooms-v0', { numAgents: 1 });
    const r = strict.reset(3);
    twin.reset(3);
    const mask = r.infos.actionMask;
    const wall = Array.from(mask).indexOf(0);
    expect(wall).to.be.greaterThan(-1); // (1, 1) has walls up and left
    const e = expectError(() => strict.step([wall]), 'MFG_ERR_ENV_BAD_ACTION');
    expect(e.details).to.deep.include({ agent: 0, value: wall, reason: 'illegal' });
    expect(Array.from(strict.step([2]).obs)).to.deep.equal(Array.from(twin.step([2]).obs));
  });

  it('the single-agent env reports info.illegalAction; a bad mode is MFG_ERR_ENV_BAD_OPTION', async () => {
    const env = await makeSingleEnv('FourRooms-v0', { entropySeed: 0 });
    const twin = await makeSingleEnv('FourRooms-v0', { entropySeed: 0 });
    const r = env.reset(0);
    twin.reset(0);
    const wall = Array.from(r.info.actionMask).indexOf(0);
    const s = env.step(wall);
    const t = twin.step(2);
    expect(s.info.illegalAction).to.equal(true);
    expect(t.info.illegalAction).to.equal(false);
    expect(s.obs).to.deep.equal(t.obs);
    expect(s.reward).to.equal(t.reward);
    const err = (await makeEnv('FourRooms-v0', { illegalActions: 'wrap' as 'noop' }).catch((e: unknown) => e)) as MfgError;
    expect(err).to.be.instanceOf(MfgError);
    expect(err.code).to.equal('MFG_ERR_ENV_BAD_OPTION');
    expect(err.details).to.deep.include({ option: 'illegal_actions', value: 'wrap' });
  });

  it('a declared noopAction must be an action legal in every state (MFG_ERR_GAME_INVALID otherwise)', () => {
    const base = makeGame('FourRooms-v0') as FiniteGame;
    const pop = base.populations[0]!;
    const def = (noopAction: number) => () =>
      singlePopulationGame({
        horizon: 2,
        numStates: pop.numStates,
        numActions: pop.numActions,
        mu0: pop.mu0,
        legal: pop.legal,
        noopAction,
        dynamicsDependOnMeanField: false,
        reward: (_t, _L, out) => out.fill(0),
        transition: () => base.transition(0, 0, [new Float64Array(pop.numStates * pop.numActions)]),
      });
    expect(() => def(2)()).not.to.throw();
    expect(expectError(def(0), 'MFG_ERR_GAME_INVALID').message).to.match(/noopAction 0 must be legal in every state, and is not in state \d+/);
    expectError(def(5), 'MFG_ERR_GAME_INVALID');
  });

  it('a declarative game names its no-op with noopAction; without one the first legal action is stepped', () => {
    // A corridor 0-1-2, actions right, left, stay; left is illegal at 0 and right at 2.
    const doc = (noopAction?: number) => ({
      id: 'test/Corridor-v0',
      description: 'corridor',
      horizon: 3,
      numStates: 3,
      numActions: 3,
      mu0: [1, 0, 0],
      legal: [
        [1, 0, 1],
        [1, 1, 1],
        [0, 1, 1],
      ],
      ...(noopAction === undefined ? {} : { noopAction }),
      transitions: { deterministic: [[1, 0, 0], [2, 0, 1], [2, 1, 2]] },
      rewards: [[0, 0, 1], [0, 0, 2], [0, 0, 3]],
    });
    const stays = new MfgVectorEnv(declarativeGame(doc(2)), { numAgents: 1, entropySeed: 0 });
    const moves = new MfgVectorEnv(declarativeGame(doc()), { numAgents: 1, entropySeed: 0 });
    stays.reset(0);
    moves.reset(0);
    const a = stays.step([1]);
    const b = moves.step([1]);
    expect([a.obs[0], a.rewards[0], a.infos.illegalAction![0]]).to.deep.equal([0, 1, 1]); // stay: reward 1 at state 0
    expect([b.obs[0], b.rewards[0], b.infos.illegalAction![0]]).to.deep.equal([1, 0, 1]); // right, the first legal action
    expect(() => declarativeGame(doc(0))).to.throw(/noopAction 0 is illegal in state 2/);
  });
});
