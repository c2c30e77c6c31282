import type { FiniteGame } from '../src/core/finite-game';
import type { EnvSpec } from '../src/registry/env-spec';
import { crowdModelling2D, crowdModelling2DProperties, layoutToForbiddenCells } from './crowd-modelling-2d';

/** OpenSpiel `python/mfg/games/crowd_modelling_2d.py`, FOUR_ROOMS: '#' is a wall, rows are y. */
export const FOUR_ROOMS_LAYOUT: readonly string[] = [
  '#############',
  '#     #     #',
  '#     #     #',
  '#           #',
  '#     #     #',
  '#     #     #',
  '### ##### ###',
  '#     #     #',
  '#     #     #',
  '#           #',
  '#     #     #',
  '#     #     #',
  '#############',
];

export interface FourRoomsKwargs extends Record<string, unknown> {
  H: number;
  noise_intensity: number;
  crowd_aversion_coef: number;
}

/** CrowdModelling2D on the four-rooms layout, everyone starting at (1, 1), crowd reward only. */
export function fourRooms(kwargs: Partial<FourRoomsKwargs> = {}): FiniteGame {
  return crowdModelling2D({
    size: FOUR_ROOMS_LAYOUT.length,
    H: kwargs.H ?? 40,
    noise_intensity: kwargs.noise_intensity ?? 1,
    crowd_aversion_coef: kwargs.crowd_aversion_coef ?? 1,
    forbidden_cells: layoutToForbiddenCells(FOUR_ROOMS_LAYOUT),
    initial_cells: [[1, 1]],
    only_distribution_reward: true,
  });
}

export const fourRoomsSpec: EnvSpec<FourRoomsKwargs> = {
  id: 'FourRooms-v0',
  kind: 'finite',
  description:
    'FourRooms: CrowdModelling2D on a 13x13 grid of four rooms joined by four doors (OpenSpiel FOUR_ROOMS layout), H=40, ' +
    'the whole population starting in cell (1, 1), reward -coef*log(mu_t(s) + 1e-25) only: an exploration benchmark where ' +
    'the equilibrium spreads the crowd over every room. Source: Lauriere et al., "Scalable deep reinforcement learning ' +
    'algorithms for mean field games" (ICML 2022); OpenSpiel python/mfg/games/crowd_modelling_2d.py.',
  kwargsSchema: {
    type: 'object',
    properties: {
      H: { ...crowdModelling2DProperties['H'], default: 40 },
      noise_intensity: crowdModelling2DProperties['noise_intensity']!,
      crowd_aversion_coef: crowdModelling2DProperties['crowd_aversion_coef']!,
    },
    additionalProperties: false,
  },
  create: (kwargs) => fourRooms(kwargs),
  cost: (k) => ({ states: 13 * 13, actions: 5, horizon: k.H, branching: 5 }),
};
