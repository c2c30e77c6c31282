import type { ContinuousGame } from '../../../src/core/continuous-game';
import { Box } from '../../../src/core/spaces/box';
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

/**
 * A mean-field-free linear Gaussian game in R^2, x' = M x + b + 0.3·xi, x_0 ~ N(0, I): its flow
 * is Gaussian with mean m' = M m + b and covariance C' = M C M^T + 0.09 I (the closed form the
 * flow generator is checked against); the rotation-shear M makes the covariance correlated.
 */
export function linearGaussian2D(horizon = 4): { game: ContinuousGame; mean(t: number): Float64Array; covariance(t: number): Float64Array } {
  const M = [0.9, -0.4, 0.3, 0.8];
  const b = [0.5, -0.2];
  const means = [Float64Array.of(0, 0)];
  const covs = [Float64Array.of(1, 0, 0, 1)];
  for (let t = 1; t < horizon; t++) {
    const m = means[t - 1]!;
    const C = covs[t - 1]!;
    means.push(Float64Array.of(M[0]! * m[0]! + M[1]! * m[1]! + b[0]!, M[2]! * m[0]! + M[3]! * m[1]! + b[1]!));
    const MC = [M[0]! * C[0]! + M[1]! * C[2]!, M[0]! * C[1]! + M[1]! * C[3]!, M[2]! * C[0]! + M[3]! * C[2]!, M[2]! * C[1]! + M[3]! * C[3]!];
    covs.push(
      Float64Array.of(
        MC[0]! * M[0]! + MC[1]! * M[1]! + 0.09,
        MC[0]! * M[2]! + MC[1]! * M[3]!,
        MC[2]! * M[0]! + MC[3]! * M[1]!,
        MC[2]! * M[2]! + MC[3]! * M[3]! + 0.09,
      ),
    );
  }
  const game: ContinuousGame = {
    kind: 'continuous',
    horizon,
    stateSpace: new Box(-Infinity, Infinity, [2]),
    actionSpace: new Box(-1, 1, [1]),
    needs: [],
    sampleInitial(n, rng, out) {
      for (let i = 0; i < 2 * n; i++) out[i] = rng.normal();
    },
    reward(_t, _x, _a, n, _mf, _rng, out) {
      out.fill(0, 0, n);
    },
    step(_t, x, _a, n, _mf, rng, out) {
      for (let i = 0; i < n; i++) {
        const x0 = x[2 * i]!;
        const x1 = x[2 * i + 1]!;
        out[2 * i] = M[0]! * x0 + M[1]! * x1 + b[0]! + 0.3 * rng.normal();
        out[2 * i + 1] = M[2]! * x0 + M[3]! * x1 + b[1]! + 0.3 * rng.normal();
      }
    },
  };
  return { game, mean: (t) => means[t]!, covariance: (t) => covs[t]! };
}

/** Two independent lazy ring walks (8 and 5 states) as one two-population game. */
export function twoRings(horizon = 4): FiniteGame {
  const a = ringWalk(8, horizon);
  const b = ringWalk(5, horizon);
  const games = [a, b];
  return {
    kind: 'finite',
    horizon,
    populations: [a.populations[0]!, { ...b.populations[0]!, name: 'others' }],
    dynamicsDependOnMeanField: false,
    reward: (p, t, L, out) => games[p]!.reward(0, t, [L[p]!], out),
    transition: (p, t, L) => games[p]!.transition(0, t, [L[p]!]),
  };
}
