import { expect } from 'chai';
import { Rng } from '../../../src/core/rng';
import { histogramBaseline } from '../../../src/populations/generative/baseline';
import { finiteKernelTests } from '../../../src/populations/generative/honesty';
import { honestyVerdict } from '../../../src/populations/generative/two-sample';
import { uniformInt } from '../../../src/populations/generative/uniform-int';

describe('histogram baseline (kernel tests computed on first read)', () => {
  const shape = [6, 5];
  const A = 2;
  const H = 3;
  const rng = new Rng(9);
  const cells = (n: number, skew: number): Int32Array[] => Array.from({ length: H }, () => Int32Array.from({ length: n }, () => Math.floor(shape[0]! * shape[1]! * A * rng.random() ** skew)));
  const train = cells(4000, 1.5);
  const heldOut = cells(1500, 1.2);

  it('reports what the eager computation reports (same p-values, fields and key order), whenever it is read', () => {
    const lazy = histogramBaseline(train, heldOut, shape, A, new Rng(5));
    // The eager reference: the same resampling of the training cells, tested at once.
    const r = new Rng(5);
    const k = finiteKernelTests((t, n, g) => Int32Array.from({ length: n }, () => train[t]![uniformInt(g, train[t]!.length)]!), heldOut, { shape, numActions: A }, r);
    const eager = {
      kind: 'histogram',
      trainingSamplesPerEpoch: 4000,
      mmdPValue: k.mmdPValue,
      energyPValue: k.energyPValue,
      verdictPValue: honestyVerdict([1, k.mmdPValue, k.energyPValue], 0.5).pValue,
    };
    expect(JSON.stringify(lazy)).to.equal(JSON.stringify(eager));
    expect({ ...lazy }).to.deep.equal(eager);
    expect(lazy.mmdPValue).to.equal(k.mmdPValue);
    // A skewed held-out set against the training cells' histogram: the tests see it (not a constant p = 1).
    expect(k.mmdPValue).to.be.below(0.05);
  });
});
