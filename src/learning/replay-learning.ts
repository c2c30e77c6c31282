import type { Rng } from '../core/rng';
import type { MfgVectorEnv } from '../gym/vector-env';
import type { SolverParams } from '../solvers/solver';
import { argmaxLegal, linearSchedule, randomLegal } from './action-choice';
import type { LearningCurves } from './learning-result';
import type { QNetwork } from './q-network';
import type { ReplayBuffer } from './replay-buffer';
import { ObservationDecoder, playBatch, type ActionChooser, type BatchStep } from './rollout';

/** What a replay-based Q learner (DQN, deep Munchausen OMD) brings to the shared play-and-train loop. */
export interface ReplayLearner {
  readonly params: Readonly<SolverParams>;
  readonly q: QNetwork;
  readonly buffer: ReplayBuffer;
  /** Scratch for one state's Q-values (length A). */
  readonly scratch: Float64Array;
  /** One gradient step on a minibatch of the buffer; returns its loss. */
  trainStep(rng: Rng): number;
}

/**
 * The loop DQN and deep Munchausen OMD share: brBatches batches of N agent-episodes played
 * epsilon-greedily on the online network (epsilon linear from epsilonStart to epsilonEnd), every
 * step's transitions into the replay buffer followed by trainSteps gradient steps. Only the
 * target of the gradient step differs between them. Records each batch's mean return and loss.
 */
export async function learnFromReplay(learner: ReplayLearner, env: MfgVectorEnv, rng: Rng, seed: number, curves: LearningCurves): Promise<void> {
  const { params: p, q, buffer, scratch } = learner;
  const dec = new ObservationDecoder(env);
  const A = env.numActions;
  buffer.clear();
  q.syncTarget();
  const batches = p['brBatches']!;
  // lrDecay (d-momd only; absent = 0, a constant step): Adam's step falls linearly from
  // learningRate to learningRate·(1 - lrDecay) over the best response's gradient steps, so the
  // last steps average the TD targets' sampling noise instead of tracking the latest minibatches.
  const lr0 = p['learningRate']!;
  const decay = p['lrDecay'] ?? 0;
  const totalSteps = batches * env.horizon * p['trainSteps']!;
  let step = 0;
  for (let b = 0; b < batches; b++) {
    const eps = linearSchedule(p['epsilonStart']!, p['epsilonEnd']!, Math.max(1, batches - 1), b);
    const choose: ActionChooser = (t, states, mask, out) => {
      for (let i = 0; i < states.length; i++) {
        out[i] = rng.random() < eps ? randomLegal(mask, i, A, rng) : argmaxLegal(q.values(states[i]!, t, scratch), 0, mask, i * A, A, rng);
      }
    };
    let lossSum = 0;
    let lossN = 0;
    const onStep = (st: BatchStep): void => {
      buffer.addBatch(st);
      for (let k = 0; k < p['trainSteps']!; k++) {
        if (decay > 0) q.trainer.learningRate = lr0 * (1 - (decay * step) / Math.max(1, totalSteps - 1));
        step++;
        lossSum += learner.trainStep(rng);
        lossN++;
      }
    };
    curves.episodeReturn.push(playBatch(env, dec, choose, onStep, b === 0 ? seed : null).meanReturn);
    curves.loss.push(lossN ? lossSum / lossN : NaN);
    // Every 8 batches, one macrotask turn so a SIGINT can land.
    if (b % 8 === 7) await new Promise<void>((r) => setImmediate(r));
  }
}
