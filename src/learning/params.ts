import type { ParamSpec } from '../solvers/solver';

/** A positive integer parameter (batches, agents, network widths). */
export function positiveInt(defaultValue: number, description: string): ParamSpec {
  return { default: defaultValue, expected: 'an integer >= 1', valid: (v) => typeof v === 'number' && Number.isInteger(v) && v >= 1, description };
}

/** A non-negative integer parameter (0 = off). */
export function nonNegativeInt(defaultValue: number, description: string): ParamSpec {
  return { default: defaultValue, expected: 'an integer >= 0', valid: (v) => typeof v === 'number' && Number.isInteger(v) && v >= 0, description };
}

/** A switch: 0 (off) or 1 (on). */
export function flag(defaultValue: 0 | 1, description: string): ParamSpec {
  return { default: defaultValue, expected: '0 or 1', valid: (v) => v === 0 || v === 1, description };
}
