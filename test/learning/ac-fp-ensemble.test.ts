import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runContinuousLearningSolver } from '../../src/learning/run-continuous-learning';
import { SMALL_AC_FP, SMALL_LQ, expectAcFpResumesBitForBit, expectPreOptionCheckpointResumesAsDefault } from './ppo-resume';

describe('ac-fp: brEnsemble and policyLayers', function () {
  this.timeout(60_000);
  const game = SMALL_LQ;
  const small = SMALL_AC_FP;

  it('M learners per iteration: the output mixture holds M x iterations distinct networks, learner 0 is the single learner of M = 1, and 1 is the default bit for bit', async () => {
    const plain = await runContinuousLearningSolver(game, 'ac-fp', { iterations: 2, seed: 4, params: small });
    const one = await runContinuousLearningSolver(game, 'ac-fp', { iterations: 2, seed: 4, params: { ...small, brEnsemble: 1 } });
    const three = await runContinuousLearningSolver(game, 'ac-fp', { iterations: 2, seed: 4, params: { ...small, brEnsemble: 3 } });
    expect(one.exploitability).to.deep.equal(plain.exploitability);
    expect(one.w2ToEquilibrium).to.deep.equal(plain.w2ToEquilibrium);
    expect(plain.run.policy.size).to.equal(2);
    expect(three.run.policy.size).to.equal(6);
    // Iteration 1's members are learned against the same flow from different seeds: different networks.
    const w = (k: number): number[] => [...three.run.policy.members[k]!.weights.get('W0')!.data];
    expect(w(1)).to.not.deep.equal(w(0));
    expect(w(2)).to.not.deep.equal(w(1));
    // Learner 0 sees the same flow and seed as the single learner, so iteration 1's first member is its network.
    expect(w(0)).to.deep.equal([...plain.run.policy.members[0]!.weights.get('W0')!.data]);
    // Learner 0's curves are recorded, as the single learner's up to the first flow they differ on.
    expect(three.curves.episodeReturn).to.have.length(plain.curves.episodeReturn.length);
    expect(three.curves.episodeReturn.slice(0, 2)).to.deep.equal(plain.curves.episodeReturn.slice(0, 2));
    expect(three.w2ToEquilibrium![1]).to.not.equal(plain.w2ToEquilibrium![1]);
    // The estimate of iteration 1 is that of the 3-learner mixture, not of learner 0 alone.
    expect(three.exploitability[1]).to.not.equal(plain.exploitability[1]);
  });

  it('an ensemble run and a linear-policy run resume bit for bit; a checkpoint from before the options resumes as 1, 2 and 0 (brEnsemble, policyLayers, naturalStep)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfgym-ensemble-'));
    try {
      await expectAcFpResumesBitForBit(game, { ...small, brEnsemble: 2 }, path.join(dir, 'run'), 3, 4);
      await expectAcFpResumesBitForBit(game, { ...small, policyLayers: 0 }, path.join(dir, 'linear'), 3, 4);
      await expectPreOptionCheckpointResumesAsDefault(game, small, { brEnsemble: 1, policyLayers: 2, naturalStep: 0 }, path.join(dir, 'old'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('policyLayers 0: the policy mean is linear in the network input (one affine layer), and it learns on LQ', async () => {
    const lin = await runContinuousLearningSolver(game, 'ac-fp', { iterations: 2, seed: 4, params: { ...small, policyLayers: 0 } });
    const net = lin.run.policy.members[1]!;
    expect(net.sizes).to.deep.equal([lin.run.layout.inputDim, 1]);
    // mu(x, t) at x = -1, 0, 1 of epoch 2: equal steps (an affine map of the input).
    const L = lin.run.layout;
    const inputs = L.fill(Float64Array.of(-1, 2, 0, 2, 1, 2), 3, 2, new Float64Array(3 * L.inputDim), new Float64Array(3));
    const a = net.forward(inputs, 3, new Float64Array(3));
    expect(a[2]! - a[1]!).to.be.closeTo(a[1]! - a[0]!, 1e-12);
    // It has learned a feedback toward the mean (a falls with x), from a start near a = 0.
    expect(a[2]! - a[0]!).to.be.below(-0.05);
    expect(lin.exploitability[2]!).to.be.below(lin.exploitability[0]!);
  });
});
