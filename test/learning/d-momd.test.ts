import { expect } from 'chai';
import { beachBar } from '../../envs/beach-bar';
import type { FiniteGame } from '../../src/core/finite-game';
import { Rng } from '../../src/core/rng';
import { epochView, meanFieldFlow, softmaxPolicy, uniformPolicy } from '../../src/core/tabular/index';
import { MfgVectorEnv } from '../../src/gym/vector-env';
import { D_MOMD_PARAMS, MunchausenLearner } from '../../src/learning/d-momd';
import type { Mlp } from '../../src/learning/mlp';
import { exactMunchausenTarget, MIN_ACTION_PROB } from '../../src/learning/munchausen-target';
import { createSolver, runSolver } from '../../src/solvers/index';
import { resolveParams } from '../../src/solvers/solver';

/**
 * Sets a flatState Q-network (inputs one-hot(s) + one-hot(t), two hidden layers of H·S units) to
 * a table: hidden unit t·S + s fires (value 1) only on its own (s, t), the second layer copies it,
 * and the output row of that unit is the table's row. Exact up to the float32 weights.
 */
function setTable(net: Mlp, table: Float64Array, S: number, H: number, A: number): void {
  const n = H * S;
  const w = (name: string) => net.weights.get(name)!.data;
  for (const name of ['W0', 'b0', 'W1', 'b1', 'W2', 'b2']) w(name).fill(0);
  for (let t = 0; t < H; t++) {
    for (let s = 0; s < S; s++) {
      const u = t * S + s;
      w('W0')[s * n + u] = 1;
      w('W0')[(S + t) * n + u] = 1;
      w('b0')[u] = -1;
      w('W1')[u * n + u] = 1;
      for (let a = 0; a < A; a++) w('W2')[u * A + a] = table[u * A + a]!;
    }
  }
  net.refresh();
}

/** A D-MOMD learner on the game with pi_k (previous network) = piK and the target network = Q. */
async function learnerAt(game: FiniteGame, piK: Float64Array, q: Float64Array, tau: number, alpha: number): Promise<MunchausenLearner> {
  const { numStates: S, numActions: A } = game.populations[0]!;
  const H = game.horizon;
  const params = resolveParams({ name: 'd-momd', params: D_MOMD_PARAMS }, { tau, alpha, flatState: 1, hidden: H * S, bufferSize: 4096 });
  const env = new MfgVectorEnv(game, { numAgents: 1, entropySeed: 0 });
  const learner = await MunchausenLearner.create(env, params, 0);
  const logPi = piK.map((p) => tau * Math.log(p));
  setTable(learner.q.online, logPi, S, H, A);
  await learner.outputPolicy(); // the online net (softmax = pi_k) becomes the previous network
  setTable(learner.q.online, q, S, H, A);
  learner.q.syncTarget();
  env.close();
  return learner;
}

/**
 * max over (t, s, a) of |E_{s'}[y(t, s, a, s')] - Q(t, s, a)|: the learner's Munchausen target
 * averaged exactly over the game's next states (every s' of the kernel row as one buffer row,
 * weighted by its probability), against the flow of pi_k, with its target network set to Q.
 */
function backupGap(game: FiniteGame, learner: MunchausenLearner, piK: Float64Array, q: Float64Array): number {
  const { numStates: S, numActions: A } = game.populations[0]!;
  const H = game.horizon;
  const flow = meanFieldFlow(game, [piK]);
  const mask = new Uint8Array(A).fill(1);
  const reward = new Float64Array(S * A);
  let gap = 0;
  for (let t = 0; t < H; t++) {
    const Lt = epochView(game, flow, t);
    game.reward(0, t, Lt, reward);
    const last = t === H - 1;
    const kernel = last ? null : game.transition(0, t, Lt);
    for (let s = 0; s < S; s++) {
      for (let a = 0; a < A; a++) {
        const r = s * A + a;
        const next = kernel ? Array.from({ length: kernel.rowStart[r + 1]! - kernel.rowStart[r]! }, (_, i) => kernel.rowStart[r]! + i) : [-1];
        let expected = 0;
        for (const k of next) {
          learner.buffer.clear();
          learner.buffer.addBatch({ t, states: Int32Array.of(s), mask, actions: Int32Array.of(a), rewards: Float64Array.of(reward[r]!), nextStates: Int32Array.of(kernel ? kernel.next[k]! : s), nextMask: mask, last });
          expected += (kernel ? kernel.prob[k]! : 1) * learner.munchausenTarget(0);
        }
        gap = Math.max(gap, Math.abs(expected - q[(t * S + s) * A + a]!));
      }
    }
  }
  return gap;
}

