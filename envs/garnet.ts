import type { FiniteGame } from '../src/core/finite-game';
import { buildKernel } from '../src/core/kernel';
import { Rng } from '../src/core/rng';
import { singlePopulationGame } from '../src/core/single-population-game';
import type { EnvSpec } from '../src/registry/env-spec';

export interface GarnetKwargs extends Record<string, unknown> {
  size: number;
  H: number;
  seed: number;
  num_action: number;
  num_chance_action: number;
  sparsity_factor: number;
  eta: number;
}

const DEFAULTS: GarnetKwargs = { size: 10, H: 10, seed: 0, num_action: 3, num_chance_action: 3, sparsity_factor: 1, eta: 1 };
const EPS = 1e-25;

/** The random tables of one garnet: r(x, a) and, per (x, a), K next states with probabilities. */
export interface GarnetTables {
  reward: Float64Array;
  next: Int32Array;
  prob: Float64Array;
}

/**
 * Draws a garnet's tables from the project's seeded generator, in OpenSpiel's order: for each
 * state x, for each action a: a uniform u decides whether r(x, a) is non-zero (u < sparsity),
 * then r(x, a) ~ U(0, 1) if so; K - 1 uniforms cut [0, 1] into the K chance probabilities
 * (uniform spacings); each chance outcome leads to a uniformly drawn next state.
 */
export function garnetTables(k: GarnetKwargs): GarnetTables {
  const { size: S, num_action: A, num_chance_action: K } = k;
  const rng = new Rng(k.seed);
  const reward = new Float64Array(S * A);
  const next = new Int32Array(S * A * K);
  const prob = new Float64Array(S * A * K);
  const cuts = new Float64Array(K + 1);
  for (let x = 0; x < S; x++) {
    for (let a = 0; a < A; a++) {
      const row = x * A + a;
      if (rng.random() < k.sparsity_factor) reward[row] = rng.random();
      cuts[0] = 0;
      cuts[1] = 1;
      for (let j = 2; j <= K; j++) cuts[j] = rng.random();
      cuts.sort();
      for (let j = 0; j < K; j++) {
        prob[row * K + j] = cuts[j + 1]! - cuts[j]!;
        next[row * K + j] = rng.int(S);
      }
    }
  }
  return { reward, next, prob };
}

/**
 * Garnet (Perolat et al. 2022, §5.1; OpenSpiel `mfg_garnet`): a seeded random MFG with reward
 * r(x, a) - eta·log(mu_t(x) + 1e-25) at every epoch and mean-field-free random transitions;
 * mu0 uniform.
 */
export function garnet(kwargs: Partial<GarnetKwargs> = {}): FiniteGame {
  const k: GarnetKwargs = { ...DEFAULTS, ...kwargs };
  const { size: S, num_action: A, num_chance_action: K, eta } = k;
  const tables = garnetTables(k);
  const kernel = buildKernel(S * A, (row, emit) => {
    for (let j = row * K; j < (row + 1) * K; j++) emit(tables.next[j]!, tables.prob[j]!);
  });
  const base = tables.reward;
  return singlePopulationGame({
    name: 'agents',
    horizon: k.H,
    numStates: S,
    numActions: A,
    mu0: new Float64Array(S).fill(1 / S),
    dynamicsDependOnMeanField: false,
    reward(_t, L, out) {
      for (let x = 0; x < S; x++) {
        const row = x * A;
        let mu = 0;
        for (let a = 0; a < A; a++) mu += L[row + a]!;
        const crowd = eta * Math.log(mu + EPS);
        for (let a = 0; a < A; a++) out[row + a] = base[row + a]! - crowd;
      }
    },
    transition: () => kernel,
    rewardAt: (_t, x, a, q) => base[x * A + a]! - eta * Math.log(q.stateMass(0, x) + EPS),
  });
}

export const garnetSpec: EnvSpec<GarnetKwargs> = {
  id: 'Garnet-v0',
  kind: 'finite',
  description:
    'Garnet: a seeded random mean-field game. For each (x, a) a reward r(x, a) ~ U(0, 1) with probability sparsity_factor ' +
    '(else 0) and num_chance_action next states drawn uniformly, with probabilities from uniform spacings of [0, 1]; reward ' +
    'r(x, a) - eta·log(mu_t(x) + 1e-25) at every epoch; mu0 uniform. The tables come from mfgym\'s xoshiro128** generator, so ' +
    'a seed gives the same game on every machine (not the same game as OpenSpiel\'s std::mt19937 for that seed). Source: ' +
    'Perolat, Perrin, Elie, Lauriere, Piliouras, Geist, Tuyls, Pietquin, "Scaling mean field games by online mirror descent" ' +
    '(AAMAS 2022), §5.1; OpenSpiel mfg_garnet.',
  kwargsSchema: {
    type: 'object',
    properties: {
      size: { type: 'integer', minimum: 1, default: 10, description: 'Number of states.' },
      H: { type: 'integer', minimum: 1, default: 10, description: 'Horizon: number of decision epochs (t = 0..H-1).' },
      seed: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER, default: 0, description: 'Seed of the random tables.' },
      num_action: { type: 'integer', minimum: 1, default: 3, description: 'Number of actions.' },
      num_chance_action: { type: 'integer', minimum: 1, default: 3, description: 'Number of random next states per (state, action).' },
      sparsity_factor: { type: 'number', minimum: 0, maximum: 1, default: 1, description: 'Probability that r(x, a) is non-zero.' },
      eta: { type: 'number', default: 1, description: 'Weight of the crowd-aversion term -log(mu_t(x)).' },
    },
    additionalProperties: false,
  },
  create: (kwargs) => garnet(kwargs),
  cost: (k) => ({ states: k.size, actions: k.num_action, horizon: k.H, branching: k.num_chance_action }),
};
