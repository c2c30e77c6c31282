import { expect } from 'chai';
import { crowdModelling2D } from '../../../envs/crowd-modelling-2d';
import { Rng } from '../../../src/core/rng';
import { CategoricalDensity, CategoricalModel, categoricalConfig } from '../../../src/populations/generative/categorical-generator';
import { RowSummaryCache } from '../../../src/populations/generative/row-summary-cache';

describe('row summaries: density queries after a row is evicted', () => {
  // 256 entries a row (summaries pay for rows wider than 2·hidden), 4 x 256 contexts through a 512-row cache.
  const game = crowdModelling2D({ size: 256, H: 4 });
  const config = categoricalConfig(game.populations[0]!, game.horizon, 'autoregressive');
  const weights = new CategoricalModel(config).init(new Rng(7));
  const S = config.numStates;
  const H = config.horizon;

  /** log mu_t(s) of every (t, s) in the given order of epochs. */
  const all = (d: CategoricalDensity, epochs: number[]): Float64Array => {
    const out = new Float64Array(H * S);
    for (const t of epochs) for (let s = 0; s < S; s++) out[t * S + s] = d.logStateMass(t, s);
    return out;
  };

  it('answer bit for bit as the full rows do: 1024 contexts through a 512-row cache, in two orders and twice', () => {
    const epochs = Array.from({ length: H }, (_, t) => t);
    const fresh = new CategoricalDensity(config, weights);
    const first = all(fresh, epochs); // every row computed once, most evicted again
    const kept = fresh.memoryBytes();
    const again = all(fresh, epochs); // now mostly from summaries
    expect(fresh.memoryBytes(), 'no row recomputed and re-summarised').to.equal(kept);
    const reverse = all(new CategoricalDensity(config, weights), [...epochs].reverse());
    expect(Buffer.from(again.buffer).equals(Buffer.from(first.buffer))).to.equal(true);
    expect(Buffer.from(reverse.buffer).equals(Buffer.from(first.buffer))).to.equal(true);
    // A real distribution: every epoch's state masses sum to 1.
    for (let t = 0; t < H; t++) {
      let z = 0;
      for (let s = 0; s < S; s++) z += Math.exp(first[t * S + s]!);
      expect(z).to.be.closeTo(1, 1e-9);
    }
    // Cell masses (state axes, then the action) agree with the state masses: sum over actions.
    const A = config.numActions;
    const d = new CategoricalDensity(config, weights);
    for (const [t, s] of [[0, 0], [2, 513], [3, 65535]] as const) {
      let m = 0;
      for (let a = 0; a < A; a++) m += Math.exp(d.logCellMass(t, s * A + a));
      expect(Math.log(m)).to.be.closeTo(first[t * S + s]!, 1e-12);
    }
  });

  it('keep only the nonzero hidden units, in order; a full cache keeps its first rows and takes no more', () => {
    const W2 = Float64Array.from({ length: 5 * 3 }, (_, i) => 0.1 * i - 0.7);
    const b2 = Float64Array.of(0.5, -0.25, 1);
    const bias = Float64Array.of(0, 0, 0, 0.125, -0.5, 2);
    const hid = Float64Array.of(0, 1.5, 0, -0, 2);
    const cache = new RowSummaryCache(200);
    cache.add(3, hid, 5, 0.25);
    // entry j at epoch 1: b2[j] + 1.5·W2[1, j] + 2·W2[4, j] + bias[1, j] - lz, the zero units skipped
    for (let j = 0; j < 3; j++) expect(cache.entry(3, W2, b2, bias, 1, 3, j)).to.equal(b2[j]! + 1.5 * W2[3 + j]! + 2 * W2[12 + j]! + bias[3 + j]! - 0.25);
    expect(cache.entry(4, W2, b2, bias, 1, 3, 0)).to.equal(undefined);
    for (let k = 10; k < 20; k++) cache.add(k, hid, 5, 0);
    expect(cache.bytes).to.be.at.most(200);
    expect(cache.has(3)).to.equal(true);
    expect(cache.has(19)).to.equal(false);
    expect(cache.size).to.equal(Math.floor(200 / (56 + 2 * 10)));
  });
});
