import type { GaussianFlowParams } from '../core/continuous-game';
import { MfgError } from '../core/errors';
import { Rng } from '../core/rng';
import { w2ToGaussian } from '../populations/gaussian-population';
import type { ContinuousFlowSamples, ContinuousPopulationFlow } from '../populations/population';
import type { StopReason } from '../solvers/run-solver';
import type { ParamSpecs } from '../solvers/solver';
import { actorReturns, pairedEstimate, playContinuousBatch, type BoxVectorEnv, type ContinuousActor, type ContinuousInput } from './continuous-rollout';
import type { LearningCurves } from './learning-result';
import { MixturePolicy } from './mixture-policy';
import { flag, nonNegativeInt, positiveInt } from './params';
import { PPO_PARAMS, PpoBestResponse } from './ppo';
import { TrajectoryPool } from './trajectory-pool';

export const AC_FP_PARAMS: ParamSpecs = {
  ...PPO_PARAMS,
  brIterations: positiveInt(20, 'PPO iterations per best response (the networks carry over between best responses)'),
  firstBrIterations: nonNegativeInt(
    0,
    'PPO iterations of the first best response (0: brIterations). FP\'s averaged mean is m_K = m_0 + sum_k e_k/k when a best response tracks the mean it answers (LQ), so the first best response\'s error keeps weight 1 and a later one\'s 1/k',
  ),
  poolSize: positiveInt(2048, 'agent trajectories carrying the averaged flow (rounded up to a multiple of agents)'),
  initialFlowMultiple: positiveInt(
    1,
    'the initial (passive) flow that the first best response answers is simulated with this many times poolSize agent-episodes. Why: a best response tracks the mean of the flow it answers, and FP\'s averaged mean keeps that (m_K = m_0 + sum_k e_k/k on LQ), so the Monte Carlo error of the initial flow\'s mean stays in the limit; the passive flow spreads most (LQ: sd 3.3 at T against 0.8 at equilibrium), so its mean is the noisiest, and it costs no network to simulate',
  ),
  brEnsemble: positiveInt(
    1,
    'independently seeded PPO learners per iteration (M). Each learns against the same flow; their uniform mixture is iteration k\'s best response (its 1/k share of the pool and of the output policy, and what the exploitability estimate plays). Why: a learned best response\'s flow misses the mean it answers by its own random error (LQ: about ±0.05 late, Adam\'s walk along the value\'s flat intercept direction), and FP keeps those errors (m_K = m_0 + sum_k e_k/k); the mixture of M independent ones has about 1/sqrt(M) of it. Costs M times the learning',
  ),
  evalBatches: positiveInt(8, 'batches of N agent-episodes behind each exploitability estimate'),
  generative: flag(0, '1: the population is a generator fitted to the visited states (MDN / coupling flow); 0: particles with a KDE'),
  kdePoints: positiveInt(2048, 'particles only: kernel centres of the KDE density (what crowd aversion reads)'),
};

/** A vector env of a continuous game in `fixed` mode whose flow the learner sets between iterations. */
export interface ContinuousFlowEnv extends BoxVectorEnv {
  setFlow(flow: ContinuousPopulationFlow): void;
}

/** Builds the population the env carries from the pool's samples (particles or a fitted generator). */
export type FlowBuilder = (samples: ContinuousFlowSamples, seed: number) => Promise<ContinuousPopulationFlow>;

export interface AcFpOptions {
  iterations: number;
  seed: number;
  poolSize: number;
  evalBatches: number;
  /** PPO iterations of the first best response (absent or 0: the learner's brIterations). */
  firstBrIterations?: number;
  /** The initial flow the first best response answers is simulated with this many pools' worth of paths (absent: 1). */
  initialFlowMultiple?: number;
  buildFlow: FlowBuilder;
  /** The closed-form equilibrium flow, when the game has one (LQ): W2 per iteration is reported against it. */
  reference?: GaussianFlowParams;
  signal?: AbortSignal;
  onIteration?: (iteration: number, exploitability: number, standardError: number) => void;
  onCheckpoint?: (state: AcFpState) => Promise<void>;
  resume?: AcFpState;
}

