import { expect } from 'chai';
import type { BoxVectorEnv } from '../../src/learning/continuous-rollout';
import { PpoBestResponse } from '../../src/learning/ppo';
import type { SolverParams } from '../../src/solvers/solver';

/**
 * Asserts that PPO resumes bit for bit: learning rounds 10 and 11 straight gives the curves and
 * policy weights of learning round 10, saving, loading into a fresh learner (another seed), and
 * learning round 11. Returns the saved state, for checks of what it records.
 */
export async function expectPpoResumesBitForBit(env: BoxVectorEnv, params: Readonly<SolverParams>): Promise<ReturnType<PpoBestResponse['saveState']>> {
  const straight = await PpoBestResponse.create(env, params, 4);
  const curves = { episodeReturn: [] as number[], loss: [] as number[] };
  await straight.learn(env, 10, curves);
  await straight.learn(env, 11, curves);
  const first = await PpoBestResponse.create(env, params, 4);
  const c2 = { episodeReturn: [] as number[], loss: [] as number[] };
  await first.learn(env, 10, c2);
  const saved = first.saveState();
  const resumed = await PpoBestResponse.create(env, params, 99);
  resumed.loadState(saved.meta, saved.arrays);
  await resumed.learn(env, 11, c2);
  expect(c2).to.deep.equal(curves);
  for (const [k, w] of straight.policy.net.weights) expect([...resumed.policy.net.weights.get(k)!.data], k).to.deep.equal([...w.data]);
  return saved;
}
