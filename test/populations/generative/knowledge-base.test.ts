import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Rng } from '../../../src/core/rng';
import { uniformPolicy } from '../../../src/core/tabular/index';
import { loadTf } from '../../../src/populations/generative/backend';
import {
  fitGenerativePopulation,
  GenerativeFinitePopulation,
  KnowledgeBase,
  kwargsDistance,
  loadGenerator,
  populationFromModels,
  saveGenerator,
} from '../../../src/populations/generative/index';
import { simulateAgents } from '../../../src/populations/simulate-agents';
import { passivePolicy, simulateContinuous } from '../../../src/populations/simulate-continuous';
import { GenerativeContinuousPopulation } from '../../../src/populations/generative/index';
import type { FlowConfig } from '../../../src/populations/generative/coupling-flow-generator';
import { linearGaussian2D, torusWalk } from './fixtures';

const FAST = { steps: 1500, window: 50, patience: 2, learningRate: 0.02, maxRounds: 1, discriminator: { steps: 200 } } as const;

/** pi_t(a|s) leaning towards action `a*` with weight w (the rest uniform): a family of related tasks. */
function leaning(game: ReturnType<typeof torusWalk>, favourite: number, w: number): Float64Array[] {
  const pi = uniformPolicy(game);
  const A = 5;
  for (let i = 0; i < pi[0]!.length; i += A) for (let a = 0; a < A; a++) pi[0]![i + a] = a === favourite ? w + (1 - w) / A : (1 - w) / A;
  return pi;
}

