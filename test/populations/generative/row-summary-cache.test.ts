import { expect } from 'chai';
import { crowdModelling2D } from '../../../envs/crowd-modelling-2d';
import { Rng } from '../../../src/core/rng';
import { CategoricalDensity, CategoricalModel, categoricalConfig } from '../../../src/populations/generative/categorical-generator';
import { RowSummaryCache, summarise } from '../../../src/populations/generative/row-summary-cache';

describe('row summaries: density queries after a row is evicted', () => {
  const game = crowdModelling2D({ size: 32, H: 20 });
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

  it('answer bit for bit as the full rows do: 640 contexts through a 256-row cache, in two orders and twice', () => {
    const epochs = Array.from({ length: H }, (_, t) => t);
    const fresh = new CategoricalDensity(config, weights);
    const first = all(fresh, epochs); // every row computed once, most evicted again
    const again = all(fresh, epochs); // now mostly from summaries
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
    for (const [t, s] of [[0, 0], [7, 513], [19, 1023]] as const) {
      let m = 0;
      for (let a = 0; a < A; a++) m += Math.exp(d.logCellMass(t, s * A + a));
      expect(Math.log(m)).to.be.closeTo(first[t * S + s]!, 1e-12);
    }
  });

  it('keep only the nonzero hidden units, in order, and stay within their byte cap', () => {
    const s = summarise(Float64Array.of(0, 1.5, 0, -0, 2), 5, 0.25);
    expect(Array.from(s.idx)).to.deep.equal([1, 4]);
    expect(Array.from(s.val)).to.deep.equal([1.5, 2]);
    const cache = new RowSummaryCache(200);
    for (let k = 0; k < 10; k++) cache.set(k, s);
    expect(cache.bytes).to.be.at.most(200);
    expect(cache.get(9)).to.equal(s);
    expect(cache.get(0)).to.equal(undefined);
  });
});
