import { MfgError } from '../core/errors';
import type { MfgVectorEnv } from '../gym/vector-env';

/**
 * How a learner chooses the N agents' actions at one epoch t (all agents share t: every episode
 * lasts exactly H steps and the batch is reset together). states[i] is agent i's flat state,
 * mask[i*A + a] is 1 where a is legal for it; the chooser writes actions into out.
 */
export type ActionChooser = (t: number, states: Int32Array, mask: Uint8Array, out: Int32Array) => void;

/** One batched transition of the N agents, as the learners consume it. */
export interface BatchStep {
  t: number;
  states: Int32Array;
  /** Legal actions in `states` (the mask the actions were chosen under). */
  mask: Uint8Array;
  actions: Int32Array;
  rewards: Float64Array;
  /** The agents' states after the step (meaningless when last). */
  nextStates: Int32Array;
  nextMask: Uint8Array;
  /** t = H-1: the step ended the episode (no continuation value). */
  last: boolean;
}

/**
 * Reads flat state indices out of a vector env's observations: a row is the state's grid
 * coordinates then the epoch, and the flat index is the row-major flattening (the game's own
 * state index). Only what the env reports is used, so an external agent can do the same.
 */
export class ObservationDecoder {
  readonly dims: readonly number[];
  readonly obsDim: number;
  readonly numStates: number;
  readonly numActions: number;
  readonly horizon: number;

  constructor(env: MfgVectorEnv) {
    const nvec = env.observationSpace.nvec;
    this.dims = nvec.slice(0, nvec.length - 1);
    this.obsDim = nvec.length;
    this.numStates = this.dims.reduce((a, b) => a * b, 1);
    this.numActions = env.actionSpace.n;
    this.horizon = env.horizon;
  }

  /** Flat states of every row, and checks that every row is at epoch t. */
  decode(obs: Int32Array, t: number, out: Int32Array): Int32Array {
    const d = this.obsDim;
    for (let i = 0; i < out.length; i++) {
      let s = 0;
      for (let k = 0; k < d - 1; k++) s = s * this.dims[k]! + obs[i * d + k]!;
      if (obs[i * d + d - 1] !== t) {
        throw new MfgError('MFG_ERR_INTERNAL', `agent ${i} is at epoch ${obs[i * d + d - 1]}, expected ${t}: the learners step whole batches of episodes`);
      }
      out[i] = s;
    }
    return out;
  }
}

/** Mean undiscounted return of the batch's agent-episodes. */
export interface EpisodeBatch {
  meanReturn: number;
}

/**
 * Plays one batch of N agent-episodes in a vector env: reset (seeded the first time, then each
 * agent continues its own stream), H steps, every step handed to onStep. Uses only reset, step
 * and the infos' action masks: the calls the socket serves.
 */
export function playBatch(env: MfgVectorEnv, decoder: ObservationDecoder, choose: ActionChooser, onStep: ((step: BatchStep) => void) | null, seed: number | null): EpisodeBatch {
  const N = env.numAgents;
  const H = env.horizon;
  const res = env.reset(seed);
  let states = decoder.decode(res.obs, 0, new Int32Array(N));
  let mask = res.infos.actionMask;
  const total = new Float64Array(N);
  for (let t = 0; t < H; t++) {
    const actions = new Int32Array(N);
    choose(t, states, mask, actions);
    const out = env.step(actions);
    const last = t === H - 1;
    const nextStates = last ? states : decoder.decode(out.obs, t + 1, new Int32Array(N));
    for (let i = 0; i < N; i++) total[i]! += out.rewards[i]!;
    onStep?.({ t, states, mask, actions, rewards: out.rewards, nextStates, nextMask: out.infos.actionMask, last });
    states = nextStates;
    mask = out.infos.actionMask;
  }
  let sum = 0;
  for (let i = 0; i < N; i++) sum += total[i]!;
  return { meanReturn: sum / N };
}

/** Joint visit frequencies L_t(s, a) of a batch (each epoch sums to 1): the empirical flow. */
export function countFlow(H: number, S: number, A: number): { add: (step: BatchStep) => void; counts: Float64Array; flow: () => Float64Array } {
  const counts = new Float64Array(H * S * A);
  const perEpoch = new Float64Array(H);
  return {
    counts,
    add(step) {
      const base = step.t * S * A;
      for (let i = 0; i < step.states.length; i++) counts[base + step.states[i]! * A + step.actions[i]!]! += 1;
      perEpoch[step.t]! += step.states.length;
    },
    flow() {
      const out = new Float64Array(counts.length);
      for (let t = 0; t < H; t++) for (let j = 0; j < S * A; j++) out[t * S * A + j] = perEpoch[t]! > 0 ? counts[t * S * A + j]! / perEpoch[t]! : 0;
      return out;
    },
  };
}
