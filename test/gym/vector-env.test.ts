import { expect } from 'chai';
import { leftRight } from '../../envs/left-right';
import { MfgError } from '../../src/core/errors';
import { meanFieldFlow, uniformPolicy } from '../../src/core/tabular/index';
import { ExactPopulation } from '../../src/populations/exact-population';
import { fictitiousUpdate } from '../../src/gym/fictitious-update';
import { MfgVectorEnv } from '../../src/gym/vector-env';
import { noisyGrid } from './noisy-grid';

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

/** Legal actions chosen by a fixed rule of (step, agent, state) so runs are reproducible. */
function legalActions(env: MfgVectorEnv, mask: Uint8Array, k: number): Int32Array {
  const A = env.numActions;
  return Int32Array.from({ length: env.numAgents }, (_, i) => {
    for (let j = 0; j < A; j++) {
      const a = (i + k + j) % A;
      if (mask[i * A + a]) return a;
    }
    return 0;
  });
}

function rollout(env: MfgVectorEnv, seed: number | number[], steps: number) {
  const r = env.reset(seed);
  const out = [{ obs: Array.from(r.obs), t: Array.from(r.infos.t), mask: Array.from(r.infos.actionMask) }] as Record<string, number[]>[];
  let mask = r.infos.actionMask;
  for (let k = 0; k < steps; k++) {
    const s = env.step(legalActions(env, mask, k));
    mask = s.infos.actionMask;
    out.push({ obs: Array.from(s.obs), rewards: Array.from(s.rewards), terminated: Array.from(s.terminated), t: Array.from(s.infos.t), mask: Array.from(mask) });
  }
  return out;
}

