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
