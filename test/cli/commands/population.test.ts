import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { registerBuiltinEnvs } from '../../../envs/index';
import { makeGame, resolveKwargs } from '../../../src/registry/registry';
import { runPopulation } from '../../../src/cli/commands/population';
import { gaussianW2 } from '../../../src/populations/generative/stats';
import { runCli, startCli, tempDir } from '../run-cli';

interface Report {
  env: string;
  population: string;
  memoryBytes: number;
  exactMemoryBytes: number | null;
  fitSeconds: number;
  consensus: boolean | null;
  backend: string | null;
  c2stAccuracy: number | null;
  meanTv: number | null;
  meanW2: number | null;
  steps: number | null;
  saved: string | null;
  warmStart: { dir: string; envId: string } | null;
  rounds: { round: number; steps: number; c2stAccuracy: number; pValue: number }[][] | null;
  reference: 'exact' | 'none' | null;
  referenceReason: string | null;
  maxTv: number | null;
  combinedPValue: number | null;
  mmdPValue: number | null;
  energyPValue: number | null;
  verdictPValue: number | null;
  baseline: { kind: string; meanTv?: number; trainingSamplesPerEpoch: number }[] | null;
  tvRatio: number | null;
  w2Ratio: number | null;
  transfer: { population: number; used: boolean; reason: string; sourceNll: number; coldNll: number }[] | null;
  epochs: { population: number; t: number; c2stAccuracy: number | null; pValue: number | null; nll: number | null; tv?: number; w2?: number | null; mmdPValue?: number; energyPValue?: number }[];
}

function json(args: readonly string[]): Report {
  const r = runCli(['population', ...args, '--json']);
  expect(r.stderr, r.stderr).to.equal('');
  expect(r.status).to.equal(0);
  const lines = r.stdout.trim().split('\n');
  expect(lines).to.have.length(1); // exactly one JSON object on stdout
  return JSON.parse(lines[0]!) as Report;
}

/** Settings that keep a generative fit at about a second on the wasm backend. */
const FAST = JSON.stringify({ steps: 300, maxRounds: 1, discriminator: { steps: 50 } });