describe('gym: MfgVectorEnv', () => {
  describe('LeftRight (H = 2), fixed uniform flow', () => {
    it('observations are (state, t); the step at epoch H-1 terminates; rewards read Gamma(uniform)', () => {
      const env = new MfgVectorEnv(leftRight(), { numAgents: 4 });
      expect(env.observationSpace.toJSON()).to.deep.equal({ type: 'MultiDiscrete', nvec: [3, 3] });
      expect(env.actionSpace.toJSON()).to.deep.equal({ type: 'Discrete', n: 2, start: 0 });
      const r = env.reset(0);
      expect(Array.from(r.obs)).to.deep.equal([0, 0, 0, 0, 0, 0, 0, 0]);
      expect(Array.from(r.infos.t)).to.deep.equal([0, 0, 0, 0]);
      expect(Array.from(r.infos.actionMask)).to.deep.equal([1, 1, 1, 1, 1, 1, 1, 1]);
      const s1 = env.step(Int32Array.of(0, 0, 1, 1));
      expect(Array.from(s1.obs)).to.deep.equal([1, 1, 1, 1, 2, 1, 2, 1]);
      expect(Array.from(s1.rewards)).to.deep.equal([0, 0, 0, 0]);
      expect(Array.from(s1.terminated)).to.deep.equal([0, 0, 0, 0]);
      // Gamma(uniform): mu_1 = (0, 1/2, 1/2), so r(left) = -1/2 and r(right) = -2 * 1/2.
      const s2 = env.step(Int32Array.of(0, 1, 0, 1));
      expect(Array.from(s2.rewards)).to.deep.equal([-0.5, -0.5, -1, -1]);
      expect(Array.from(s2.terminated)).to.deep.equal([1, 1, 1, 1]);
      expect(Array.from(s2.truncated)).to.deep.equal([0, 0, 0, 0]);
      expect(Array.from(s2.obs)).to.deep.equal([1, 2, 1, 2, 2, 2, 2, 2]);
      expect(s2.infos.finalObs).to.equal(undefined);
    });

    it('next_step autoreset: the step after the end resets, ignores the actions, reward 0, not terminated', () => {
      const env = new MfgVectorEnv(leftRight(), { numAgents: 2, autoreset: 'next_step' });
      env.reset(1);
      env.step(Int32Array.of(0, 1));
      env.step(Int32Array.of(0, 0));
      const s3 = env.step(Int32Array.of(7, -3)); // ignored: both agents are being reset
      expect(Array.from(s3.obs)).to.deep.equal([0, 0, 0, 0]);
      expect(Array.from(s3.rewards)).to.deep.equal([0, 0]);
      expect(Array.from(s3.terminated)).to.deep.equal([0, 0]);
      const s4 = env.step(Int32Array.of(1, 0));
      expect(Array.from(s4.obs)).to.deep.equal([2, 1, 1, 1]);
    });

    it('same_step autoreset: obs is the reset observation, final_obs/final_info carry the terminal one', () => {
      const env = new MfgVectorEnv(leftRight(), { numAgents: 2, autoreset: 'same_step' });
      env.reset(1);
      const s1 = env.step(Int32Array.of(0, 1));
      expect(s1.infos.finalObs).to.equal(undefined);
      const s2 = env.step(Int32Array.of(0, 0));
      expect(Array.from(s2.obs)).to.deep.equal([0, 0, 0, 0]);
      expect(Array.from(s2.terminated)).to.deep.equal([1, 1]);
      expect(Array.from(s2.rewards)).to.deep.equal([-0.5, -1]);
      expect(Array.from(s2.infos.finalObs!)).to.deep.equal([1, 2, 2, 2]);
      expect(Array.from(s2.infos.finalObsMask!)).to.deep.equal([1, 1]);
      expect(Array.from(s2.infos.finalInfo!.t)).to.deep.equal([2, 2]);
      expect(Array.from(s2.infos.finalInfoMask!)).to.deep.equal([1, 1]);
      expect(Array.from(s2.infos.t)).to.deep.equal([0, 0]);
      // the next step is an ordinary first step of the new episode
      const s3 = env.step(Int32Array.of(1, 1));
      expect(Array.from(s3.obs)).to.deep.equal([2, 1, 2, 1]);
    });

    it('disabled autoreset: stepping an ended agent is NEEDS_RESET until reset_mask resets it', () => {
      const env = new MfgVectorEnv(leftRight(), { numAgents: 3, autoreset: 'disabled' });
      expectError(() => env.step(Int32Array.of(0, 0, 0)), 'MFG_ERR_ENV_NEEDS_RESET');
      env.reset(5);
      env.step(Int32Array.of(0, 1, 0));
      const s2 = env.step(Int32Array.of(0, 0, 0));
      expect(Array.from(s2.terminated)).to.deep.equal([1, 1, 1]);
      const e = expectError(() => env.step(Int32Array.of(0, 0, 0)), 'MFG_ERR_ENV_NEEDS_RESET');
      expect(e.details).to.deep.equal({ agents: [0, 1, 2], count: 3 });
      const r = env.reset(null, { resetMask: Uint8Array.of(1, 0, 1) });
      expect(Array.from(r.obs)).to.deep.equal([0, 0, 2, 2, 0, 0]);
      const e2 = expectError(() => env.step(Int32Array.of(0, 0, 0)), 'MFG_ERR_ENV_NEEDS_RESET');
      expect(e2.details).to.deep.equal({ agents: [1], count: 1 });
      env.reset(null, { resetMask: [false, true, false] });
      expect(Array.from(env.step(Int32Array.of(1, 1, 0)).obs)).to.deep.equal([2, 1, 2, 1, 1, 1]);
    });
  });

  describe('seeding and determinism', () => {
    it('same seed and actions give identical trajectories; another seed does not', () => {
      const a = rollout(new MfgVectorEnv(noisyGrid(), { numAgents: 50 }), 123, 12);
      const b = rollout(new MfgVectorEnv(noisyGrid(), { numAgents: 50 }), 123, 12);
      const c = rollout(new MfgVectorEnv(noisyGrid(), { numAgents: 50 }), 124, 12);
      expect(a).to.deep.equal(b);
      expect(a).to.not.deep.equal(c);
    });

    it('an int seed s seeds agent i with s + i (Gymnasium vector convention): agent i alone reproduces it', () => {
      const N = 6;
      const big = rollout(new MfgVectorEnv(noisyGrid(), { numAgents: N }), 1000, 7);
      for (let i = 0; i < N; i++) {
        const env = new MfgVectorEnv(noisyGrid(), { numAgents: 1 });
        // agent i in the big env used action rule index i; the lone agent uses index 0, so pick the same actions by hand
        const r = env.reset(1000 + i);
        expect(Array.from(r.obs)).to.deep.equal(big[0]!.obs!.slice(i * 3, i * 3 + 3));
        let mask = r.infos.actionMask;
        for (let k = 0; k < 7; k++) {
          const A = 3;
          let act = 0;
          for (let j = 0; j < A; j++) {
            const a = (i + k + j) % A;
            if (mask[a]) {
              act = a;
              break;
            }
          }
          const s = env.step(Int32Array.of(act));
          mask = s.infos.actionMask;
          expect(Array.from(s.obs)).to.deep.equal(big[k + 1]!.obs!.slice(i * 3, i * 3 + 3));
          expect(s.rewards[0]).to.equal(big[k + 1]!.rewards![i]);
        }
      }
    });

    it('a seed list equals the int seed it spells out; reset() without a seed continues the streams', () => {
      const a = rollout(new MfgVectorEnv(noisyGrid(), { numAgents: 4 }), [7, 8, 9, 10], 6);
      const b = rollout(new MfgVectorEnv(noisyGrid(), { numAgents: 4 }), 7, 6);
      expect(a).to.deep.equal(b);
      const env = new MfgVectorEnv(noisyGrid(), { numAgents: 4, entropySeed: 99 });
      const first = Array.from(env.reset(3).obs);
      const again = Array.from(env.reset(3).obs);
      expect(again).to.deep.equal(first);
      const unseeded1 = new MfgVectorEnv(noisyGrid(), { numAgents: 4, entropySeed: 99 });
      const unseeded2 = new MfgVectorEnv(noisyGrid(), { numAgents: 4, entropySeed: 99 });
      expect(Array.from(unseeded1.reset().obs)).to.deep.equal(Array.from(unseeded2.reset().obs));
    });

    it('episodes last exactly H steps: terminated first at the H-th step, then every H (+1 for next_step resets)', () => {
      const env = new MfgVectorEnv(noisyGrid(), { numAgents: 3, autoreset: 'next_step' });
      let mask = env.reset(0).infos.actionMask;
      const terminatedAt: number[] = [];
      for (let k = 1; k <= 18; k++) {
        const s = env.step(legalActions(env, mask, k));
        mask = s.infos.actionMask;
        if (s.terminated[0]) terminatedAt.push(k);
        expect(Array.from(s.terminated)).to.deep.equal([s.terminated[0], s.terminated[0], s.terminated[0]]);
      }
      expect(terminatedAt).to.deep.equal([5, 11, 17]);
    });

    it('bad actions and seeds are typed errors that name the agent, and leave the env untouched', () => {
      const env = new MfgVectorEnv(noisyGrid(), { numAgents: 4 });
      const r = env.reset(11);
      expectError(() => env.reset(-1), 'MFG_ERR_SEED_INVALID');
      expectError(() => env.reset(2 ** 53), 'MFG_ERR_SEED_INVALID');
      const e0 = expectError(() => env.reset([1, 2, 0.5, 4]), 'MFG_ERR_SEED_INVALID');
      expect(e0.details.index).to.equal(2);
      expectError(() => env.reset([1, 2]), 'MFG_ERR_ENV_BAD_OPTION');
      expectError(() => env.reset(null, { resetMask: Uint8Array.of(1) }), 'MFG_ERR_ENV_BAD_OPTION');
      const e1 = expectError(() => env.step(Float64Array.of(0, NaN, 0, 0)), 'MFG_ERR_ENV_BAD_ACTION');
      expect(e1.details).to.deep.include({ agent: 1, reason: 'nan' });
      const e2 = expectError(() => env.step(Int32Array.of(0, 0, 3, 0)), 'MFG_ERR_ENV_BAD_ACTION');
      expect(e2.details).to.deep.include({ agent: 2, value: 3, reason: 'range' });
      expectError(() => env.step(Float64Array.of(0, 0, 0, 1.5)), 'MFG_ERR_ENV_BAD_ACTION');
      expectError(() => env.step(Int32Array.of(0, 0, 0)), 'MFG_ERR_ENV_BAD_ACTION');
      // put agent 0 in the last column and try action 2 there
      const fresh = new MfgVectorEnv(noisyGrid(), { numAgents: 4, illegalActions: 'error' });
      let obs = fresh.reset(11).obs;
      expect(Array.from(obs)).to.deep.equal(Array.from(r.obs));
      let found = -1;
      for (let seed = 0; seed < 200 && found < 0; seed++) {
        obs = fresh.reset(seed).obs;
        for (let i = 0; i < 4; i++) if (obs[i * 3 + 1] === 3) found = i;
      }
      expect(found).to.be.greaterThan(-1);
      const acts = Int32Array.of(0, 0, 0, 0);
      acts[found] = 2;
      const e3 = expectError(() => fresh.step(acts), 'MFG_ERR_ENV_BAD_ACTION');
      expect(e3.details).to.deep.include({ agent: found, reason: 'illegal' });
      // the failed steps changed nothing: stepping now matches a twin env
      const twin = new MfgVectorEnv(noisyGrid(), { numAgents: 4 });
      twin.reset(11);
      expect(Array.from(env.step(Int32Array.of(0, 1, 0, 1)).obs)).to.deep.equal(Array.from(twin.step(Int32Array.of(0, 1, 0, 1)).obs));
    });
  });

  describe('mean-field modes', () => {
    it('fictitious: the update is the FP average (1-w)L + w·Lhat with w = 1/(k+1), computed by hand on LeftRight', () => {
      const game = leftRight();
      const env = new MfgVectorEnv(game, { numAgents: 4, meanField: 'fictitious' });
      expectError(() => new MfgVectorEnv(game, { numAgents: 4 }).updatePopulation(), 'MFG_ERR_ENV_BAD_MODE');
      env.reset(0);
      env.step(Int32Array.of(0, 0, 0, 1)); // 3 left, 1 right
      env.step(Int32Array.of(0, 0, 1, 1));
      const u1 = env.updatePopulation();
      expect(u1).to.deep.equal({ iteration: 1, weight: 0.5, samples: 8, episodes: 4 });
      // By hand (layout s*2 + a, s = center, left, right):
      //   L_0 = 1/2 (1/2, 1/2, 0, 0, 0, 0) + 1/2 (3/4, 1/4, 0, 0, 0, 0)
      //   L_1 = 1/2 (0, 0, 1/4, 1/4, 1/4, 1/4) + 1/2 (0, 0, 2/4, 1/4, 0, 1/4)
      const flow = (env.currentPopulation as ExactPopulation).flow[0]!;
      expect(Array.from(flow)).to.deep.equal([0.625, 0.375, 0, 0, 0, 0, 0, 0, 0.375, 0.25, 0.125, 0.25]);
      // rewards follow: mu_1(left) = 0.625, mu_1(right) = 0.375
      env.step(Int32Array.of(9, 9, 9, 9)); // next_step reset
      env.step(Int32Array.of(0, 1, 1, 1));
      const s = env.step(Int32Array.of(0, 0, 0, 0));
      expect(Array.from(s.rewards)).to.deep.equal([-0.625, -0.75, -0.75, -0.75]);
      // second update, w = 1/3, against the visits of the second episode only
      const u2 = env.updatePopulation();
      expect(u2).to.deep.equal({ iteration: 2, weight: 1 / 3, samples: 8, episodes: 4 });
      const flow2 = (env.currentPopulation as ExactPopulation).flow[0]!;
      const lhat = Float64Array.of(0.25, 0.75, 0, 0, 0, 0, 0, 0, 0.25, 0, 0.75, 0);
      for (let j = 0; j < 12; j++) expect(flow2[j]).to.be.closeTo((2 / 3) * flow[j]! + lhat[j]! / 3, 1e-15);
      expect(env.report()).to.deep.include({ meanField: 'fictitious', iteration: 2, episodes: 0, samples: 0 });
    });

    it('fictitious with update_every = 1 refits by itself after each episode of N agents', () => {
      const env = new MfgVectorEnv(leftRight(), { numAgents: 2, meanField: 'fictitious', updateEvery: 1 });
      env.reset(0);
      env.step(Int32Array.of(0, 0));
      expect(env.report().iteration).to.equal(0);
      env.step(Int32Array.of(0, 0));
      expect(env.report().iteration).to.equal(1);
      // everyone went left: L_1(left) = 1/2 * 1/2 + 1/2 * 1
      expect(env.report().mu[3 + 1]).to.equal(0.75);
    });

    it('fictitious refits converge to the averaged flow: repeated all-left play drives mu_1(left) to 1 - 1/(2(k+1))', () => {
      const env = new MfgVectorEnv(leftRight(), { numAgents: 3, meanField: 'fictitious', autoreset: 'same_step' });
      env.reset(0);
      for (let k = 1; k <= 5; k++) {
        env.step(Int32Array.of(0, 0, 0));
        env.step(Int32Array.of(1, 1, 1));
        env.updatePopulation();
        expect(env.report().mu[4]).to.be.closeTo(1 - 1 / (2 * (k + 1)), 1e-15);
      }
    });

    it('live: rewards read the empirical distribution of the agents themselves', () => {
      const env = new MfgVectorEnv(leftRight(), { numAgents: 4, meanField: 'live' });
      env.reset(0);
      env.step(Int32Array.of(0, 0, 0, 1)); // 3 left, 1 right at t = 1
      const s = env.step(Int32Array.of(0, 1, 0, 0));
      expect(Array.from(s.rewards)).to.deep.equal([-0.75, -0.75, -0.75, -0.5]);
      const rep = env.report();
      expect(Array.from(rep.mu)).to.deep.equal([1, 0, 0, 0, 0.75, 0.25]);
      expectError(() => env.setFlow(meanFieldFlow(leftRight(), uniformPolicy(leftRight()))), 'MFG_ERR_ENV_BAD_MODE');
    });

    it('live with many agents on the noisy grid matches a hand-built empirical reward table', () => {
      const game = noisyGrid();
      const N = 40;
      const env = new MfgVectorEnv(game, { numAgents: N, meanField: 'live' });
      const r = env.reset(77);
      const acts = legalActions(env, r.infos.actionMask, 0);
      const s = env.step(acts);
      const L = new Float64Array(36);
      for (let i = 0; i < N; i++) {
        const st = r.obs[i * 3]! * 4 + r.obs[i * 3 + 1]!;
        L[st * 3 + acts[i]!]! += 1 / N;
      }
      const table = new Float64Array(36);
      game.reward(0, 0, [L], table);
      for (let i = 0; i < N; i++) {
        const st = r.obs[i * 3]! * 4 + r.obs[i * 3 + 1]!;
        expect(s.rewards[i]).to.be.closeTo(table[st * 3 + acts[i]!]!, 1e-12);
      }
    });

    it('fixed: setPolicy moves the flow to Gamma(pi); the fictitious update itself is a pure function', () => {
      const game = leftRight();
      const env = new MfgVectorEnv(game, { numAgents: 1 });
      const pi = uniformPolicy(game);
      pi[0]![0] = 1;
      pi[0]![1] = 0;
      env.setPolicy(pi);
      env.reset(0);
      env.step(Int32Array.of(0));
      expect(env.step(Int32Array.of(0)).rewards[0]).to.equal(-1);
      expect(Array.from(fictitiousUpdate(Float64Array.of(1, 0, 0.5, 0.5), Float64Array.of(0, 0, 0, 2), 2, 2, 1))).to.deep.equal([1, 0, 0.25, 0.75]);
      expect(new ExactPopulation(game, meanFieldFlow(game, pi)).stateMass(0, 1, 1)).to.equal(1);
    });
  });
});
