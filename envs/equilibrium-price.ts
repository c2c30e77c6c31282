import { deterministicKernel } from '../src/core/kernel';
import type { FiniteGame } from '../src/core/finite-game';
import { singlePopulationGame } from '../src/core/single-population-game';
import type { EnvSpec } from '../src/registry/env-spec';

export interface EquilibriumPriceKwargs extends Record<string, unknown> {
  s_inv: number;
  Q: number;
  Hr: number;
  d: number;
  e0: number;
  sigma: number;
  c: number[];
  H: number;
}

const DEFAULTS: EquilibriumPriceKwargs = { s_inv: 3, Q: 2, Hr: 2, d: 1, e0: 1, sigma: 1, c: [1, 1, 1, 1, 1], H: 5 };

/**
 * EquilibriumPrice (MFGLib `equilibrium_price`, T=4 so H=5; MFGLib's replenishment bound `H`
 * is `Hr` here, H being the horizon): firms hold s units of raw material, use q and buy h
 * each epoch; the price clears against total output, p_t = (d / (sum_{s,q,h} L_t·q + e0))^(1/sigma).
 * The action is flat, a = q(Hr+1) + h, with actionShape [Q+1, Hr+1].
 */
export function equilibriumPrice(kwargs: Partial<EquilibriumPriceKwargs> = {}): FiniteGame {
  const { s_inv: sInv, Q, Hr, d, e0, sigma, c, H } = { ...DEFAULTS, ...kwargs };
  const S = sInv + 1;
  const nh = Hr + 1;
  const A = (Q + 1) * nh;
  const [c0, c1, c2, c3, c4] = c as [number, number, number, number, number];
  const kernel = deterministicKernel(S, A, (s, a) => {
    const q = Math.floor(a / nh);
    const h = a - q * nh;
    return Math.min(s - Math.min(q, s) + h, sInv);
  });
  const actionLabels: string[] = [];
  for (let q = 0; q <= Q; q++) for (let h = 0; h <= Hr; h++) actionLabels.push(`q=${q},h=${h}`);
  return singlePopulationGame({
    name: 'firms',
    horizon: H,
    numStates: S,
    numActions: A,
    actionShape: [Q + 1, nh],
    mu0: new Float64Array(S).fill(1 / S),
    actionLabels,
    dynamicsDependOnMeanField: false,
    reward(_t, L, out) {
      let supply = 0;
      for (let s = 0; s < S; s++) for (let a = 0; a < A; a++) supply += L[s * A + a]! * Math.floor(a / nh);
      const price = (d / (supply + e0)) ** (1 / sigma);
      for (let s = 0; s < S; s++) {
        for (let a = 0; a < A; a++) {
          const q = Math.floor(a / nh);
          const h = a - q * nh;
          // Term by term in the definition's order, so arbitrary costs round as it does.
          out[s * A + a] = (price - c0) * q - c1 * (q * q) - c2 * h - (c2 + c3) * Math.max(q - s, 0) - c4 * s;
        }
      }
    },
    transition: () => kernel,
  });
}

export const equilibriumPriceSpec: EnvSpec<EquilibriumPriceKwargs> = {
  id: 'EquilibriumPrice-v0',
  kind: 'finite',
  description:
    'EquilibriumPrice: firms under perfect competition hold an inventory s in 0..s_inv of raw material; each epoch a ' +
    'firm uses q in 0..Q and replenishes h in 0..Hr (flat action q(Hr+1) + h), s\' = min(s - min(q, s) + h, s_inv). ' +
    'The price clears the market, p_t = (d / (sum L_t(s,q,h)·q + e0))^(1/sigma), and the reward is ' +
    '(p_t - c0)q - c1·q² - c2·h - (c2 + c3)·max(q - s, 0) - c4·s. Uniform mu0, default horizon H=5 (MFGLib T=4). ' +
    'Source: Guo, Hu, Xu & Zhang (2022), MF-OMO, as in MFGLib (Guo, Hu, Zhang et al. 2023), equilibrium_price example.',
  kwargsSchema: {
    type: 'object',
    properties: {
      s_inv: { type: 'integer', minimum: 0, default: DEFAULTS.s_inv, description: 'Inventory capacity (states 0..s_inv).' },
      Q: { type: 'integer', minimum: 0, default: DEFAULTS.Q, description: 'Largest quantity used per epoch.' },
      Hr: { type: 'integer', minimum: 0, default: DEFAULTS.Hr, description: 'Largest replenishment per epoch (MFGLib H).' },
      d: { type: 'number', exclusiveMinimum: 0, default: DEFAULTS.d, description: 'Demand level.' },
      e0: { type: 'number', exclusiveMinimum: 0, default: DEFAULTS.e0, description: 'Exogenous supply.' },
      sigma: { type: 'number', exclusiveMinimum: 0, default: DEFAULTS.sigma, description: 'Demand elasticity parameter (price exponent 1/sigma).' },
      c: {
        type: 'array',
        items: { type: 'number' },
        minItems: 5,
        maxItems: 5,
        default: DEFAULTS.c,
        description: 'Costs (c0, c1, c2, c3, c4): unit production, quadratic production, replenishment, shortage (with c2), holding.',
      },
      H: { type: 'integer', minimum: 1, default: DEFAULTS.H, description: 'Horizon: number of decision epochs (MFGLib T + 1).' },
    },
    additionalProperties: false,
  },
  create: (kwargs) => equilibriumPrice(kwargs),
  cost: (k) => ({ states: k.s_inv + 1, actions: (k.Q + 1) * (k.Hr + 1), horizon: k.H, branching: 1 }),
};