/** The run's state after an iteration: enough to continue bit for bit. */
export interface AcFpState {
  iteration: number;
  /** exploitability[j], standardError[j]: estimates for the output policy after j iterations (j < iteration). */
  exploitability: number[];
  standardError: number[];
  /** w2[j]: max over epochs of W2(mu_bar_j, reference); empty without a reference. */
  w2: number[];
  /** w2Mean[j]: the same W2 averaged over the epochs (a steadier figure than the max; see the bench's floor). */
  w2Mean: number[];
  seconds: number[];
  curves: LearningCurves;
  poolUpdates: number;
  /** Seed of the fit of the flow the env carries (a generator's fit is seeded). */
  flowSeed: number;
  arrays: Record<string, Float64Array | Float32Array | Int32Array>;
  /** The first learner's saveState meta; with brEnsemble M > 1 also `ensemble`: the other learners' metas, in order. */
  learnerMeta: Record<string, unknown>;
}

export interface AcFpResult extends Omit<AcFpState, 'arrays' | 'learnerMeta' | 'poolUpdates' | 'iteration' | 'flowSeed'> {
  iterations: number;
  stopped: StopReason;
  /** The output policy (mixture of the best responses) and the pool carrying its flow. */
  policy: MixturePolicy;
  /** The network input the policy reads (its epoch encoding): an env that plays the policy elsewhere needs the same. */
  layout: ContinuousInput;
  pool: TrajectoryPool;
}

/** Iteration k's own generator: every draw of iteration k comes from it, whatever ran before. */
export function iterationRng(seed: number, k: number): Rng {
  const r = new Rng(seed);
  for (let i = 0; i < k; i++) r.nextSeed();
  return new Rng(r.nextSeed());
}

/** The array keys of ensemble learner j in a checkpoint: learner 0 keeps its own (the same checkpoint as a single learner). */
function learnerPrefix(j: number): string {
  return j === 0 ? '' : `ensemble${j}.`;
}

/** The learners' states in one checkpoint (learnerMeta and arrays of AcFpState). */
function saveLearners(learners: readonly PpoBestResponse[]): { meta: Record<string, unknown>; arrays: Record<string, Float64Array | Float32Array> } {
  const states = learners.map((l) => l.saveState());
  const arrays: Record<string, Float64Array | Float32Array> = {};
  states.forEach((st, j) => {
    for (const [k, a] of Object.entries(st.arrays)) arrays[learnerPrefix(j) + k] = a;
  });
  const meta = learners.length > 1 ? { ...states[0]!.meta, ensemble: states.slice(1).map((st) => st.meta) } : states[0]!.meta;
  return { meta, arrays };
}

/** Loads saveLearners' output into learners of the same count. */
function loadLearners(learners: readonly PpoBestResponse[], meta: Record<string, unknown>, arrays: Record<string, ArrayLike<number>>): void {
  const others = (meta['ensemble'] ?? []) as Record<string, unknown>[];
  if (others.length !== learners.length - 1) {
    throw new MfgError('MFG_ERR_LEARNING_BAD_CHECKPOINT', `the checkpoint holds ${others.length + 1} learners, this run has ${learners.length} (brEnsemble)`, { details: { checkpointLearners: others.length + 1, runLearners: learners.length } });
  }
  const { ensemble: _ensemble, ...meta0 } = meta;
  learners.forEach((l, j) => {
    const prefix = learnerPrefix(j);
    const own = j === 0 ? arrays : Object.fromEntries(Object.entries(arrays).filter(([k]) => k.startsWith(prefix)).map(([k, a]) => [k.slice(prefix.length), a]));
    l.loadState(j === 0 ? meta0 : others[j - 1]!, own);
  });
}

