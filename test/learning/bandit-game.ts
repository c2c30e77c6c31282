import type { ContinuousGame } from '../../src/core/continuous-game';
import { Box } from '../../src/core/spaces/box';
import { GaussianPopulation } from '../../src/populations/gaussian-population';

/**
 * A one-step contextual bandit with an analytic optimum: x ~ N(0, 1), reward -(a - 2x)², best
 * a = 2x, value 0. At H = 1 a one-hot of t is one input, as wide as t/H.
 */
export function bandit(): ContinuousGame {
  return {
    kind: 'continuous',
    horizon: 1,
    stateSpace: new Box(-Infinity, Infinity, [1]),
    actionSpace: new Box(-10, 10, [1]),
    needs: [],
    sampleInitial: (n, rng, out) => {
      for (let i = 0; i < n; i++) out[i] = rng.normal();
    },
    reward: (_t, x, a, n, _mf, _rng, out) => {
      for (let i = 0; i < n; i++) out[i] = -((a[i]! - 2 * x[i]!) ** 2);
    },
    step: () => undefined,
  };
}

/** The bandit's (unread) mean field. */
export const noFlow = new GaussianPopulation({ mean: [Float64Array.of(0)], variance: [Float64Array.of(1)] });
