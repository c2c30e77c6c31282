import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beachBar } from '../../envs/beach-bar';
import { crowdModelling1D } from '../../envs/crowd-modelling-1d';
import { exploitability, uniformPolicy } from '../../src/core/tabular/index';
import { runLearningSolver } from '../../src/learning/run-learning';
import { createSolver, runSolver } from '../../src/solvers/index';

/**
 * The acceptance runs of D-AFP and D-MOMD (Laurière et al. 2022) on CrowdModelling1D with CI
 * budgets: 8 iterations, seeded. Both end at least 3x below the uniform policy's exploitability.
 */
describe('learning: deep average-network FP and deep Munchausen OMD', function () {
  this.timeout(300000);
  const uniform = exploitability(crowdModelling1D(), uniformPolicy(crowdModelling1D()));

  it('the uniform policy of CrowdModelling1D has exploitability 2.853 (the bar to beat 3x)', () => {
    expect(uniform).to.be.closeTo(2.853, 1e-3);
  });

  it('d-afp on CrowdModelling1D ends at least 3x below the uniform policy', async () => {
    const r = await runLearningSolver(crowdModelling1D(), 'd-afp', { iterations: 8, seed: 1, params: { brBatches: 15, avgSteps: 200 } });
    expect(r.exploitability[0]).to.be.closeTo(uniform, 1e-12);
    expect(r.exploitability[8]!).to.be.below(uniform / 3);
    // The average network's tabulated policy is what was evaluated.
    expect(r.exploitability[8]).to.equal(exploitability(crowdModelling1D(), r.policy));
  });

  it('d-momd on CrowdModelling1D ends at least 3x below the uniform policy', async () => {
    const r = await runLearningSolver(crowdModelling1D(), 'd-momd', { iterations: 8, seed: 1, params: { brBatches: 30, popBatches: 100 } });
    expect(r.exploitability[8]!).to.be.below(uniform / 3);
    expect(r.params['tau']).to.equal(1);
  });

  it('d-momd (tau = alpha = 1, exact flow) tracks exact MOMD (alpha = 1) on BeachBar: within 25% at each of 5 iterations', async () => {
    // Cross-check of the Munchausen target: its fixed point is exact MOMD's update (d-momd.ts).
    const exact = await runSolver(beachBar(), createSolver('momd', { alpha: 1 }), { iterations: 5 });
    const deep = await runLearningSolver(beachBar(), 'd-momd', { iterations: 5, seed: 0, params: { brBatches: 40, tau: 1, exactFlow: 1, flatState: 1 } });
    for (let k = 1; k <= 5; k++) expect(Math.abs(deep.exploitability[k]! / exact.exploitability[k]! - 1), `iteration ${k}`).to.be.below(0.25);
    // and both move well away from the uniform policy (1.221): the comparison is not between two flat curves
    expect(exact.exploitability[5]!).to.be.below(exact.exploitability[0]! / 5);
  });

  it('d-momd with exactFlow = 1 faces its policy\'s exact flow (env.setPolicy): the play budget popBatches no longer matters', async () => {
    const run = (popBatches: number) => runLearningSolver(beachBar(), 'd-momd', { iterations: 2, seed: 2, params: { brBatches: 5, popBatches, exactFlow: 1 } });
    const a = await run(1);
    const b = await run(7);
    expect(a.exploitability).to.deep.equal(b.exploitability);
    const c = await runLearningSolver(beachBar(), 'd-momd', { iterations: 2, seed: 2, params: { brBatches: 5, popBatches: 1, exactFlow: 0 } });
    expect(c.exploitability.slice(0, 2)).to.deep.equal(a.exploitability.slice(0, 2)); // same first iteration (uniform flow either way)
    expect(c.exploitability[2]).to.not.equal(a.exploitability[2]);
  });

  for (const algo of ['d-afp', 'd-momd']) {
    it(`${algo}: same seed, same run; a resumed checkpoint continues bit for bit (BeachBar, small budget)`, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `mfgym-${algo}-`));
      try {
        const params = { brBatches: 5, popBatches: 5, avgSteps: algo === 'd-afp' ? 20 : undefined };
        const full = await runLearningSolver(beachBar(), algo, { iterations: 3, seed: 4, params });
        const again = await runLearningSolver(beachBar(), algo, { iterations: 3, seed: 4, params });
        expect(again.exploitability).to.deep.equal(full.exploitability);
        const ckpt = path.join(dir, 'ckpt');
        await runLearningSolver(beachBar(), algo, { iterations: 1, seed: 4, params, checkpointDir: ckpt });
        const resumed = await runLearningSolver(beachBar(), algo, { iterations: 3, seed: 4, params, resumeFrom: ckpt });
        expect(resumed.exploitability).to.deep.equal(full.exploitability);
        expect(resumed.curves).to.deep.equal(full.curves);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
