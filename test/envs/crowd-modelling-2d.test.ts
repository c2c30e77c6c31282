import { expect } from 'chai';
import { crowdModelling2D, layoutToForbiddenCells } from '../../envs/crowd-modelling-2d';
import { FOUR_ROOMS_LAYOUT, fourRooms } from '../../envs/four-rooms';
import { MAZE_LAYOUT, maze } from '../../envs/maze';
import { MfgError } from '../../src/core/errors';
import { evaluatePolicy, meanFieldFlow, uniformPolicy } from '../../src/core/tabular/index';
import { makeGame } from '../../src/registry/registry';
import { expectKwargsError, finiteEnvInvariants, pointMass, prob } from './finite-env-invariants';

const UP = 0;
const LEFT = 1;
const STAY = 2;
const RIGHT = 3;
const DOWN = 4;

describe('CrowdModelling2D-v0', () => {
  finiteEnvInvariants('CrowdModelling2D-v0', () => crowdModelling2D());
  finiteEnvInvariants('CrowdModelling2D-v0 congestion, two targets, walls, noise 0.3', () =>
    crowdModelling2D({
      size: 6,
      H: 5,
      congestion: true,
      noise_intensity: 0.3,
      forbidden_cells: [[2, 2], [2, 3], [3, 2]],
      initial_cells: [[0, 0, 2], [5, 5, 1]],
      positional_rewards: [[1, 1, 0.5], [4, 4, 1]],
    }),
  );
  finiteEnvInvariants('FourRooms-v0 H=10', () => fourRooms({ H: 10 }));
  finiteEnvInvariants('Maze-v0 H=8', () => maze({ H: 8 }));

  it('is a torus: from (0, 0) up reaches (0, 9) and left reaches (9, 0); noise 1 spreads over the 5 moves', () => {
    const k = crowdModelling2D().transition(0, 0, [new Float64Array(500)]);
    const s00 = 0;
    expect(prob(k, s00 * 5 + UP, 9 * 10 + 0)).to.equal(1 / 5);
    expect(prob(k, s00 * 5 + UP, 8 * 10 + 0)).to.equal(1 / 5);
    expect(prob(k, s00 * 5 + LEFT, 0 * 10 + 9)).to.equal(1 / 5);
    expect(prob(k, s00 * 5 + STAY, 1)).to.equal(1 / 5);
    expect(k.rowStart[1]! - k.rowStart[0]!).to.equal(5);
  });

  it('noise picks one of the new cell\'s legal moves w.p. noise/|A(c)|, plus 1 - noise on staying (FourRooms corner)', () => {
    const game = fourRooms({ noise_intensity: 0.5 });
    const k = game.transition(0, 0, [new Float64Array(13 * 13 * 5)]);
    const s11 = 1 * 13 + 1;
    // (1, 1): up and left are walls, so A(c) = {stay, right, down}.
    expect(prob(k, s11 * 5 + STAY, s11)).to.be.closeTo(0.5 + 0.5 / 3, 1e-15);
    expect(prob(k, s11 * 5 + STAY, s11 + 1)).to.be.closeTo(0.5 / 3, 1e-15);
    expect(prob(k, s11 * 5 + STAY, s11 + 13)).to.be.closeTo(0.5 / 3, 1e-15);
    // Moving right to (2, 1), which has 4 legal moves (up is a wall).
    expect(prob(k, s11 * 5 + RIGHT, s11 + 1)).to.be.closeTo(0.5 + 0.5 / 4, 1e-15);
    expect(prob(k, s11 * 5 + RIGHT, s11)).to.be.closeTo(0.5 / 4, 1e-15);
    expect(prob(k, s11 * 5 + RIGHT, s11 + 2)).to.be.closeTo(0.5 / 4, 1e-15);
    expect(prob(k, s11 * 5 + RIGHT, s11 + 1 + 13)).to.be.closeTo(0.5 / 4, 1e-15);
  });

  it('pays the crowd, positional and move terms (hand-computed on a uniform 10x10 population)', () => {
    const L = new Float64Array(500).fill(1 / 500); // mu = 0.01 everywhere
    const out = new Float64Array(500);
    crowdModelling2D().reward(0, 0, [L], out);
    const ln100 = Math.log(100);
    // Target (5, 5), v = 1: 1 - 0.2|x - 5| + 1 - 0.2|y - 5|.
    expect(out[(0 * 10 + 0) * 5 + STAY]).to.be.closeTo(0 + ln100, 1e-12);
    expect(out[(5 * 10 + 5) * 5 + STAY]).to.be.closeTo(2 + ln100, 1e-12);
    expect(out[(5 * 10 + 7) * 5 + RIGHT]).to.be.closeTo(1.6 - 0.1 + ln100, 1e-12);
    crowdModelling2D({ congestion: true }).reward(0, 0, [L], out);
    expect(out[(5 * 10 + 7) * 5 + DOWN]).to.be.closeTo(1.6 - 0.1 * 0.01 + ln100, 1e-12);
    crowdModelling2D({ only_distribution_reward: true, crowd_aversion_coef: 2 }).reward(0, 0, [L], out);
    expect(out[(5 * 10 + 7) * 5 + DOWN]).to.be.closeTo(2 * ln100, 1e-12);
  });

  it('FourRooms: 13x13, 104 free cells, start (1, 1) legal, walls illegal to enter, H=40 (OpenSpiel FOUR_ROOMS)', () => {
    const game = fourRooms();
    const pop = game.populations[0]!;
    expect(game.horizon).to.equal(40);
    expect(pop.stateShape).to.deep.equal([13, 13]);
    // 11x11 interior minus the wall column x=6 (8 cells, doors at y=3, 9) and row y=6 (9 cells, doors at x=3, 9).
    expect(13 * 13 - layoutToForbiddenCells(FOUR_ROOMS_LAYOUT).length).to.equal(11 * 11 - 8 - 9);
    expect(pop.mu0[1 * 13 + 1]).to.equal(1);
    const legal = pop.legal!;
    const s11 = 1 * 13 + 1;
    expect([...legal.subarray(s11 * 5, s11 * 5 + 5)]).to.deep.equal([0, 0, 1, 1, 1]);
    // The door of the top wall at (3, 6): from (3, 5) moving down is legal, from (2, 5) it is not.
    expect(legal[(5 * 13 + 3) * 5 + DOWN]).to.equal(1);
    expect(legal[(5 * 13 + 2) * 5 + DOWN]).to.equal(0);
    // No mass ever reaches a wall under the uniform policy.
    const flow = meanFieldFlow(game, uniformPolicy(game));
    const walls = layoutToForbiddenCells(FOUR_ROOMS_LAYOUT).map(([x, y]) => y * 13 + x);
    for (let t = 0; t < 40; t++) for (const w of walls) for (let a = 0; a < 5; a++) expect(flow[0]![t * 845 + w * 5 + a]).to.equal(0);
  });

  it('Maze: 22x22, 259 free cells, start (1, 1) legal, walls illegal to enter, H=100 (OpenSpiel MAZE)', () => {
    const game = maze();
    const pop = game.populations[0]!;
    expect(game.horizon).to.equal(100);
    expect(pop.stateShape).to.deep.equal([22, 22]);
    expect(22 * 22 - layoutToForbiddenCells(MAZE_LAYOUT).length).to.equal(259);
    const s11 = 1 * 22 + 1;
    expect(pop.mu0[s11]).to.equal(1);
    // (1, 1): up and left are the outer wall, right (2, 1) and down (1, 2) are open.
    expect([...pop.legal!.subarray(s11 * 5, s11 * 5 + 5)]).to.deep.equal([0, 0, 1, 1, 1]);
    // (6, 1) has the wall (7, 1) to its right; (1, 2) has the wall (1, 3) below.
    expect(pop.legal![(1 * 22 + 6) * 5 + RIGHT]).to.equal(0);
    expect(pop.legal![(2 * 22 + 1) * 5 + DOWN]).to.equal(0);
    // Every wall cell is illegal to enter from each of its free neighbours.
    const free = (x: number, y: number): boolean => MAZE_LAYOUT[y]![x] === ' ';
    const moves = [[0, -1], [-1, 0], [0, 0], [1, 0], [0, 1]] as const;
    for (let y = 1; y < 21; y++) {
      for (let x = 1; x < 21; x++) {
        if (!free(x, y)) continue;
        moves.forEach(([dx, dy], a) => expect(pop.legal![(y * 22 + x) * 5 + a], `(${x}, ${y}) action ${a}`).to.equal(free(x + dx, y + dy) ? 1 : 0));
      }
    }
  });

  it('the uniform policy puts equal weight on the legal actions only (FourRooms start)', () => {
    const game = fourRooms();
    const pi = uniformPolicy(game)[0]!;
    const s11 = 1 * 13 + 1;
    expect([...pi.subarray(s11 * 5, s11 * 5 + 5)]).to.deep.equal([0, 0, 1 / 3, 1 / 3, 1 / 3]);
  });

  it('returns the same kernel object at every epoch (built once)', () => {
    const game = crowdModelling2D({ size: 20 });
    const L = [pointMass(game, 0, 0)];
    expect(game.transition(0, 0, L)).to.equal(game.transition(0, 7, L));
  });

  it('a 64x64 grid with H=50 evaluates and its flow keeps mass 1', () => {
    const game = crowdModelling2D({ size: 64, H: 50 });
    const e = evaluatePolicy(game, uniformPolicy(game));
    const SA = 64 * 64 * 5;
    const last = e.flow[0]!.subarray(49 * SA, 50 * SA).reduce((x, y) => x + y, 0);
    expect(last).to.be.closeTo(1, 1e-9);
    expect(e.exploitability).to.be.greaterThan(0);
  });

  it('rejects bad cells, naming them', () => {
    const code = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        expect(e).to.be.instanceOf(MfgError);
        return `${(e as MfgError).code}: ${(e as MfgError).message}`;
      }
      return 'no error';
    };
    expect(code(() => crowdModelling2D({ forbidden_cells: [[10, 0]] }))).to.match(/MFG_ERR_GAME_INVALID.*forbidden_cells\[0\]/);
    expect(code(() => crowdModelling2D({ forbidden_cells: [[1, 1]], initial_cells: [[1, 1]] }))).to.match(/initial_cells\[0\].*forbidden/);
    expectKwargsError('CrowdModelling2D-v0', { noise_intensity: 1.5 }, 'noise_intensity');
    expectKwargsError('FourRooms-v0', { size: 20 }, 'size');
    expect(makeGame('Maze-v0', { H: 5 }).horizon).to.equal(5);
  });
});
