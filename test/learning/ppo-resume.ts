import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { linearQuadraticContinuous } from '../../envs/linear-quadratic-continuous';
import type { ContinuousGame } from '../../src/core/continuous-game';
import type { BoxVectorEnv } from '../../src/learning/continuous-rollout';
import { PpoBestResponse } from '../../src/learning/ppo';
import { runContinuousLearningSolver } from '../../src/learning/run-continuous-learning';
import type { SolverParams } from '../../src/solvers/solver';

/** The small LQ (H = 6, dt = 0.5) that the ac-fp option and resume tests run on, a few hundred ms a run. */
export const SMALL_LQ: ContinuousGame = linearQuadraticContinuous({ H: 6, dt: 0.5 });

/** The ac-fp budget of those tests. */
export const SMALL_AC_FP: Readonly<Record<string, number>> = { agents: 32, brIterations: 2, minibatch: 96, poolSize: 64, evalBatches: 1 };

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

/**
 * Asserts that an ac-fp run resumes bit for bit: `iterations` straight equal 1 iteration with a
 * checkpoint in checkpointDir, then a run resumed from it (exploitability, W2 and curves).
 * Returns the straight run.
 */
export async function expectAcFpResumesBitForBit(
  game: ContinuousGame,
  params: Readonly<Record<string, number>>,
  checkpointDir: string,
  iterations = 2,
  seed = 5,
): Promise<Awaited<ReturnType<typeof runContinuousLearningSolver>>> {
  const full = await runContinuousLearningSolver(game, 'ac-fp', { iterations, seed, params });
  await runContinuousLearningSolver(game, 'ac-fp', { iterations: 1, seed, params, checkpointDir });
  const resumed = await runContinuousLearningSolver(game, 'ac-fp', { iterations, seed, params, resumeFrom: checkpointDir });
  expect(resumed.exploitability).to.deep.equal(full.exploitability);
  expect(resumed.w2ToEquilibrium).to.deep.equal(full.w2ToEquilibrium);
  expect(resumed.curves).to.deep.equal(full.curves);
  return resumed;
}

/**
 * Asserts that a checkpoint written before the params `added` existed resumes as they default:
 * a 1-iteration checkpoint of `params` (which leave `added` at their defaults) records them at
 * those values; with them deleted from its identity it resumes, to 2 iterations, into the plain
 * 2-iteration run (seed 4) bit for bit.
 */
export async function expectPreOptionCheckpointResumesAsDefault(game: ContinuousGame, params: Readonly<Record<string, number>>, added: Readonly<Record<string, number>>, checkpointDir: string): Promise<void> {
  const plain = await runContinuousLearningSolver(game, 'ac-fp', { iterations: 2, seed: 4, params });
  await runContinuousLearningSolver(game, 'ac-fp', { iterations: 1, seed: 4, params, checkpointDir });
  const file = path.join(checkpointDir, 'checkpoint.json');
  const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as { meta: { identity: { params: Record<string, unknown> } } };
  for (const [k, v] of Object.entries(added)) {
    expect(doc.meta.identity.params[k], k).to.equal(v);
    delete doc.meta.identity.params[k];
  }
  fs.writeFileSync(file, JSON.stringify(doc));
  const resumed = await runContinuousLearningSolver(game, 'ac-fp', { iterations: 2, seed: 4, params, resumeFrom: checkpointDir });
  expect(resumed.exploitability).to.deep.equal(plain.exploitability);
  expect(resumed.curves).to.deep.equal(plain.curves);
}
