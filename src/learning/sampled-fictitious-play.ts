import { MfgError } from '../core/errors';
import type { FiniteGame } from '../core/finite-game';
import { Rng } from '../core/rng';
import { fictitiousUpdate } from '../gym/fictitious-update';
import type { MfgVectorEnv } from '../gym/vector-env';
import type { StopReason } from '../solvers/run-solver';
import { jointFlow, policyOfFlow } from './flow-policy';
import { GenerativeFlowEstimator } from './generative-flow';
import { CurveRecorder, type LearningCurves } from './learning-result';
import { countFlow, ObservationDecoder, playBatch, type ActionChooser, type BatchStep } from './rollout';

/** A best-response learner that fictitious play drives: it learns from the env's samples only. */
export interface BestResponseLearner {
  /**
   * How the played policy's empirical flow enters the env's flow: 'average' (fictitious play,
   * the default) or 'replace' (mirror descent: each iteration faces its own policy's flow).
   */
  readonly flowUpdate?: 'average' | 'replace';
  /** Learns a best response against the env's current (fixed) mean field; appends to curves. */
  learn(env: MfgVectorEnv, rng: Rng, seed: number, curves: LearningCurves): Promise<void>;
  /** How the learned policy plays to make the next flow (greedy for best responses). */
  greedy(rng: Rng): ActionChooser;
  /**
   * The policy greedy(rng) plays, tabulated over every (t, s) ([H·S·A], population 0): the
   * action part of a generative population's flow (GenerativeFlowEstimator).
   */
  playedPolicy?(): Float64Array;
  /** Sees every step of the best response's greedy play (D-AFP fills its reservoir here). */
  observeGreedy?(step: BatchStep, rng: Rng): void;
  /** The policy the run outputs, default: the policy of the averaged flow (policyOfFlow). */
  outputPolicy?(avgFlow: Float64Array, rng: Rng, curves: LearningCurves): Promise<Float64Array>;
  /** Everything needed to resume (JSON-able), and its inverse. */
  saveState(): Promise<LearnerState>;
  loadState(state: LearnerState): Promise<void>;
}

/** A learner's checkpoint: JSON metadata plus named binary arrays. */
export interface LearnerState {
  meta: Record<string, unknown>;
  arrays: Record<string, Float64Array | Float32Array | Int32Array | Uint8Array>;
}

export interface SampledFpOptions {
  iterations: number;
  /** Batches of N greedy best-response episodes whose visits make each new empirical flow. */
  popBatches: number;
  /**
   * Exact flows instead of the empirical flow of the play, set with env.setPolicy (as OpenSpiel's
   * deep solvers compute the policy's distribution): learners with an output policy (D-AFP,
   * D-MOMD) face that policy's exact flow (it replaces L̄); the others (q-fp, dqn-fp) average
   * their played best response's exact flow into L̄. In-process only: the socket serves no such call.
   */
  exactFlow?: boolean;
  /**
   * The generative population instead of the empirical flow: each iteration the visited states
   * of the best response's greedy play (the samples the empirical flow counts) are fitted as
   * gd-fp fits its agents, and the fitted flow mu^_t(s)·pi_t(a|s) of the played policy is what
   * enters L̄ (GenerativeFlowEstimator). Excludes exactFlow. settings go to every fit untouched.
   */
  generative?: { settings: Readonly<Record<string, unknown>>; warmStart: boolean };
  seed: number;
  signal?: AbortSignal;
  onIteration?: (iteration: number, exploitability: number) => void;
  /** Called after every iteration with the run's state (checkpointing). */
  onCheckpoint?: (state: SampledFpState) => Promise<void>;
  /** Resume from this state instead of starting. */
  resume?: SampledFpState;
}

/** The run's own state between iterations (the learner's is saved next to it). */
export interface SampledFpState {
  iteration: number;
  rng: number[];
  avgFlow: Float64Array;
  /** The last output policy (population 0). */
  policy: Float64Array;
  exploitability: number[];
  seconds: number[];
  curves: LearningCurves;
  learner: LearnerState;
}

export interface SampledFpResult {
  exploitability: number[];
  seconds: number[];
  curves: LearningCurves;
  policy: Float64Array;
  recorder: CurveRecorder;
  stopped: StopReason;
  /** The generative population's fits (null without one): their count, seconds and honesty verdicts. */
  generative: { fits: number; seconds: number; reports: GenerativeFlowEstimator['reports'] } | null;
}

/**
 * Fictitious play from samples (DESIGN §5, sample-based): the env stays in `fixed` mode and
 * carries the averaged flow L̄; each iteration k = 1, 2, ...
 *   1. the learner learns a best response against L̄ from episodes in the env;
 *   2. the best response plays greedily, and the visits' empirical flow L̂_k is averaged in,
 *      L̄ <- (1 - 1/(k+1)) L̄ + L̂_k/(k+1) (the env's own fictitious update rule);
 *   3. the output policy (by default the policy of L̄, i.e. the FP average policy) is evaluated.
 * The averaging is done here, not by the env's `fictitious` mode, so that exploration episodes
 * never enter the flow and the whole run state can be checkpointed. A learner with
 * flowUpdate = 'replace' (D-MOMD) turns the loop into sampled mirror descent: step 2 replaces
 * the flow by the played policy's own empirical flow. With options.generative, L̂_k is the flow
 * of a generative population fitted to the same visits (the played policy's actions on the
 * fitted state marginals), as in GD-MFRL.
 */
