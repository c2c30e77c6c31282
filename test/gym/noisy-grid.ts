import type { FiniteGame } from '../../src/core/finite-game';
import { buildKernel } from '../../src/core/kernel';
import { singlePopulationGame } from '../../src/core/single-population-game';
import type { EnvSpec } from '../../src/registry/env-spec';

/**
 * A 3x4 grid (stateShape [3, 4]), H = 5, 3 actions with random outcomes and state-dependent
 * legality: enough randomness to test seeding, and a mask to test illegal actions.
 * Action 2 is illegal in the states of the last column.
 */
export function noisyGrid(): FiniteGame {
  const S = 12;
  const A = 3;
  const legal = new Uint8Array(S * A).fill(1);
  for (let s = 0; s < S; s++) if (s % 4 === 3) legal[s * A + 2] = 0;
  const kernel = buildKernel(S * A, (row, emit) => {
    const s = Math.floor(row / A);
    const a = row % A;
    emit((s + a + 1) % S, 0.5);
    emit((s + 5) % S, 0.3);
    emit((s * 7 + a) % S, 0.2);
  });
  return singlePopulationGame({
    horizon: 5,
    numStates: S,
    numActions: A,
    stateShape: [3, 4],
    mu0: Float64Array.from({ length: S }, (_, s) => (s < 4 ? 0.25 : 0)),
    legal,
    dynamicsDependOnMeanField: false,
    reward(t, L, out) {
      for (let s = 0; s < S; s++) {
        const mu = L[s * A]! + L[s * A + 1]! + L[s * A + 2]!;
        for (let a = 0; a < A; a++) out[s * A + a] = s - 10 * mu - 0.1 * a + t;
      }
    },
    transition: () => kernel,
  });
}

/** noisyGrid registered for server tests (register it with `register(noisyGridSpec, { override: true })`). */
export const noisyGridSpec: EnvSpec = {
  id: 'test/NoisyGrid-v0',
  kind: 'finite',
  description: 'Test fixture: a 3x4 grid with random moves, a legality mask and a crowd-averse reward.',
  kwargsSchema: { type: 'object', properties: {}, additionalProperties: false },
  create: () => noisyGrid(),
};