describe('learning: the Munchausen target of D-MOMD and its exact fixed point', function () {
  this.timeout(60000);
  const game = beachBar();
  const { numStates: S, numActions: A, legal } = game.populations[0]!;
  const H = game.horizon;
  // pi_k: exact MOMD (alpha 1) after 2 iterations, far from uniform but above the log floor.
  let piK: Float64Array;
  before(async () => {
    piK = (await runSolver(game, createSolver('momd', { alpha: 1 }), { iterations: 2 })).policy[0]!;
  });

  it('softmax of the tabular target from pi_k is exact MOMD\'s next iterate (alpha = 1/tau), to 1e-12', async () => {
    for (const tau of [1, 4]) {
      const from0 = softmaxPolicy(exactMunchausenTarget(game, uniformPolicy(game)[0]!, tau), 1 / tau, H, S, A, legal);
      const momd1 = (await runSolver(game, createSolver('momd', { alpha: 1 / tau }), { iterations: 1 })).policy[0]!;
      const momd2 = (await runSolver(game, createSolver('momd', { alpha: 1 / tau }), { iterations: 2 })).policy[0]!;
      expect(Math.min(...momd1)).to.be.above(MIN_ACTION_PROB); // the floor does not bite
      const from1 = softmaxPolicy(exactMunchausenTarget(game, momd1, tau), 1 / tau, H, S, A, legal);
      for (let j = 0; j < from0.length; j++) {
        expect(from0[j]).to.be.closeTo(momd1[j]!, 1e-12);
        expect(from1[j]).to.be.closeTo(momd2[j]!, 1e-12);
      }
    }
  });

  it('the learner\'s target, averaged over the next states, reproduces the tabular target when Q_target is it (float32 weights: 1e-6)', async () => {
    const tau = 1;
    expect(Math.min(...piK)).to.be.above(1e-3);
    const qStar = exactMunchausenTarget(game, piK, tau);
    expect(Math.max(...qStar.map(Math.abs))).to.be.above(1); // a table of real size, not zeros
    const learner = await learnerAt(game, piK, qStar, tau, 1);
    // measured 9.4e-8: the float32 rounding of table entries up to 3.6 (half an ulp is 1.2e-7)
    expect(backupGap(game, learner, piK, qStar)).to.be.below(1e-6);
    // The check has teeth: half the Munchausen weight moves the backup off Q* by tau·log pi_k/2.
    const half = await learnerAt(game, piK, qStar, tau, 0.5);
    expect(backupGap(game, half, piK, qStar)).to.be.above(0.1);
  });

  it('lrDecay: Adam\'s step falls linearly from learningRate to learningRate·(1 - lrDecay) within each iteration, and restarts at the next', async () => {
    const params = resolveParams({ name: 'd-momd', params: D_MOMD_PARAMS }, { brBatches: 2, agents: 4, trainSteps: 3, learningRate: 0.01, lrDecay: 0.75, batchSize: 8 });
    const env = new MfgVectorEnv(game, { numAgents: 4, meanField: 'fixed', entropySeed: 0 });
    const learner = await MunchausenLearner.create(env, params, 0);
    const rates: number[] = [];
    const train = learner.q.train.bind(learner.q);
    learner.q.train = (buffer, idx, y) => {
      rates.push(learner.q.trainer.learningRate);
      return train(buffer, idx, y);
    };
    const curves = { episodeReturn: [], loss: [] };
    const rng = new Rng(3);
    await learner.learn(env, rng, 1, curves);
    await learner.learn(env, rng, 2, curves);
    env.close();
    const T = 2 * H * 3;
    expect(rates.length).to.equal(2 * T);
    for (let i = 0; i < 2 * T; i++) expect(rates[i]).to.be.closeTo(0.01 * (1 - (0.75 * (i % T)) / (T - 1)), 1e-15);
    expect(rates[T - 1]).to.be.closeTo(0.0025, 1e-15);
  });
});
