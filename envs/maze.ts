import type { FiniteGame } from '../src/core/finite-game';
import type { EnvSpec } from '../src/registry/env-spec';
import { crowdModelling2D, crowdModelling2DProperties, layoutToForbiddenCells } from './crowd-modelling-2d';

/** OpenSpiel `python/mfg/games/crowd_modelling_2d.py`, MAZE: '#' is a wall, rows are y. */
export const MAZE_LAYOUT: readonly string[] = [
  '######################',
  '#      #     #     # #',
  '#      #     #     # #',
  '######    #  # ##  # #',
  '#         #  # #   # #',
  '#         #  # ### # #',
  '#  ########  #   #   #',
  '#    # # #  ##   #   #',
  '#    # # #     # # ###',
  '#    # # #     # # # #',
  '###### # ####### # # #',
  '#  #         #   # # #',
  '#  # ## ###  #   # # #',
  '## # #    #  ##### # #',
  '## # # #  #      # # #',
  '#    # ####        # #',
  '# ####  # ########   #',
  '#       #  #   # ### #',
  '#  #  # #  # # #   # #',
  '# ##### #    # #     #',
  '#            #       #',
  '######################',
];

export interface MazeKwargs extends Record<string, unknown> {
  H: number;
  noise_intensity: number;
  crowd_aversion_coef: number;
}

/** CrowdModelling2D on the 22x22 maze, everyone starting at (1, 1), crowd reward only. */
export function maze(kwargs: Partial<MazeKwargs> = {}): FiniteGame {
  return crowdModelling2D({
    size: MAZE_LAYOUT.length,
    H: kwargs.H ?? 100,
    noise_intensity: kwargs.noise_intensity ?? 1,
    crowd_aversion_coef: kwargs.crowd_aversion_coef ?? 1,
    forbidden_cells: layoutToForbiddenCells(MAZE_LAYOUT),
    initial_cells: [[1, 1]],
    only_distribution_reward: true,
  });
}

export const mazeSpec: EnvSpec<MazeKwargs> = {
  id: 'Maze-v0',
  kind: 'finite',
  description:
    'Maze: CrowdModelling2D on a 22x22 maze (OpenSpiel MAZE layout), H=100, the whole population starting in cell (1, 1), ' +
    'reward -coef*log(mu_t(s) + 1e-25) only: an exploration benchmark where the equilibrium spreads the crowd through the ' +
    'corridors. Source: Lauriere et al., "Scalable deep reinforcement learning algorithms for mean field games" (ICML 2022); ' +
    'OpenSpiel python/mfg/games/crowd_modelling_2d.py.',
  kwargsSchema: {
    type: 'object',
    properties: {
      H: { ...crowdModelling2DProperties['H'], default: 100 },
      noise_intensity: crowdModelling2DProperties['noise_intensity']!,
      crowd_aversion_coef: crowdModelling2DProperties['crowd_aversion_coef']!,
    },
    additionalProperties: false,
  },
  create: (kwargs) => maze(kwargs),
  cost: (k) => ({ states: 22 * 22, actions: 5, horizon: k.H, branching: 5 }),
};
