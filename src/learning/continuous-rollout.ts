import { MfgError } from '../core/errors';
import { Rng } from '../core/rng';
import type { Box } from '../core/spaces/box';

/**
 * What the continuous learners need of a vector env of a continuous game: N agents with Box
 * observations and Box actions, reset and step (the calls the socket serves; the gym's
 * ContinuousVectorEnv is one). All agents of a batch start together and every episode lasts
 * exactly `horizon` steps, so the epoch of a step is the number of steps since the reset; the
 * learners feed the network the state coordinates and the epoch (ContinuousInput).
 */
export interface BoxVectorEnv {
  readonly numAgents: number;
  readonly horizon: number;
  /** An observation row: the state's stateDim coordinates, then possibly more (the env's epoch t), which the learners skip. */
  readonly observationSpace: Box;
  /** Coordinates of the state at the start of an observation row (default: the whole row). */
  readonly stateDim?: number;
  readonly actionSpace: Box;
  reset(seed?: number | null): { obs: ArrayLike<number> };
  step(actions: Float64Array): { obs: ArrayLike<number>; rewards: ArrayLike<number> };
}

/** How a continuous learner acts on a batch: inputs [N, inputDim] (state, then the epoch's encoding), actions out [N, actionDim]. */
export type ContinuousActor = (t: number, inputs: Float64Array, n: number, actions: Float64Array) => void;

/** One batched step of the N agents as the learners see it. */
export interface ContinuousStep {
  t: number;
  /** [N, inputDim]: the states with the epoch's encoding appended (ContinuousInput). */
  inputs: Float64Array;
  /** [N, obsDim]: the agents' states (the first obsDim coordinates of each observation row). */
  obs: Float64Array;
  /** [N, actionDim]: the actions as chosen (before the clip to the action box that the env is sent). */
  actions: Float64Array;
  rewards: ArrayLike<number>;
}

/**
 * How the network input carries the epoch t of a horizon H:
 * - 'scalar': one input t/H. The networks are then smooth in t, so a feedback that changes
 *   abruptly near the end (LQ's Riccati gain rises to 0.96 at t = H-2 and drops to the terminal
 *   cost's 0.01 at t = H-1) is smoothed over the last epochs.
 * - 'one-hot': H inputs, 1 at index t (OpenSpiel's MFG observation, as the finite learners'
 *   StateEncoding), so every epoch has its own first-layer weights: its own offset of the hidden
 *   units, hence its own gain and intercept.
 * - 'scalar+one-hot': t/H, then the one-hot (1 + H inputs): what is smooth in t (the critic's
 *   value-to-go, most of the gain) is shared across epochs through t/H, and the one-hot is free
 *   to correct single epochs.
 * - 'scalar+time-to-go': t/H, then exp(-(H-1-t)/tau) for tau in TIME_TO_GO_SCALES (1 + 3
 *   inputs): smooth features that are 0 far from the end and rise to 1 at the last epoch over
 *   2, 5 and 15 epochs, a small basis for what changes fast near the end of a finite horizon
 *   (LQ's value curvature rises from 0.36 to 0.525, and the gain with it, over the last ten
 *   epochs), shared by all epochs unlike the one-hot's H free rows.
 * - 'scalar+time-to-go+last': the same, then a one-hot of the last LAST_EPOCHS epochs
 *   (1[t = H-1], 1[t = H-2], ...), then every state coordinate times each of those 3 + LAST_EPOCHS
 *   time features (the one-hot and the products zero-initialised like the one-hot). Why the
 *   products: through a one-hot row alone an epoch can shift its hidden units (an intercept) but
 *   changes its slope in x only at second order (through tanh's curvature), so per-epoch gains
 *   barely move; x·feature rows move a slope at first order, each weight at Adam's full speed
 *   however few samples its epochs hold.
 *   The last epoch of a finite horizon has no continuation, so its best action is the myopic one
 *   and may differ abruptly from the epochs before (LQ: gain 0.01 at t = H-1 next to 0.96 at
 *   t = H-2, a rise from 0.76 over the ten epochs before); with smooth features only, what the
 *   last epoch learns drags the epochs before it (LQ: the learned gain falls over t = 95-98).
 * - 'scalar+time-to-go+final': the same with a one-hot of the final epoch only (1 + 3 + 1 time
 *   features, then x times the 4 after t/H). Why: a one-hot epoch learns its own gain and
 *   intercept from 1/H of the samples, so each is noisy (LQ, a linear policy at learning rate
 *   0.01: intercept 0.15-0.23 at t = 95, gain 0.58-0.72 against 0.85); the smooth features carry
 *   the rise of the gain before the end, and only the last epoch, which has no continuation,
 *   needs its own.
 */
export type TimeEncoding = 'scalar' | 'one-hot' | 'scalar+one-hot' | 'scalar+time-to-go' | 'scalar+time-to-go+last' | 'scalar+time-to-go+final';

/** The decay lengths (in epochs) of the 'scalar+time-to-go' features exp(-(H-1-t)/tau). */
export const TIME_TO_GO_SCALES: readonly number[] = [2, 5, 15];

/** The final epochs that 'scalar+time-to-go+last' gives a one-hot each. */
export const LAST_EPOCHS = 5;

/** The final epochs with a one-hot each under an encoding with time-to-go features (0: none). */
function lastEpochs(encoding: TimeEncoding): number {
  return encoding === 'scalar+time-to-go+last' ? LAST_EPOCHS : encoding === 'scalar+time-to-go+final' ? 1 : 0;
}

