import { MfgError } from '../src/core/errors';
import { buildKernel, deterministicKernel } from '../src/core/kernel';
import type { FiniteGame } from '../src/core/finite-game';
import { singlePopulationGame } from '../src/core/single-population-game';
import type { EnvSpec } from '../src/registry/env-spec';

export interface ConservativeTreasureHuntingKwargs extends Record<string, unknown> {
  n: number;
  H: number;
  r: number[];
  c: number[];
}

const DEFAULTS: ConservativeTreasureHuntingKwargs = { n: 3, H: 6, r: [1, 1, 1], c: [1, 1, 1, 1, 1] };

/**
 * D_s(L) = sum_{i,j} (L(i, j) - [i = j = s])^2: how far the joint state-action field is from
 * "everyone sits on treasure s and digs there". Summed term by term, as the definition reads.
 */
export function treasureDistance(L: Float64Array, n: number, s: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const d = L[i * n + j]! - (i === s && j === s ? 1 : 0);
      total += d * d;
    }
  }
  return total;
}

/**
 * ConservativeTreasureHunting (MFGLib `conservative_treasure_hunting`, T=5 so H=6): n sites,
 * one treasure each; at t=0 agents pick a site (s' = a, no reward), afterwards the further the
 * population is from concentrating on the agent's own site the noisier its moves (weight
 * c[t-1]) and the smaller the treasure it digs by staying (r[s](1 - D_s/2)). Both rewards and
 * dynamics read the whole joint field L_t, so there is no per-state rewardAt.
 */
export function conservativeTreasureHunting(kwargs: Partial<ConservativeTreasureHuntingKwargs> = {}): FiniteGame {
  const { n, H, r, c } = { ...DEFAULTS, ...kwargs };
  if (r.length !== n) {
    throw new MfgError('MFG_ERR_REGISTRY_BAD_KWARGS', `kwarg "r" has ${r.length} entries, expected n = ${n} (one treasure value per site)`, {
      details: { kwarg: 'r', length: r.length, n },
    });
  }
  if (c.length !== H - 1) {
    throw new MfgError('MFG_ERR_REGISTRY_BAD_KWARGS', `kwarg "c" has ${c.length} entries, expected H - 1 = ${H - 1} (one weight per epoch t = 1..H-1); pass c of that length with H`, {
      details: { kwarg: 'c', length: c.length, H },
    });
  }
  const first = deterministicKernel(n, n, (_s, a) => a);
  const D = new Float64Array(n);
  return singlePopulationGame({
    name: 'hunters',
    horizon: H,
    numStates: n,
    numActions: n,
    mu0: new Float64Array(n).fill(1 / n),
    dynamicsDependOnMeanField: true,
    reward(t, L, out) {
      out.fill(0);
      if (t === 0) return;
      for (let s = 0; s < n; s++) out[s * n + s] = r[s]! * (1 - treasureDistance(L, n, s) / 2);
    },
    transition(t, L) {
      if (t === 0) return first;
      const k = c[t - 1]!;
      for (let s = 0; s < n; s++) D[s] = treasureDistance(L, n, s);
      return buildKernel(n * n, (row, emit) => {
        const s = Math.floor(row / n);
        const a = row - s * n;
        // Evaluated in the definition's order, k·D / (1 + n·k·D), so the figures match it bit for bit.
        const denom = 1 + n * k * D[s]!;
        const spread = (k * D[s]!) / denom;
        for (let s2 = 0; s2 < n; s2++) emit(s2, s2 === a ? spread + 1 / denom : spread);
      });
    },
  });
}

export const conservativeTreasureHuntingSpec: EnvSpec<ConservativeTreasureHuntingKwargs> = {
  id: 'ConservativeTreasureHunting-v0',
  kind: 'finite',
  description:
    'ConservativeTreasureHunting: n sites each hold a treasure r[s]. At t=0 every agent picks a site (s\' = a, no reward). ' +
    'From t=1 on, with D_s = sum_{i,j} (L_t(i,j) - [i=j=s])^2 and k = c[t-1], an agent at s choosing a lands on a w.p. ' +
    '(kD_s + 1)/(1 + nkD_s) and on every other site w.p. kD_s/(1 + nkD_s), and staying (a = s) pays r[s](1 - D_s/2). ' +
    'Uniform mu0, default horizon H=6 (MFGLib T=5), c has H-1 entries. Source: Guo, Hu, Xu & Zhang (2022), MF-OMO, ' +
    'as in MFGLib (Guo, Hu, Zhang et al. 2023), conservative_treasure_hunting example.',
  kwargsSchema: {
    type: 'object',
    properties: {
      n: { type: 'integer', minimum: 1, default: DEFAULTS.n, description: 'Number of sites (states and actions).' },
      H: { type: 'integer', minimum: 1, default: DEFAULTS.H, description: 'Horizon: number of decision epochs (MFGLib T + 1).' },
      r: { type: 'array', items: { type: 'number' }, minItems: 1, default: DEFAULTS.r, description: 'Treasure value per site (length n).' },
      c: {
        type: 'array',
        items: { type: 'number', minimum: 0 },
        default: DEFAULTS.c,
        description: 'Conservativeness weight per epoch t = 1..H-1 (length H-1).',
      },
    },
    additionalProperties: false,
  },
  create: (kwargs) => conservativeTreasureHunting(kwargs),
  cost: (k) => ({ states: k.n, actions: k.n, horizon: k.H, branching: 1 }),
};
