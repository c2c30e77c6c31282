import type { Game } from '../core/game';

/** A JSON Schema for an env's kwargs: an object whose properties carry defaults. */
export interface KwargsSchema {
  type: 'object';
  properties: Record<string, Record<string, unknown>>;
  additionalProperties?: boolean;
  required?: string[];
  [key: string]: unknown;
}

/**
 * What building a finite env costs, declared from its kwargs before anything is allocated: the
 * tables of a finite game are H x S x A (flows, rewards, policies) plus S x A x branching
 * transition entries. The server turns this into bytes and refuses a `make` over its budget.
 */
export interface EnvCost {
  states: number;
  actions: number;
  horizon: number;
  /** Next states per (state, action) of the transition kernel (default: actions). */
  branching?: number;
  /** Populations of these sizes (default 1): a multi-population game holds tables for each. */
  populations?: number;
  /**
   * The game steps per agent with no table: rewardAt, dynamics that ignore the mean field, and
   * transitionRow (no kernel). Then a sample-based population under the default policy needs no
   * H x S x A table at all, and the server costs that path instead (src/server/env-budget.ts).
   */
  perAgent?: boolean;
  /** The state grid's axes (the autoregressive generator's sizes; default [states]). */
  stateShape?: readonly number[];
}

/**
 * What a continuous env's arrays are sized by, declared from its kwargs before anything is built:
 * the state and action dimensions and the horizon (particle flows, visits and agents are
 * n x d x H floats; the server turns this into bytes, src/server/continuous-budget.ts).
 */
export interface ContinuousEnvCost {
  stateDim: number;
  actionDim: number;
  horizon: number;
}

/**
 * How to build one registered environment: its id, a one-paragraph description with its
 * literature source, its kwargs as a JSON Schema with defaults, and a factory of the game.
 */
export interface EnvSpec<K extends Record<string, unknown> = Record<string, unknown>> {
  readonly id: string;
  readonly description: string;
  readonly kind: 'finite' | 'continuous';
  readonly kwargsSchema: KwargsSchema;
  /** Receives kwargs already validated against kwargsSchema with defaults filled in. */
  create(kwargs: K): Game;
  /** The size of the game these kwargs build (validated, defaults filled), without building it. */
  cost?(kwargs: K): EnvCost;
  /** For continuous games: the dimensions and horizon these kwargs build, without building it. */
  continuousCost?(kwargs: K): ContinuousEnvCost;
}

/** The JSON form of a spec, as `mfgym list --json` and the protocol's list reply give it. */
export interface EnvSpecJSON {
  id: string;
  description: string;
  kind: 'finite' | 'continuous';
  kwargsSchema: KwargsSchema;
}

export function specToJSON(spec: EnvSpec<any>): EnvSpecJSON {
  return { id: spec.id, description: spec.description, kind: spec.kind, kwargsSchema: spec.kwargsSchema };
}