describe('generative population: knowledge base (save, load, warm start)', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mfgym-kb-'));
  after(() => fs.rmSync(root, { recursive: true, force: true }));
  const game = torusWalk(6, 4);

  it('save then load gives bit-identical log-densities and leaks no tensors', async () => {
    const { tf } = await loadTf();
    const samples = simulateAgents(game, leaning(game, 1, 0.3), 3000, new Rng(1));
    const fit = await fitGenerativePopulation(game, samples, { ...FAST, steps: 300, generator: 'autoregressive', seed: 1 });
    const before = tf.memory().numTensors;
    const dir = path.join(root, 'roundtrip');
    await saveGenerator(dir, fit.models, { envId: 'TorusWalk-v0', kwargs: { w: 0.3 }, iteration: 1 });
    expect(fs.existsSync(path.join(dir, 'model.json'))).to.equal(true);
    expect(fs.existsSync(path.join(dir, 'weights.bin'))).to.equal(true);
    const loaded = await loadGenerator(dir);
    expect(tf.memory().numTensors).to.equal(before);
    expect(loaded.metadata.envId).to.equal('TorusWalk-v0');
    expect(loaded.metadata.kind).to.equal('autoregressive');
    const pop = populationFromModels(loaded.models) as GenerativeFinitePopulation;
    for (let t = 0; t < 4; t++) {
      for (let s = 0; s < 36; s++) expect(pop.logStateMass(0, t, s)).to.equal(fit.population.logStateMass(0, t, s));
      for (let c = 0; c < 180; c += 7) expect(pop.logCellMass(0, t, c)).to.equal(fit.population.logCellMass(0, t, c));
    }
    const a = pop.sampleStates(0, 3, 100, new Rng(9));
    const b = fit.population.sampleStates(0, 3, 100, new Rng(9));
    expect(Array.from(a)).to.deep.equal(Array.from(b));
  });

  it('a coupling flow round-trips bit-identically too, and warm-starts under its saved standardisation', async () => {
    const { game } = linearGaussian2D(3);
    const samples = simulateContinuous(game, passivePolicy(game), 1500, new Rng(5));
    const fit = await fitGenerativePopulation(game, samples, { ...FAST, steps: 100, generator: 'flow', layers: 2, seed: 5 });
    const dir = path.join(root, 'flow');
    await saveGenerator(dir, fit.models, { envId: 'LinearGaussian2D-v0' });
    const loaded = await loadGenerator(dir);
    const pop = populationFromModels(loaded.models) as GenerativeContinuousPopulation;
    const x = Float64Array.of(0.3, -0.7, 1.1, 0.2);
    for (let t = 0; t < 3; t++) {
      expect(pop.logDensity(t, x, 0)).to.equal(fit.population.logDensity(t, x, 0));
      expect(pop.logDensity(t, x, 2)).to.equal(fit.population.logDensity(t, x, 2));
    }
    expect(Array.from(pop.sample(1, 20, new Rng(1)))).to.deep.equal(Array.from(fit.population.sample(1, 20, new Rng(1))));
    const warm = await fitGenerativePopulation(game, simulateContinuous(game, passivePolicy(game), 1500, new Rng(6)), {
      ...FAST,
      steps: 50,
      generator: 'flow',
      layers: 2,
      seed: 6,
      warmStart: loaded.models,
    });
    const cfg = warm.models.configs[0] as FlowConfig;
    const saved = loaded.models.configs[0] as FlowConfig;
    expect(cfg.shift).to.deep.equal(saved.shift);
    expect(cfg.scale).to.deep.equal(saved.scale);
  });

  it('closest() picks the same env, nearest kwargs, then the latest iteration', async () => {
    const kb = new KnowledgeBase(path.join(root, 'kb'));
    const samples = simulateAgents(game, leaning(game, 1, 0.3), 1000, new Rng(2));
    const fit = await fitGenerativePopulation(game, samples, { ...FAST, steps: 50, generator: 'autoregressive', seed: 2 });
    await kb.save('a', fit.models, { envId: 'TorusWalk-v0', kwargs: { w: 0.2 }, iteration: 1 });
    await kb.save('b', fit.models, { envId: 'TorusWalk-v0', kwargs: { w: 0.5 }, iteration: 1 });
    await kb.save('c', fit.models, { envId: 'TorusWalk-v0', kwargs: { w: 0.5 }, iteration: 2 });
    await kb.save('d', fit.models, { envId: 'Other-v0', kwargs: { w: 0.45 }, iteration: 9 });
    expect((await kb.entries()).length).to.equal(4);
    expect((await kb.closest({ envId: 'TorusWalk-v0', kwargs: { w: 0.45 } }))!.dir).to.equal(path.join(root, 'kb', 'c'));
    expect((await kb.closest({ envId: 'TorusWalk-v0', kwargs: { w: 0.25 } }))!.dir).to.equal(path.join(root, 'kb', 'a'));
    expect(await kb.closest({ envId: 'Missing-v0' })).to.equal(null);
    expect(kwargsDistance({ w: 0.5, grid: 'a' }, { w: 0.5, grid: 'a' })).to.equal(0);
    expect(kwargsDistance({ w: 1 }, { w: 3 })).to.equal(0.5);
    expect(kwargsDistance({ w: 1 }, {})).to.equal(1);
  });

  it('a warm start from a related task (nearby policy) gives a better fit for the same step budget', async () => {
    // A 12x12 torus, H = 6: the cold fit starts from the per-epoch axis marginals (data init) and
    // must learn the dependence between coordinates; the warm start brings it from the last task.
    const big = torusWalk(12, 6);
    const kb = new KnowledgeBase(path.join(root, 'warm'));
    // One round: the comparison is at a fixed step budget, whatever the verdict.
    const budget = { ...FAST, steps: 100, patience: 10, maxRounds: 1, generator: 'autoregressive' as const };
    const first = await fitGenerativePopulation(big, simulateAgents(big, leaning(big, 4, 0.3), 4000, new Rng(3)), { ...budget, steps: 600, seed: 3 });
    await kb.save('w0.3', first.models, { envId: 'TorusWalk-v0', kwargs: { w: 0.3 }, iteration: 1, fitStats: { steps: first.steps } });
    const related = simulateAgents(big, leaning(big, 4, 0.35), 4000, new Rng(4));
    const cold = await fitGenerativePopulation(big, related, { ...budget, seed: 4 });
    const entry = await kb.closest({ envId: 'TorusWalk-v0', kwargs: { w: 0.35 }, kind: 'autoregressive' });
    const warm = await fitGenerativePopulation(big, related, { ...budget, seed: 4, warmStart: entry!.models });
    expect(cold.steps).to.equal(100);
    expect(warm.steps).to.equal(100);
    // Same data, same held-out set, same 100 steps (measured on wasm: cold 3.528, warm 3.520 nats).
    expect(warm.report.meanNll).to.be.below(cold.report.meanNll - 0.003);
    // ... and the warm start's first window of training is already lower.
    expect(warm.report.rounds[0]![0]!.curve[0]!).to.be.below(cold.report.rounds[0]![0]!.curve[0]!);
    // The transfer report: the source was used, it started below the cold initialisation, and its gap to the fit is small.
    const tr = warm.report.transfer![0]!;
    expect(tr.used).to.equal(true);
    expect(tr.sourceNll).to.be.below(tr.coldNll);
    expect(tr.klGap).to.be.closeTo(tr.sourceNll - warm.report.meanNll, 1e-12);
    expect(cold.report.transfer).to.equal(undefined);
  }).timeout(180_000); // three autoregressive fits on a 12x12 torus: ~20 s idle, over a minute on a loaded machine

  it('refuses, with a reason, a source further from the target than the cold start: the fit is then the cold fit bit for bit', async () => {
    const far = await fitGenerativePopulation(game, simulateAgents(game, leaning(game, 3, 0.9), 3000, new Rng(5)), { ...FAST, steps: 300, generator: 'autoregressive', seed: 5 });
    const target = simulateAgents(game, leaning(game, 4, 0.9), 3000, new Rng(6));
    const budget = { ...FAST, steps: 100, generator: 'autoregressive' as const, seed: 6 };
    const cold = await fitGenerativePopulation(game, target, budget);
    const warm = await fitGenerativePopulation(game, target, { ...budget, warmStart: far.models });
    const tr = warm.report.transfer![0]!;
    expect(tr.used).to.equal(false);
    expect(tr.sourceNll).to.be.at.least(tr.coldNll);
    expect(tr.reason).to.match(/^refused: /);
    expect(warm.report.meanNll).to.equal(cold.report.meanNll);
    expect(warm.steps).to.equal(cold.steps);
  });
});
