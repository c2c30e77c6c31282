import { expect } from 'chai';
import { Rng } from '../../../src/core/rng';
import { meanFieldFlow, uniformPolicy } from '../../../src/core/tabular/index';
import { loadTf } from '../../../src/populations/generative/backend';
import { CategoricalModel, categoricalConfig } from '../../../src/populations/generative/categorical-generator';
import { finiteExamples } from '../../../src/populations/generative/examples';
import { finiteFitSettings, LARGE_GRID_STATES } from '../../../src/populations/generative/fit-settings';
import { fitGenerativePopulation } from '../../../src/populations/generative/index';
import { axisRows, countRowNll } from '../../../src/populations/generative/row-training';
import { simulateAgents } from '../../../src/populations/simulate-agents';
import { torusWalk } from './fixtures';

/**
 * Count-row training (row-training.ts): its objective is the per-sample likelihood exactly, and
 * on a grid where each row carries many samples it fits better than per-sample minibatches at
 * the same step budget, stopping on the validation NLL.
 */
describe('generative population: count-row training of the autoregressive generator', function () {
  this.timeout(120_000);
  const game = torusWalk(12, 5);
  const pi = uniformPolicy(game);
  const flow = meanFieldFlow(game, pi)[0]!;

  it('the count-row NLL equals the per-sample NLL (cross-check of two implementations), and rows sum to their counts', async () => {
    const h = await loadTf();
    const samples = simulateAgents(game, pi, 3000, new Rng(5));
    const data = finiteExamples(samples.cells[0]!);
    const model = new CategoricalModel(categoricalConfig(game.populations[0]!, 5, 'autoregressive', 8, 16));
    const weights = model.init(new Rng(9));
    const perSample = h.tf.tidy(() => {
      const v = new Map([...weights].map(([k, w]) => [k, h.tf.variable(h.tf.tensor(w.data, [...w.shape]))]));
      const loss = model.loss(h.tf, v, data).dataSync()[0]!;
      for (const x of v.values()) x.dispose();
      return loss;
    });
    const rows = countRowNll(h, model, weights, data);
    expect(rows).to.be.closeTo(perSample, 1e-4 * Math.abs(perSample)); // float32 sums in different orders
    expect(perSample).to.be.above(Math.log(12 * 12 * 5) - 2); // a random init is far from the data: the check is not trivially 0
    for (let k = 0; k < 3; k++) {
      const r = axisRows(model, data, k);
      const total = r.weights.reduce((a, b) => a + b, 0);
      expect(total).to.equal(3000 * 5); // every example in exactly one context
      for (let i = 0; i < r.count; i++) {
        let s = 0;
        for (let q = r.rowStart[i]!; q < r.rowStart[i + 1]!; q++) s += r.vals[q]!;
        expect(s).to.be.closeTo(1, 1e-5);
      }
    }
  });

  it('beats per-sample minibatches at the same step cap, stops on validation, and the defaults switch it on only for large grids', async () => {
    const samples = simulateAgents(game, pi, 20_000, new Rng(7));
    const common = { steps: 400, window: 50, patience: 3, maxRounds: 1, kernelTests: false, discriminator: { steps: 50 }, generator: 'autoregressive' as const, hidden: 32, seed: 3, exact: [flow] };
    const rows = await fitGenerativePopulation(game, samples, { ...common, rowTraining: true, batchSize: 64 });
    const plain = await fitGenerativePopulation(game, samples, { ...common, rowTraining: false, batchSize: 64 });
    const tvRows = rows.report.meanTv!;
    const tvPlain = plain.report.meanTv!;
    // Measured on wasm: see the numbers in the notes; the margin is a factor, not a hair.
    expect(tvRows).to.be.below(0.8 * tvPlain);
    expect(rows.report.tvRatio).to.be.below(plain.report.tvRatio!);
    // The validation curve is scored per window; the returned weights are the best of it.
    const round = rows.report.rounds[0]![0]!;
    expect(round.curve.length).to.be.at.least(1);
    // Defaults: row training and the larger layer only on large grids with much data.
    expect(finiteFitSettings('autoregressive', 32 * 32, 70_000)).to.deep.include({ rowTraining: false, hidden: 64, steps: 2000, batchSize: 512 });
    expect(finiteFitSettings('softmax', 10, 70_000).rowTraining).to.equal(false);
    expect(finiteFitSettings('autoregressive', LARGE_GRID_STATES, 7000)).to.deep.include({ rowTraining: true, hidden: 64 });
    expect(finiteFitSettings('autoregressive', LARGE_GRID_STATES, 70_000)).to.deep.include({ rowTraining: true, hidden: 128 });
  });
});
