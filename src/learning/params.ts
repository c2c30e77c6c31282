import type { ParamSpec } from '../solvers/solver';

/** A positive integer parameter (batches, agents, network widths). */
export function positiveInt(defaultValue: number, description: string): ParamSpec {
  return { default: defaultValue, expected: 'an integer >= 1', valid: (v) => typeof v === 'number' && Number.isInteger(v) && v >= 1, description };
}

/** A non-negative integer parameter (0 = off). */
export function nonNegativeInt(defaultValue: number, description: string): ParamSpec {
  return { default: defaultValue, expected: 'an integer >= 0', valid: (v) => typeof v === 'number' && Number.isInteger(v) && v >= 0, description };
}