export async function runSampledFictitiousPlay(env: MfgVectorEnv, learner: BestResponseLearner, options: SampledFpOptions): Promise<SampledFpResult> {
  const game: FiniteGame = env.game;
  const dec = new ObservationDecoder(env);
  const { numStates: S, numActions: A, horizon: H } = dec;
  const rec = new CurveRecorder(game);
  let rng: Rng;
  let avgFlow: Float64Array;
  let start: number;
  if (options.resume) {
    const r = options.resume;
    rng = Rng.fromState(r.rng);
    avgFlow = r.avgFlow.slice();
    start = r.iteration;
    rec.exploitability.push(...r.exploitability);
    rec.seconds.push(...r.seconds);
    rec.curves.episodeReturn.push(...r.curves.episodeReturn);
    rec.curves.loss.push(...r.curves.loss);
    rec.offsetSeconds(r.seconds[r.seconds.length - 1] ?? 0);
    await learner.loadState(r.learner);
  } else {
    rng = new Rng(options.seed);
    avgFlow = jointFlow(game, env.currentPopulation);
    start = 0;
  }
  if (options.generative && options.exactFlow === true) {
    throw new MfgError('MFG_ERR_SOLVER_BAD_PARAM', 'generative and exactFlow are two different flows of the output policy: choose one', { details: { param: 'generative' } });
  }
  if ((options.generative || (options.exactFlow === true && !learner.outputPolicy)) && !learner.playedPolicy) {
    throw new MfgError('MFG_ERR_SOLVER_BAD_PARAM', 'this learner cannot tabulate the policy it plays, which a generative or exact population needs', { details: { param: 'generative' } });
  }
  const generative = options.generative ? new GenerativeFlowEstimator(game, { ...options.generative, signal: options.signal }) : null;
  let policy = options.resume ? options.resume.policy.slice() : policyOfFlow(game, avgFlow);
  if (start === 0) {
    const e = rec.record(policy);
    options.onIteration?.(0, e.exploitability);
  } else rec.record(policy, false);
  let stopped: StopReason = 'completed';
  for (let k = start + 1; k <= options.iterations; k++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (options.signal?.aborted) {
      stopped = 'interrupted';
      break;
    }
    env.setFlow([avgFlow]);
    await learner.learn(env, rng, rng.nextSeed(), rec.curves);
    const visits = countFlow(H, S, A);
    const greedy = learner.greedy(rng);
    const exact = options.exactFlow === true && learner.outputPolicy !== undefined;
    const exactPlayed = options.exactFlow === true && !exact;
    const popBatches = (exact || exactPlayed) && !learner.observeGreedy ? 0 : options.popBatches;
    generative?.reset();
    for (let b = 0; b < popBatches; b++) {
      playBatch(env, dec, greedy, (st) => {
        visits.add(st);
        generative?.add(st);
        learner.observeGreedy?.(st, rng);
      }, b === 0 ? rng.nextSeed() : null);
    }
    // The generator's flow has the counts' layout and sums to 1 per epoch: fictitiousUpdate takes it as counts.
    const sampled = generative ? await generative.fit(learner.playedPolicy!(), rng.nextSeed()) : exactPlayed ? exactFlowOf(env, learner.playedPolicy!()) : visits.counts;
    // fictitiousUpdate's weight is 1/(k+1): k = 0 replaces the flow by the empirical one.
    if (!exact) avgFlow = fictitiousUpdate(avgFlow, sampled, H, S * A, learner.flowUpdate === 'replace' ? 0 : k);
    policy = learner.outputPolicy ? await learner.outputPolicy(avgFlow, rng, rec.curves) : policyOfFlow(game, avgFlow);
    if (exact) {
      env.setPolicy([policy]);
      avgFlow = jointFlow(game, env.currentPopulation);
    }
    const e = rec.record(policy);
    options.onIteration?.(k, e.exploitability);
    if (options.onCheckpoint) {
      await options.onCheckpoint({
        iteration: k,
        rng: rng.getState(),
        avgFlow,
        policy,
        exploitability: [...rec.exploitability],
        seconds: [...rec.seconds],
        curves: { episodeReturn: [...rec.curves.episodeReturn], loss: [...rec.curves.loss] },
        learner: await learner.saveState(),
      });
    }
  }
  const fits = generative ? { fits: generative.fits, seconds: generative.seconds, reports: generative.reports } : null;
  return { exploitability: rec.exploitability, seconds: rec.seconds, curves: rec.curves, policy, recorder: rec, stopped, generative: fits };
}

/** The exact flow of a policy of population 0, [H·S·A], computed by the env (env.setPolicy; the next iteration sets its flow again). */
function exactFlowOf(env: MfgVectorEnv, policy: Float64Array): Float64Array {
  env.setPolicy([policy]);
  return jointFlow(env.game, env.currentPopulation);
}
