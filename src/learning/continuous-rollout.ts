import { MfgError } from '../core/errors';
import { Rng } from '../core/rng';
import type { Box } from '../core/spaces/box';

/**
 * What the continuous learners need of a vector env of a continuous game: N agents with Box
 * observations and Box actions, reset and step (the calls the socket serves). All agents of a
 * batch start together and every episode lasts exactly `horizon` steps, so the epoch of a step is
 * the number of steps since the reset; the learners append it (as t/H) to the observation.
 */
export interface BoxVectorEnv {
  readonly numAgents: number;
  readonly horizon: number;
  readonly observationSpace: Box;
  readonly actionSpace: Box;
  reset(seed?: number | null): { obs: ArrayLike<number> };
  step(actions: Float64Array | Float32Array): { obs: ArrayLike<number>; rewards: ArrayLike<number> };
}

/** How a continuous learner acts on a batch: inputs [N, inputDim] (obs row then t/H), actions out [N, actionDim]. */
export type ContinuousActor = (t: number, inputs: Float64Array, n: number, actions: Float64Array) => void;

/** One batched step of the N agents as the learners see it. */
export interface ContinuousStep {
  t: number;
  /** [N, inputDim]: the observation rows with t/H appended. */
  inputs: Float64Array;
  /** [N, obsDim]: the raw observation rows (the agents' states). */
  obs: ArrayLike<number>;
  actions: Float64Array;
  rewards: ArrayLike<number>;
}

/** Layout of the learners' network input: an observation row, then the epoch as t/H. */
export class ContinuousInput {
  readonly obsDim: number;
  readonly actionDim: number;
  readonly inputDim: number;
  readonly horizon: number;

  constructor(env: BoxVectorEnv) {
    this.obsDim = env.observationSpace.size;
    this.actionDim = env.actionSpace.size;
    this.inputDim = this.obsDim + 1;
    this.horizon = env.horizon;
  }

  /** inputs [n, inputDim] from observation rows at epoch t. */
  fill(obs: ArrayLike<number>, n: number, t: number, out: Float64Array): Float64Array {
    const d = this.obsDim;
    if (obs.length !== n * d) {
      throw new MfgError('MFG_ERR_INTERNAL', `the env returned ${obs.length} observation numbers, expected ${n}*${d}`);
    }
    const tau = t / this.horizon;
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < d; k++) out[i * (d + 1) + k] = obs[i * d + k]!;
      out[i * (d + 1) + d] = tau;
    }
    return out;
  }
}

export interface ContinuousBatch {
  /** Mean undiscounted return of the N agent-episodes. */
  meanReturn: number;
  /** Per-agent returns (length N). */
  returns: Float64Array;
}

/**
 * Plays one batch of N agent-episodes: reset (seeded when seed is not null; otherwise each agent
 * continues its own stream), H steps chosen by `act`, every step handed to onStep. Uses only
 * reset and step.
 */
export function playContinuousBatch(env: BoxVectorEnv, layout: ContinuousInput, act: ContinuousActor, onStep: ((step: ContinuousStep) => void) | null, seed: number | null): ContinuousBatch {
  const N = env.numAgents;
  const H = env.horizon;
  let obs = env.reset(seed).obs;
  const returns = new Float64Array(N);
  for (let t = 0; t < H; t++) {
    const inputs = layout.fill(obs, N, t, new Float64Array(N * layout.inputDim));
    const actions = new Float64Array(N * layout.actionDim);
    act(t, inputs, N, actions);
    const out = env.step(actions);
    for (let i = 0; i < N; i++) returns[i]! += out.rewards[i]!;
    onStep?.({ t, inputs, obs, actions, rewards: out.rewards });
    obs = out.obs;
  }
  let sum = 0;
  for (let i = 0; i < N; i++) sum += returns[i]!;
  return { meanReturn: sum / N, returns };
}

/** A Monte Carlo estimate with its standard error. */
export interface Estimate {
  mean: number;
  standardError: number;
  /** Agent-episodes averaged. */
  samples: number;
}

/**
 * The returns of a deterministic actor over `batches` batches of N agent-episodes, batch b reset
 * with the b-th seed drawn from `seed`: two actors evaluated with the same seed start from the
 * same initial states and draw the same noise (common random numbers), so their paired
 * difference has a small standard error.
 */
export function actorReturns(env: BoxVectorEnv, layout: ContinuousInput, act: ContinuousActor, batches: number, seed: number, onStep: ((step: ContinuousStep) => void) | null = null): Float64Array {
  const N = env.numAgents;
  const out = new Float64Array(batches * N);
  const seeds = new Rng(seed);
  for (let b = 0; b < batches; b++) out.set(playContinuousBatch(env, layout, act, onStep, seeds.nextSeed()).returns, b * N);
  return out;
}

/** Mean and standard error of independent samples (the agent-episodes, independent given the fixed flow). */
export function estimate(x: ArrayLike<number>): Estimate {
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i]!;
  const mean = s / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (x[i]! - mean) ** 2;
  return { mean, standardError: n > 1 ? Math.sqrt(v / (n - 1) / n) : 0, samples: n };
}

/** The paired difference a - b of two actors' returns under common random numbers. */
export function pairedEstimate(a: Float64Array, b: Float64Array): Estimate {
  return estimate(a.map((v, i) => v - b[i]!));
}

/** The value of a deterministic actor with its standard error (actorReturns, then estimate). */
export function evaluateActor(env: BoxVectorEnv, layout: ContinuousInput, act: ContinuousActor, batches: number, seed: number, onStep: ((step: ContinuousStep) => void) | null = null): Estimate {
  return estimate(actorReturns(env, layout, act, batches, seed, onStep));
}