/**
 * Continuous fictitious play with an actor-critic best response (GD-MFRL for continuous games):
 * the env stays in `fixed` mode carrying the averaged flow mu_bar (particles or a generator fitted
 * to a TrajectoryPool of the agents' visited states). Iteration k = 1, 2, ...:
 *   1. PPO learns BR_k against mu_bar_{k-1} from the env's samples (warm-started); with M
 *      learners (brEnsemble) each learns its own, and BR_k is their uniform mixture;
 *   2. the exploitability of the previous output policy is estimated:
 *      V(BR_k; mu_bar_{k-1}) - V(mixture of BR_1..BR_{k-1}; mu_bar_{k-1}), both by simulation in
 *      the env with common random numbers, with the standard error of the paired difference;
 *      a learned best response is at most the true one, so this estimates the exploitability
 *      from below (up to Monte Carlo noise);
 *   3. BR_k plays greedily (its mean action) for poolSize agent-episodes; the pool mixes its
 *      trajectories in with weight 1/k and the env's flow is refitted to the pool.
 * After the last iteration one more best response (on copies of the learners, so the run state is
 * untouched and a resumed run continues exactly) estimates the last output's exploitability.
 */
export async function runAcFp(env: ContinuousFlowEnv, learners: readonly PpoBestResponse[], options: AcFpOptions): Promise<AcFpResult> {
  // The learners' layout: the pool's play and every estimate feed their networks (and the mixture's, the same shapes).
  const ppo = learners[0]!;
  const layout = ppo.layout;
  const N = env.numAgents;
  const H = env.horizon;
  const batches = Math.ceil(options.poolSize / N);
  const pool = new TrajectoryPool(H, layout.obsDim, batches * N);
  const policy = new MixturePolicy(layout.actionDim);
  const t0 = process.hrtime.bigint();
  let offset = 0;
  const st: Omit<AcFpState, 'arrays' | 'learnerMeta' | 'poolUpdates' | 'flowSeed'> = { iteration: 0, exploitability: [], standardError: [], w2: [], w2Mean: [], seconds: [], curves: { episodeReturn: [], loss: [] } };
  /** `multiple` pools' worth of agent-episodes of `act`; the first pool's worth is the same for every multiple. */
  const play = (act: ContinuousActor, seed: number, multiple = 1): Float64Array[] => {
    const fresh = Array.from({ length: H }, () => new Float64Array(multiple * pool.size * layout.obsDim));
    const seeds = new Rng(seed);
    for (let b = 0; b < multiple * batches; b++) {
      playContinuousBatch(env, layout, act, (s) => fresh[s.t]!.set(s.obs, b * N * layout.obsDim), seeds.nextSeed());
    }
    return fresh;
  };
  const recordW2 = (): void => {
    const ref = options.reference;
    if (!ref) return;
    let worst = 0;
    let sum = 0;
    for (let t = 0; t < H; t++) {
      const w = w2ToGaussian(pool.points[t]!, pool.dim, ref.mean[t]!, ref.variance[t]!);
      worst = Math.max(worst, w);
      sum += w;
    }
    st.w2.push(worst);
    st.w2Mean.push(sum / H);
  };
  let flowSeed = 0;
  const setFlow = async (seed: number, points: readonly Float64Array[] = pool.points): Promise<void> => {
    flowSeed = seed;
    const copy = { horizon: H, dim: pool.dim, points: points.map((p) => p.slice()) };
    env.setFlow(await options.buildFlow(copy, seed));
  };
  if (options.resume) {
    const r = options.resume;
    Object.assign(st, { iteration: r.iteration, exploitability: [...r.exploitability], standardError: [...r.standardError], w2: [...r.w2], w2Mean: [...(r.w2Mean ?? [])], seconds: [...r.seconds], curves: { episodeReturn: [...r.curves.episodeReturn], loss: [...r.curves.loss] } });
    pool.loadArrays('pool', r.poolUpdates, r.arrays);
    policy.loadArrays('mixture', r.iteration * learners.length, ppo.policy.net, r.arrays);
    loadLearners(learners, r.learnerMeta, r.arrays);
    offset = r.seconds[r.seconds.length - 1] ?? 0;
    await setFlow(r.flowSeed);
  } else {
    // mu_bar_0: the passive policy's flow in the env as it starts (its initial flow).
    const r0 = iterationRng(options.seed, 0);
    const multiple = options.initialFlowMultiple ?? 1;
    const initial = play(policy.actor(), r0.nextSeed(), multiple);
    pool.points.forEach((p, t) => p.set(initial[t]!.subarray(0, p.length)));
    await setFlow(r0.nextSeed(), initial);
    recordW2();
  }
  const elapsed = (): number => offset + Number(process.hrtime.bigint() - t0) / 1e9;
  if (!options.resume) st.seconds.push(elapsed());
  /**
   * The learners learn against the current flow (learner 0 from the iteration's stream, learner
   * j > 0 from the j-th seed drawn from learner 0's seed, so M = 1 is the single-learner run);
   * the best response is their uniform mixture, whose exploitability estimate is recorded.
   * Learner 0 appends to `curves`.
   */
  const estimateAgainstFlow = async (brs: readonly PpoBestResponse[], rng: Rng, curves: LearningCurves, iterations?: number): Promise<MixturePolicy> => {
    const seed0 = rng.nextSeed();
    const others = new Rng(seed0);
    const br = new MixturePolicy(layout.actionDim);
    for (let j = 0; j < brs.length; j++) {
      await brs[j]!.learn(env, j === 0 ? seed0 : others.nextSeed(), j === 0 ? curves : { episodeReturn: [], loss: [] }, iterations);
      br.add(brs[j]!.policy.net);
    }
    const seed = rng.nextSeed();
    const e = pairedEstimate(actorReturns(env, layout, br.actor(), options.evalBatches, seed), actorReturns(env, layout, policy.actor(), options.evalBatches, seed));
    st.exploitability.push(e.mean);
    st.standardError.push(e.standardError);
    options.onIteration?.(st.exploitability.length - 1, e.mean, e.standardError);
    return br;
  };
  let stopped: StopReason = 'completed';
  for (let k = st.iteration + 1; k <= options.iterations; k++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (options.signal?.aborted) {
      stopped = 'interrupted';
      break;
    }
    const rng = iterationRng(options.seed, k);
    const first = options.firstBrIterations ?? 0;
    const br = await estimateAgainstFlow(learners, rng, st.curves, k === 1 && first > 0 ? first : undefined);
    pool.mixIn(play(br.actor(), rng.nextSeed()), new Rng(rng.nextSeed()));
    for (const l of learners) policy.add(l.policy.net);
    await setFlow(rng.nextSeed());
    recordW2();
    st.seconds.push(elapsed());
    st.iteration = k;
    if (options.onCheckpoint) {
      const learner = saveLearners(learners);
      await options.onCheckpoint({ ...structuredClone(st), poolUpdates: pool.updates, flowSeed, learnerMeta: learner.meta, arrays: { ...pool.toArrays('pool'), ...policy.toArrays('mixture'), ...learner.arrays } });
    }
  }
  if (stopped === 'completed' && st.exploitability.length === st.iteration) {
    // The last output's estimate: one more best response, on copies of the learners.
    const copies = learners.map((l) => {
      const copy = new PpoBestResponse(l.handle, env, l.params, 0);
      const saved = l.saveState();
      copy.loadState(saved.meta, saved.arrays);
      return copy;
    });
    await estimateAgainstFlow(copies, iterationRng(options.seed, st.iteration + 1), { episodeReturn: [], loss: [] });
  }
  return { exploitability: st.exploitability, standardError: st.standardError, w2: st.w2, w2Mean: st.w2Mean, seconds: st.seconds, curves: st.curves, iterations: st.iteration, stopped, policy, pool, layout };
}
