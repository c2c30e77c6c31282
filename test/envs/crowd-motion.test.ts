import { expect } from 'chai';
import { crowdMotion, defaultBarPath } from '../../envs/crowd-motion';
import { meanFieldFlow, uniformPolicy } from '../../src/core/tabular/index';
import { expectKwargsError, finiteEnvInvariants, prob } from './finite-env-invariants';

const STAY = 4;

describe('CrowdMotion-v0', () => {
  finiteEnvInvariants('CrowdMotion-v0', () => crowdMotion());
  finiteEnvInvariants('CrowdMotion-v0 4x3 with a bar path', () =>
    crowdMotion({ l: 4, w: 3, H: 5, c: 2, p_still: 0.3, barPath: [[0, 0], [1, 2], [3, 1], [2, 2], [0, 1]] }),
  );

  it('the default bar starts at the centre and takes a seeded diagonal step every 2 epochs', () => {
    const path = defaultBarPath(20, 20, 9, 0);
    expect(path[0]).to.deep.equal([10, 10]);
    for (let t = 1; t < 9; t++) {
      const dx = Math.abs(path[t]![0] - path[t - 1]![0]);
      const dy = Math.abs(path[t]![1] - path[t - 1]![1]);
      expect([dx, dy], `t=${t}`).to.deep.equal(t % 2 === 0 ? [1, 1] : [0, 0]);
    }
    expect(defaultBarPath(20, 20, 9, 0)).to.deep.equal(path);
    const distinct = new Set([0, 1, 2, 3, 4, 5].map((seed) => JSON.stringify(defaultBarPath(20, 20, 9, seed))));
    expect(distinct.size).to.be.greaterThan(1);
  });

  it('the bar never leaves the grid: on a 1x1 grid every step is refused', () => {
    expect(defaultBarPath(1, 1, 6, 3)).to.deep.equal(new Array(6).fill([0, 0]));
  });

  it('moves then adds noise from the same set, summed and clipped once', () => {
    const game = crowdMotion();
    const k = game.transition(0, 0, [new Float64Array(2000)]);
    const cell = (x: number, y: number): number => x * 20 + y;
    // Interior, staying: four neighbours w.p. 0.125 each, the cell itself w.p. 0.5.
    const inside = cell(5, 5) * 5 + STAY;
    expect(prob(k, inside, cell(5, 5))).to.equal(0.5);
    for (const c of [cell(6, 5), cell(4, 5), cell(5, 6), cell(5, 4)]) expect(prob(k, inside, c)).to.equal(0.125);
    // Corner (0, 0) moving (-1, 0): only the noise (0, +1) leaves the corner.
    const corner = cell(0, 0) * 5 + 1;
    expect(prob(k, corner, cell(0, 0))).to.equal(0.875);
    expect(prob(k, corner, cell(0, 1))).to.equal(0.125);
    // (3, 7) moving (+1, 0): (4, 7) w.p. 0.5, then (5, 7), (3, 7), (4, 8), (4, 6).
    const east = cell(3, 7) * 5 + 0;
    expect(prob(k, east, cell(4, 7))).to.equal(0.5);
    for (const c of [cell(5, 7), cell(3, 7), cell(4, 8), cell(4, 6)]) expect(prob(k, east, c)).to.equal(0.125);
  });

  it('pays c(1 - L1(s, b_t)/(l + w)) - log(mu_t(s) + eps) against the given bar path (hand-computed)', () => {
    const game = crowdMotion({ barPath: [[10, 10], [10, 10], [9, 11], [9, 11]] });
    const flow = meanFieldFlow(game, uniformPolicy(game));
    const out = new Float64Array(2000);
    game.reward(0, 0, [flow[0]!.subarray(0, 2000)], out); // mu_0 = 1/400
    expect(out[(10 * 20 + 10) * 5]).to.be.closeTo(10 - Math.log(1 / 400 + 1e-10), 1e-12);
    expect(out[(0 * 20 + 0) * 5 + 2]).to.be.closeTo(10 * (1 - 20 / 40) - Math.log(1 / 400 + 1e-10), 1e-12);
    const empty = new Float64Array(2000);
    empty[0] = 1;
    game.reward(0, 2, [empty], out); // bar at (9, 11)
    expect(out[(9 * 20 + 11) * 5 + 3]).to.be.closeTo(10 + 10 * Math.LN10, 1e-12); // -log(1e-10)
    expect(out[(19 * 20 + 0) * 5]).to.be.closeTo(10 * (1 - 21 / 40) + 10 * Math.LN10, 1e-12);
  });

  it('the seed changes only the bar path: same seed, same rewards', () => {
    const a = crowdMotion({ seed: 7, l: 6, w: 6, H: 5 });
    const b = crowdMotion({ seed: 7, l: 6, w: 6, H: 5 });
    const c = crowdMotion({ l: 6, w: 6, H: 5, barPath: defaultBarPath(6, 6, 5, 7) });
    const flow = meanFieldFlow(a, uniformPolicy(a));
    for (let t = 0; t < 5; t++) {
      const Lt = [flow[0]!.subarray(t * 180, (t + 1) * 180)];
      const [ra, rb, rc] = [a, b, c].map((g) => {
        const out = new Float64Array(180);
        g.reward(0, t, Lt, out);
        return Array.from(out);
      });
      expect(rb).to.deep.equal(ra);
      expect(rc).to.deep.equal(ra);
    }
  });

  it('validates its kwargs, naming the bad one', () => {
    expectKwargsError('CrowdMotion-v0', { barPath: [[1, 1], [1, 1]] }, 'barPath'); // H = 4 entries needed
    expectKwargsError('CrowdMotion-v0', { barPath: [[1, 1], [1, 1], [1, 20], [1, 1]] }, 'barPath');
    expectKwargsError('CrowdMotion-v0', { barPath: [[1, 1, 1], [1, 1], [1, 1], [1, 1]] }, 'barPath');
    expectKwargsError('CrowdMotion-v0', { seed: -1 }, 'seed');
    expectKwargsError('CrowdMotion-v0', { p_still: -0.1 }, 'p_still');
    expectKwargsError('CrowdMotion-v0', { torus_l: 20 }, 'torus_l');
  });
});
