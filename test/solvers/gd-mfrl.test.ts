import { expect } from 'chai';
import { beachBar } from '../../envs/beach-bar';
import { leftRight } from '../../envs/left-right';
import { susceptibleInfected } from '../../envs/susceptible-infected';
import { isMfgError } from '../../src/core/errors';
import { exploitability, meanFieldFlow, uniformPolicy } from '../../src/core/tabular/index';
import { ExactPopulation } from '../../src/populations/exact-population';
import { estimatedFlow, meanStateTv, runGdMfrl, type GdMfrlResult } from '../../src/solvers/gd-mfrl';
import { createSolver, runSolver, type SolverResult } from '../../src/solvers/index';

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

/** The largest |a_i - b_i| over two curves of the same length. */
function maxGap(a: readonly number[], b: readonly number[]): number {
  expect(a).to.have.length(b.length);
  return Math.max(...a.map((x, i) => Math.abs(x - b[i]!)));
}

describe('GD-MFRL solvers (gd-fp, gd-omd)', function () {
  this.timeout(60_000);
  const lr = leftRight();
  const bb = beachBar();
  const K = 40;
  let exactFp: SolverResult;
  let exactOmd: SolverResult;

  before(async () => {
    exactFp = await runSolver(bb, createSolver('fp'), { iterations: K });
    exactOmd = await runSolver(bb, createSolver('omd'), { iterations: K });
  });

  it('with the exact population as the estimator, gd-fp and gd-omd are the exact solvers (the same curve bit for bit)', async () => {
    // The control: the exact source is the forward equation, and gd-fp is fp run with it.
    const fp = await runGdMfrl(bb, 'gd-fp', { iterations: K, population: 'exact' });
    const omd = await runGdMfrl(bb, 'gd-omd', { iterations: K, population: 'exact' });
    expect(fp.exploitability).to.deep.equal(exactFp.exploitability);
    expect(omd.exploitability).to.deep.equal(exactOmd.exploitability);
    expect(maxGap(fp.exploitability, exactFp.exploitability)).to.equal(0);
    expect(Math.max(...fp.flowTv)).to.equal(0);
    expect(fp.fitReports.every((r) => r === null)).to.equal(true); // the exact table carries no discriminator verdict
    // Against the exact flow, the estimated exploitability is the exploitability.
    expect(maxGap(fp.estimatedExploitability, fp.exploitability)).to.be.below(1e-12);
  });

  describe('particles (10^4 agents)', () => {
    let fp: GdMfrlResult;
    let omd: GdMfrlResult;
    before(async () => {
      fp = await runGdMfrl(bb, 'gd-fp', { iterations: K, population: 'particles', numAgents: 10_000, seed: 3 });
      omd = await runGdMfrl(bb, 'gd-omd', { iterations: K, population: 'particles', numAgents: 10_000, seed: 3 });
    });

    it('BeachBar gd-fp tracks exact fp: within 1.5x + 0.005 of it at every iteration from 10 on, 30x below the start', () => {
      // Histogram noise with N = 10^4 is ~ 1/sqrt(N) = 0.01 per state mass; the BR of a
      // noisy flow is at most O(noise) worse, which is the additive slack.
      for (let i = 10; i <= K; i++) expect(fp.exploitability[i]).to.be.at.most(1.5 * exactFp.exploitability[i]! + 0.005, `iteration ${i}`);
      expect(fp.exploitability[K]).to.be.below(fp.exploitability[0]! / 30);
      expect(fp.exploitability[0]).to.equal(exactFp.exploitability[0]); // both start uniform, evaluated exactly
    });

    it('BeachBar gd-omd tracks exact omd within 1.5x + 0.005 from iteration 10 on', () => {
      for (let i = 10; i <= K; i++) expect(omd.exploitability[i]).to.be.at.most(1.5 * exactOmd.exploitability[i]! + 0.005, `iteration ${i}`);
    });

    it('the estimated flows are within the TV 1/sqrt(N) explains, and the recorded exploitability is the exact one', () => {
      for (const tv of [...fp.flowTv, ...omd.flowTv]) expect(tv).to.be.within(1e-4, 0.03);
      expect(fp.exploitability[K]).to.equal(exploitability(bb, fp.policy));
      expect(omd.exploitability[K]).to.equal(exploitability(bb, omd.policy));
    });

    it('is deterministic under a seed, and a different seed gives a different run', async () => {
      const again = await runGdMfrl(bb, 'gd-fp', { iterations: K, population: 'particles', numAgents: 10_000, seed: 3 });
      expect(again.exploitability).to.deep.equal(fp.exploitability);
      expect(again.flowTv).to.deep.equal(fp.flowTv);
      const other = await runGdMfrl(bb, 'gd-fp', { iterations: K, population: 'particles', numAgents: 10_000, seed: 4 });
      expect(other.flowTv).to.not.deep.equal(fp.flowTv);
    });
  });

  describe('generative (softmax generator, wasm backend, 5000 agents per fit)', () => {
    // A small training budget keeps a fit at about a second; the consensus loop still runs its
    // discriminator test on held-out agents every fit.
    const settings = { steps: 300, maxRounds: 1, discriminator: { steps: 50 } };
    const opts = { population: 'generative', numAgents: 5000, seed: 7, settings } as const;
    let fp: GdMfrlResult;
    let omd: GdMfrlResult;
    before(async function () {
      this.timeout(120_000);
      fp = await runGdMfrl(bb, 'gd-fp', { ...opts, iterations: 6 });
      omd = await runGdMfrl(bb, 'gd-omd', { ...opts, iterations: 4 });
    });

    it('BeachBar gd-fp tracks exact fp: within 25% + 0.01 at every iteration, one fit per iteration', () => {
      for (let i = 1; i <= 6; i++) expect(Math.abs(fp.exploitability[i]! - exactFp.exploitability[i]!)).to.be.at.most(0.25 * exactFp.exploitability[i]! + 0.01, `iteration ${i}`);
      expect(fp.exploitability[6]).to.be.below(fp.exploitability[0]! / 10);
      expect(fp.flowUpdate).to.equal('average');
      expect(fp.fits).to.equal(7); // pi_0, then one best response per iteration
      // Every fit went through the consensus loop; its discriminator could not tell most of them from fresh agents.
      expect(fp.fitReports).to.have.length(7);
      for (const r of fp.fitReports) expect(r!.c2stAccuracy).to.be.within(0.4, 0.6);
      expect(fp.fitReports.filter((r) => r!.consensus).length).to.be.at.least(5);
      for (const tv of fp.flowTv) expect(tv).to.be.below(0.05);
    });

    it('BeachBar gd-omd tracks exact omd within 25% + 0.01 at every iteration', () => {
      for (let i = 1; i <= 4; i++) expect(Math.abs(omd.exploitability[i]! - exactOmd.exploitability[i]!)).to.be.at.most(0.25 * exactOmd.exploitability[i]! + 0.01, `iteration ${i}`);
      for (const tv of omd.flowTv) expect(tv).to.be.below(0.05);
    });

    it('is deterministic under a seed: a shorter run with the same seed is a prefix, bit for bit', async () => {
      const short = await runGdMfrl(bb, 'gd-omd', { ...opts, iterations: 2 });
      expect(short.exploitability).to.deep.equal(omd.exploitability.slice(0, 3));
      expect(short.flowTv).to.deep.equal(omd.flowTv.slice(0, 3));
    });
  });

  it('FP refits the current policy where the dynamics read the mean field (SusceptibleInfected), and both modes track exact fp', async () => {
    const si = susceptibleInfected();
    expect(si.dynamicsDependOnMeanField).to.equal(true);
    const exact = await runSolver(si, createSolver('fp'), { iterations: 20 });
    const refit = await runGdMfrl(si, 'gd-fp', { iterations: 20, population: 'particles', numAgents: 10_000, seed: 5 });
    expect(refit.flowUpdate).to.equal('refit');
    expect(refit.fits).to.equal(41); // the current policy and the best response, every iteration, and pi_20
    // The N-player simulation reads the empirical mu(I): bias plus noise of order 1/sqrt(N) per epoch.
    for (let i = 5; i <= 20; i++) expect(refit.exploitability[i]).to.be.at.most(1.5 * exact.exploitability[i]! + 0.02, `iteration ${i}`);
    const bb2 = await runGdMfrl(bb, 'gd-fp', { iterations: 5, population: 'particles', numAgents: 2000, flowUpdate: 'refit' });
    expect(bb2.fits).to.equal(11);
  });

  it('LeftRight gd-fp with particles reaches P(left) = 2/3 like exact fp', async () => {
    const r = await runGdMfrl(lr, 'gd-fp', { iterations: 60, population: 'particles', numAgents: 20_000, seed: 1 });
    const exact = await runSolver(lr, createSolver('fp'), { iterations: 60 });
    expect(r.policy[0]![0]).to.be.closeTo(2 / 3, 0.02);
    expect(r.exploitability[60]).to.be.at.most(exact.exploitability[60]! + 0.005);
  });

  it('estimatedFlow reads mu^·pi from any representation (exact: the forward flow itself)', () => {
    const pi = uniformPolicy(bb);
    pi[0]!.fill(0).forEach((_v, j, a) => (a[j] = j % 3 === 0 ? 1 : 0)); // always "left"
    const flow = meanFieldFlow(bb, pi);
    const est = estimatedFlow(bb, new ExactPopulation(bb, flow), pi);
    for (let j = 0; j < flow[0]!.length; j++) expect(est[0]![j]).to.be.closeTo(flow[0]![j]!, 1e-15);
    expect(meanStateTv(bb, est, flow)).to.be.below(1e-15);
  });

  it('stops cleanly on an aborted signal, keeping the iterations done', async () => {
    const controller = new AbortController();
    const r = await runGdMfrl(bb, 'gd-omd', {
      iterations: 100,
      population: 'particles',
      numAgents: 1000,
      signal: controller.signal,
      onIteration: ({ iteration }) => {
        if (iteration === 2) controller.abort();
      },
    });
    expect(r.stopped).to.equal('interrupted');
    expect(r.exploitability).to.have.length(3);
    expect(r.iterations).to.equal(2);
  });

  it('rejects unknown solvers, bad params and unknown population kinds with coded errors', async () => {
    const codes = await Promise.all([
      rejection(runGdMfrl(bb, 'gd-nope', { iterations: 1 })),
      rejection(runGdMfrl(bb, 'gd-omd', { iterations: 1, params: { alpha: -1 } })),
      rejection(runGdMfrl(bb, 'gd-fp', { iterations: 1, params: { eta: 1 } })),
      rejection(runGdMfrl(bb, 'gd-fp', { iterations: 1.5, population: 'particles' })),
      rejection(runGdMfrl(bb, 'gd-fp', { iterations: 1, population: 'histogram' })),
    ]).then((errs) => errs.map((e) => (isMfgError(e) ? e.code : String(e))));
    expect(codes).to.deep.equal([
      'MFG_ERR_SOLVER_UNKNOWN',
      'MFG_ERR_SOLVER_BAD_PARAM',
      'MFG_ERR_SOLVER_BAD_PARAM',
      'MFG_ERR_SOLVER_BAD_PARAM',
      'MFG_ERR_POPULATION_UNKNOWN_KIND',
    ]);
  });
});
