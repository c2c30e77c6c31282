import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runContinuousLearningSolver } from '../../src/learning/run-continuous-learning';
import { SMALL_AC_FP, SMALL_LQ, expectAcFpResumesBitForBit, expectPreOptionCheckpointResumesAsDefault } from './ppo-resume';

describe('ac-fp: firstBrIterations', function () {
  this.timeout(60_000);
  const game = SMALL_LQ;
  const small = SMALL_AC_FP;

  it('the first best response takes firstBrIterations PPO iterations and the later ones brIterations (one curve point each); 0 is the plain run, bit for bit', async () => {
    const plain = await runContinuousLearningSolver(game, 'ac-fp', { iterations: 3, seed: 4, params: small });
    const zero = await runContinuousLearningSolver(game, 'ac-fp', { iterations: 3, seed: 4, params: { ...small, firstBrIterations: 0 } });
    const longer = await runContinuousLearningSolver(game, 'ac-fp', { iterations: 3, seed: 4, params: { ...small, firstBrIterations: 5 } });
    expect(plain.curves.episodeReturn).to.have.length(2 + 2 + 2);
    expect(longer.curves.episodeReturn).to.have.length(5 + 2 + 2);
    expect(longer.curves.loss).to.have.length(5 + 2 + 2);
    expect(zero.exploitability).to.deep.equal(plain.exploitability);
    expect(zero.w2ToEquilibrium).to.deep.equal(plain.w2ToEquilibrium);
    // The first five PPO iterations see the same flow and draws as the plain run's first two, so they start alike.
    expect(longer.curves.episodeReturn.slice(0, 2)).to.deep.equal(plain.curves.episodeReturn.slice(0, 2));
    expect(longer.w2ToEquilibrium![1]).to.not.equal(plain.w2ToEquilibrium![1]);
  });

  it('a run resumed after its first iteration continues bit for bit, and a checkpoint from before the option resumes as 0', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfgym-firstbr-'));
    try {
      const params = { ...small, firstBrIterations: 4 };
      await expectAcFpResumesBitForBit(game, params, path.join(dir, 'run'), 3, 4);

      await expectPreOptionCheckpointResumesAsDefault(game, small, { firstBrIterations: 0 }, path.join(dir, 'old'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