describe('mfgym population', function () {
  this.timeout(60_000);

  it('exact: TV 0 at every epoch, memory = the exact table, NLL of the uniform start = log(S·A) (BeachBar: log 12)', () => {
    const r = json(['--env', 'BeachBar-v0', '--population', 'exact', '--samples', '20000', '--no-c2st']);
    expect(r.population).to.equal('exact');
    expect(r.epochs).to.have.length(3);
    for (const e of r.epochs) expect(e.tv).to.equal(0);
    expect(r.memoryBytes).to.equal(r.exactMemoryBytes);
    expect([r.verdictPValue, r.mmdPValue, r.baseline, r.tvRatio, r.transfer]).to.deep.equal([null, null, null, null, null]); // no kernel tests, no training samples
    // BeachBar: mu0 uniform over 4 states, uniform policy over 3 actions, so L_0 is uniform on 12 cells
    // and every held-out cell costs exactly log 12 nats.
    expect(r.epochs[0]!.nll).to.be.closeTo(Math.log(12), 1e-12);
    expect(r.consensus).to.equal(null);
    expect(r.c2stAccuracy).to.equal(null);
    expect(r.rounds).to.equal(null);
  });

  it('particles: TV shrinks like 1/sqrt(N); the C2ST does not tell 10^4 particles from fresh agents', () => {
    const small = json(['--env', 'BeachBar-v0', '--population', 'particles', '--samples', '1000', '--no-c2st']);
    const big = json(['--env', 'BeachBar-v0', '--population', 'particles', '--samples', '10000', '--seed', '1']);
    // 12 cells: E[TV] ~ sum_s sqrt(mu(1-mu)/(2 pi N)); about 0.05 at N = 1000 and 0.016 at N = 10^4.
    expect(small.meanTv).to.be.within(0.01, 0.1);
    expect(big.meanTv).to.be.within(0.003, 0.03);
    expect(big.memoryBytes).to.be.at.least(10000 * 3 * 4); // one int32 cell per particle and epoch
    expect(big.backend).to.be.a('string');
    expect(big.consensus).to.be.a('boolean');
    for (const e of big.epochs) {
      expect(e.c2stAccuracy).to.be.within(0.4, 0.6);
      expect(e.pValue).to.be.within(0, 1);
    }
  });

  it('is deterministic under a seed, and the CLI prints what runPopulation computes', async () => {
    registerBuiltinEnvs();
    const a = json(['--env', 'BeachBar-v0', '--population', 'particles', '--samples', '3000', '--seed', '9', '--no-c2st']);
    const kwargs = resolveKwargs('BeachBar-v0', {});
    const inProcess = await runPopulation({ env: 'BeachBar-v0', kwargs, game: makeGame('BeachBar-v0', {}), kind: 'particles', samples: 3000, seed: 9, c2st: false });
    expect(a.epochs).to.deep.equal(JSON.parse(JSON.stringify(inProcess.report.epochs)));
    expect(a.meanTv).to.equal(inProcess.report.meanTv);
  });

  it('generative: consensus, TV and C2ST per epoch, wasm backend; --save then --warm-start from the saved generator', () => {
    const dir = tempDir();
    const saved = path.join(dir, 'bb');
    const r = json(['--env', 'BeachBar-v0', '--population', 'generative', '--samples', '5000', '--settings', FAST, '--save', saved]);
    expect(r.backend).to.be.oneOf(['wasm', 'tensorflow']);
    expect(r.consensus).to.be.a('boolean');
    expect(r.meanTv).to.be.below(0.05);
    expect(r.c2stAccuracy).to.be.below(0.6);
    for (const e of r.epochs) {
      expect(e.nll).to.be.closeTo(Math.log(12), 0.05); // near-uniform flow: NLL close to its entropy
      expect(e.pValue).to.be.within(0, 1);
    }
    // One consensus round here (maxRounds 1); its C2ST is the report's.
    expect(r.rounds).to.have.length(1);
    expect(r.rounds![0]![0]!.steps).to.be.within(1, 300);
    // The honesty report's kernel tests, verdict and baseline are printed: the verdict is
    // Bonferroni over the three tests, consensus follows it, tvRatio is TV over the training histogram's.
    expect(r.verdictPValue).to.equal(Math.min(1, 3 * Math.min(r.combinedPValue!, r.mmdPValue!, r.energyPValue!)));
    expect(r.consensus).to.equal(r.verdictPValue! >= 0.05);
    expect(r.baseline).to.have.length(1);
    expect(r.baseline![0]!.kind).to.equal('histogram');
    expect(r.baseline![0]!.trainingSamplesPerEpoch).to.equal(3500);
    expect(r.tvRatio).to.be.closeTo(r.meanTv! / r.baseline![0]!.meanTv!, 1e-12);
    expect(r.w2Ratio).to.equal(null);
    expect(r.transfer).to.equal(null);
    for (const e of r.epochs) expect(e.mmdPValue).to.be.within(0, 1);
    expect(r.saved).to.equal(path.resolve(saved));
    expect(fs.existsSync(path.join(saved, 'model.json'))).to.equal(true);
    const warm = json(['--env', 'BeachBar-v0', '--population', 'generative', '--samples', '5000', '--settings', FAST, '--warm-start', dir, '--seed', '1']);
    expect(warm.warmStart?.envId).to.equal('BeachBar-v0');
    expect(warm.transfer).to.have.length(1);
    expect(warm.transfer![0]!.used).to.equal(warm.transfer![0]!.sourceNll < warm.transfer![0]!.coldNll);
    expect(warm.meanTv).to.be.below(0.05);
  });

  it('continuous LQ with particles: W2 to the closed-form Gaussian flow at every epoch', () => {
    const r = json(['--env', 'LinearQuadraticContinuous-v0', '--kwargs', '{"H": 10}', '--population', 'particles', '--samples', '5000', '--no-c2st']);
    expect(r.epochs).to.have.length(10);
    expect(r.exactMemoryBytes).to.equal(null);
    // 5000 draws of a unit-scale Gaussian: mean error ~ 0.014, sd error ~ 0.01, so W2 ~ 0.02.
    for (const e of r.epochs) expect(e.w2).to.be.within(0, 0.06);
    expect(r.meanTv).to.equal(null);
  });

  it('gaussianW2 against an isotropic reference matches the 1-d formula and the Dowson-Landau trace form', () => {
    // 1-d: W2 = sqrt((m1 - m2)² + (s1 - s2)²).
    expect(gaussianW2([1], Float64Array.of(4), [0], Float64Array.of(1), 1)).to.be.closeTo(Math.sqrt(1 + 1), 1e-12);
    // 2-d, C1 with eigenvalues 3 and 1 (rotated): tr(C1^1/2) = sqrt 3 + 1; reference 2·I.
    const C1 = Float64Array.of(2, 1, 1, 2);
    const expected = Math.sqrt(4 + 4 - 2 * Math.sqrt(2) * (Math.sqrt(3) + 1));
    expect(gaussianW2([0, 0], C1, [0, 0], Float64Array.of(2, 0, 0, 2), 2)).to.be.closeTo(expected, 1e-12);
  });

  it('--reference: the exact flow is computed only when asked or affordable, and the report says which and why', async () => {
    const auto = json(['--env', 'BeachBar-v0', '--population', 'particles', '--samples', '2000', '--no-c2st']);
    expect(auto.reference).to.equal('exact');
    expect(auto.referenceReason).to.match(/^fits the memory budget: the exact flow takes 384 bytes, the budget is 2147483648$/);
    const none = json(['--env', 'BeachBar-v0', '--population', 'particles', '--samples', '2000', '--no-c2st', '--reference', 'none']);
    expect([none.reference, none.meanTv, none.maxTv]).to.deep.equal(['none', null, null]);
    for (const e of none.epochs) expect(e.tv).to.equal(undefined);
    // The same agents either way: only the reference columns differ.
    expect(none.epochs.map((e) => e.nll)).to.deep.equal(auto.epochs.map((e) => e.nll));
    const tight = json(['--env', 'BeachBar-v0', '--population', 'particles', '--samples', '2000', '--no-c2st', '--memory-budget', '100']);
    expect(tight.reference).to.equal('none');
    expect(tight.referenceReason).to.equal('exceeds the memory budget: the exact flow takes 384 bytes, the budget is 100');
    expect(tight.exactMemoryBytes).to.equal(8 * 3 * 4 * (3 + 1)); // still reported, from the sizes: H·S·(A + 1) float64
    // A generative fit of a large grid with no reference never builds the H·S·A policy or flow table.
    registerBuiltinEnvs();
    const game = makeGame('CrowdModelling2D-v0', { size: 8, H: 4 });
    const run = await runPopulation({ env: 'CrowdModelling2D-v0', kwargs: {}, game, kind: 'generative', samples: 2000, seed: 1, reference: 'none', settings: { steps: 100, maxRounds: 1, discriminator: { steps: 20 } } });
    expect(run.report.reference).to.equal('none');
    expect(run.report.meanTv).to.equal(null);
    expect(run.report.c2stAccuracy).to.be.within(0, 1);
  });

  it('bad input exits 2 with one coded line', () => {
    const cases: [string[], string][] = [
      [['--env', 'BeachBar-v0', '--population', 'histogram'], 'MFG_ERR_POPULATION_UNKNOWN_KIND'],
      [['--env', 'LinearQuadraticContinuous-v0', '--population', 'exact'], 'MFG_ERR_GAME_UNSUPPORTED'],
      [['--env', 'BeachBar-v0', '--population', 'particles', '--save', '/tmp/x'], 'MFG_ERR_CLI_BAD_ARGUMENT'],
      [['--env', 'BeachBar-v0', '--population', 'particles', '--samples', '2.5'], 'MFG_ERR_POPULATION_BAD_PARAM'],
      [['--env', 'BeachBar-v0', '--population', 'generative', '--settings', '{"stepz": 1}'], 'MFG_ERR_GENERATIVE_BAD_OPTION'],
      [['--env', 'BeachBar-v0', '--population', 'particles', '--reference', 'maybe'], 'MFG_ERR_CLI_BAD_ARGUMENT'],
      [['--env', 'BeachBar-v0', '--population', 'particles', '--memory-budget', 'lots'], 'MFG_ERR_CLI_BAD_ARGUMENT'],
    ];
    for (const [args, code] of cases) {
      const r = runCli(['population', ...args, '--json']);
      expect(r.status, args.join(' ')).to.equal(2);
      expect(r.stdout).to.equal('');
      expect(r.stderr.trim().split('\n')).to.have.length(1);
      expect(r.stderr).to.match(new RegExp(`^mfgym: ${code}: `));
    }
  });

  it('SIGINT stops a long generative fit cleanly with status 130', async () => {
    // A fit that would run for minutes (no early stop), which yields to the event loop every window of 100 steps.
    const child = startCli(['population', '--env', 'BeachBar-v0', '--population', 'generative', '--samples', '5000', '--settings', JSON.stringify({ steps: 100000, patience: 100000 }), '--json']);
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    let code: number | null;
    try {
      await new Promise((r) => setTimeout(r, 4000));
      child.kill('SIGINT');
      code = await exited;
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    expect(code).to.equal(130);
    expect(stdout).to.equal('');
    expect(stderr).to.contain('MFG_ERR_GENERATIVE_ABORTED');
  });
});
