import { buildKernel } from '../../../src/core/kernel';
import type { FiniteGame } from '../../../src/core/finite-game';
import { singlePopulationGame } from '../../../src/core/single-population-game';

/**
 * A lazy random walk on a ring of n states (A = 3: left, stay, right; the chosen move happens
 * with probability 0.8, else the agent stays), everyone starting at state 0. Its flow spreads
 * over the ring, so epochs differ: a small finite game with an exact flow to compare against.
 */
export function ringWalk(n = 8, horizon = 5): FiniteGame {
  const kernel = buildKernel(n * 3, (row, emit) => {
    const s = Math.floor(row / 3);
    const move = (row % 3) - 1;
    emit((s + move + n) % n, 0.8);
    emit(s, 0.2);
  });
  const mu0 = new Float64Array(n);
  mu0[0] = 1;
  return singlePopulationGame({
    name: 'walkers',
    horizon,
    numStates: n,
    numActions: 3,
    mu0,
    dynamicsDependOnMeanField: false,
    reward: (_t, _L, out) => out.fill(0),
    transition: () => kernel,
  });
}

/** The same lazy walk on a w×w torus with A = 5 (stay, up, down, left, right), starting in a corner. */
export function torusWalk(w = 6, horizon = 4): FiniteGame {
  const moves = [[0, 0], [-1, 0], [1, 0], [0, -1], [0, 1]] as const;
  const S = w * w;
  const kernel = buildKernel(S * 5, (row, emit) => {
    const s = Math.floor(row / 5);
    const [dy, dx] = moves[row % 5]!;
    const y = Math.floor(s / w);
    const x = s % w;
    emit(((y + dy + w) % w) * w + ((x + dx + w) % w), 0.8);
    emit(s, 0.2);
  });
  const mu0 = new Float64Array(S);
  mu0[0] = 1;
  return singlePopulationGame({
    name: 'walkers',
    horizon,
    numStates: S,
    numActions: 5,
    stateShape: [w, w],
    mu0,
    dynamicsDependOnMeanField: false,
    reward: (_t, _L, out) => out.fill(0),
    transition: () => kernel,
  });
}

/**
 * The expected total variation between a distribution p and the histogram of n i.i.d. draws,
 * to first order: (1/2) sum_k E|p^_k - p_k| ~ (1/2) sum_k sqrt(2 p_k (1 - p_k) / (pi n)).
 * A maximum-likelihood fit with a free per-cell logit cannot beat its own training histogram
 * by much, so this is the scale of TV that "the sample size explains".
 */
export function histogramTv(p: ArrayLike<number>, n: number): number {
  let s = 0;
  for (let k = 0; k < p.length; k++) s += Math.sqrt((2 * p[k]! * (1 - p[k]!)) / (Math.PI * n));
  return s / 2;
}