/** Whether an encoding appends each state coordinate times its time features after t/H. */
function hasStateProducts(encoding: TimeEncoding): boolean {
  return encoding === 'scalar+time-to-go+last' || encoding === 'scalar+time-to-go+final';
}

/** Inputs the epoch takes under an encoding. */
export function timeInputs(encoding: TimeEncoding, horizon: number): number {
  return encoding === 'scalar' ? 1 : encoding === 'one-hot' ? horizon : encoding === 'scalar+time-to-go' || hasStateProducts(encoding) ? 1 + TIME_TO_GO_SCALES.length + lastEpochs(encoding) : 1 + horizon;
}

/** Layout of the learners' network input: the state's coordinates, then the epoch (t/H or a one-hot of t). */
export class ContinuousInput {
  /** State coordinates used from each observation row. */
  readonly obsDim: number;
  /** Length of one observation row as the env sends it. */
  readonly rowDim: number;
  readonly actionDim: number;
  readonly inputDim: number;
  /** Index of the one-hot's first input in a row (inputDim when the encoding has none). */
  readonly oneHotStart: number;
  readonly horizon: number;
  readonly low: Float64Array;
  readonly high: Float64Array;

  constructor(
    env: BoxVectorEnv,
    readonly timeEncoding: TimeEncoding = 'scalar',
  ) {
    this.rowDim = env.observationSpace.size;
    this.obsDim = env.stateDim ?? this.rowDim;
    this.actionDim = env.actionSpace.size;
    this.horizon = env.horizon;
    this.inputDim = this.obsDim + timeInputs(timeEncoding, this.horizon) + (hasStateProducts(timeEncoding) ? this.obsDim * (TIME_TO_GO_SCALES.length + lastEpochs(timeEncoding)) : 0);
    this.oneHotStart = timeEncoding === 'scalar' || timeEncoding === 'scalar+time-to-go' ? this.inputDim : hasStateProducts(timeEncoding) ? this.obsDim + 1 + TIME_TO_GO_SCALES.length : timeEncoding === 'one-hot' ? this.obsDim : this.obsDim + 1;
    this.low = env.actionSpace.low;
    this.high = env.actionSpace.high;
  }

  /** inputs [n, inputDim] and the states [n, obsDim] from observation rows at epoch t. */
  fill(obs: ArrayLike<number>, n: number, t: number, out: Float64Array, states: Float64Array): Float64Array {
    const d = this.obsDim;
    const w = this.rowDim;
    if (obs.length !== n * w) {
      throw new MfgError('MFG_ERR_INTERNAL', `the env returned ${obs.length} observation numbers, expected ${n}*${w}`);
    }
    if (this.timeEncoding === 'scalar') {
      const tau = t / this.horizon;
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < d; k++) out[i * (d + 1) + k] = states[i * d + k] = obs[i * w + k]!;
        out[i * (d + 1) + d] = tau;
      }
      return out;
    }
    if (this.timeEncoding === 'scalar+time-to-go' || hasStateProducts(this.timeEncoding)) {
      const D = this.inputDim;
      const tau = t / this.horizon;
      const togo = this.horizon - 1 - t;
      const features = TIME_TO_GO_SCALES.map((s) => Math.exp(-togo / s));
      const products = hasStateProducts(this.timeEncoding);
      for (let k = 0; k < lastEpochs(this.timeEncoding); k++) features.push(togo === k ? 1 : 0);
      const F = features.length;
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < d; k++) out[i * D + k] = states[i * d + k] = obs[i * w + k]!;
        out[i * D + d] = tau;
        for (let f = 0; f < F; f++) out[i * D + d + 1 + f] = features[f]!;
        // x_k times every time feature: a per-feature slope in x, i.e. a gain that moves at first order.
        if (products) for (let k = 0; k < d; k++) for (let f = 0; f < F; f++) out[i * D + d + 1 + F + k * F + f] = out[i * D + k]! * features[f]!;
      }
      return out;
    }
    if (!(Number.isInteger(t) && t >= 0 && t < this.horizon)) {
      throw new MfgError('MFG_ERR_INTERNAL', `epoch ${t} is outside the horizon ${this.horizon} of a one-hot time encoding`);
    }
    const D = this.inputDim;
    const both = this.timeEncoding === 'scalar+one-hot';
    const hot = this.oneHotStart;
    const tau = t / this.horizon;
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < d; k++) out[i * D + k] = states[i * d + k] = obs[i * w + k]!;
      out.fill(0, i * D + d, (i + 1) * D);
      if (both) out[i * D + d] = tau;
      out[i * D + hot + t] = 1;
    }
    return out;
  }

  /** The actions clipped to the action box (what the env is sent: a Gaussian sample may leave it). */
  clip(actions: Float64Array): Float64Array {
    const dA = this.actionDim;
    const out = new Float64Array(actions.length);
    for (let j = 0; j < actions.length; j++) out[j] = Math.min(this.high[j % dA]!, Math.max(this.low[j % dA]!, actions[j]!));
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
    const states = new Float64Array(N * layout.obsDim);
    const inputs = layout.fill(obs, N, t, new Float64Array(N * layout.inputDim), states);
    const actions = new Float64Array(N * layout.actionDim);
    act(t, inputs, N, actions);
    const out = env.step(layout.clip(actions));
    for (let i = 0; i < N; i++) returns[i]! += out.rewards[i]!;
    onStep?.({ t, inputs, obs: states, actions, rewards: out.rewards });
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
