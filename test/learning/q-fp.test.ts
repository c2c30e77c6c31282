import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beachBar } from '../../envs/beach-bar';
import { leftRight } from '../../envs/left-right';
import { MfgError } from '../../src/core/errors';
import { exploitability } from '../../src/core/tabular/index';
import { runLearningSolver } from '../../src/learning/run-learning';

describe('learning: q-fp (fictitious play with Q-learning best responses)', () => {
  it('BeachBar: 10 iterations lower the exploitability of the uniform policy at least 5x', async () => {
    const r = await runLearningSolver(beachBar(), 'q-fp', { iterations: 10, seed: 1 });
    expect(r.exploitability).to.have.length(11);
    expect(r.exploitability[0]).to.be.closeTo(exploitability(beachBar(), [new Float64Array(r.policy[0]!.length).fill(1 / 3)]), 1e-12);
    expect(r.exploitability[10]!).to.be.below(r.exploitability[0]! / 5);
    // The reported number is the exact exploitability of the returned policy.
    expect(r.exploitability[10]).to.equal(exploitability(beachBar(), r.policy));
    expect(r.exploitabilityKind).to.equal('exact');
    expect(r.curves.episodeReturn).to.have.length(10 * 30);
  });

  it('LeftRight: ends below a fifth of the uniform policy (0.25) in 20 iterations', async () => {
    const r = await runLearningSolver(leftRight(), 'q-fp', { iterations: 20, seed: 2 });
    expect(r.exploitability[0]).to.be.closeTo(0.25, 1e-12);
    expect(Math.min(...r.exploitability.slice(15))).to.be.below(0.05);
  });

  it('same seed, same curve bit for bit; another seed, another curve', async () => {
    const a = await runLearningSolver(beachBar(), 'q-fp', { iterations: 3, seed: 5 });
    const b = await runLearningSolver(beachBar(), 'q-fp', { iterations: 3, seed: 5 });
    const c = await runLearningSolver(beachBar(), 'q-fp', { iterations: 3, seed: 6 });
    expect(a.exploitability).to.deep.equal(b.exploitability);
    expect(a.curves).to.deep.equal(b.curves);
    expect(a.exploitability).to.not.deep.equal(c.exploitability);
  });

  it('resuming from the checkpoint of iteration 2 continues exactly as the uninterrupted run', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfgym-qfp-'));
    try {
      const full = await runLearningSolver(beachBar(), 'q-fp', { iterations: 4, seed: 9 });
      const ckpt = path.join(dir, 'ckpt');
      await runLearningSolver(beachBar(), 'q-fp', { iterations: 2, seed: 9, checkpointDir: ckpt });
      const resumed = await runLearningSolver(beachBar(), 'q-fp', { iterations: 4, seed: 9, resumeFrom: ckpt });
      expect(resumed.exploitability).to.deep.equal(full.exploitability);
      expect(resumed.curves).to.deep.equal(full.curves);
      expect(Buffer.from(resumed.policy[0]!.buffer).equals(Buffer.from(full.policy[0]!.buffer))).to.equal(true);
      // A checkpoint of another run is refused.
      let err: unknown;
      await runLearningSolver(beachBar(), 'q-fp', { iterations: 4, seed: 10, resumeFrom: ckpt }).catch((e) => (err = e));
      expect(err).to.be.instanceOf(MfgError);
      expect((err as MfgError).code).to.equal('MFG_ERR_LEARNING_BAD_CHECKPOINT');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects unknown and non-integer parameters with typed errors', async () => {
    let err: unknown;
    await runLearningSolver(beachBar(), 'q-fp', { iterations: 1, seed: 0, params: { alpha: 1 } }).catch((e) => (err = e));
    expect((err as MfgError).code).to.equal('MFG_ERR_SOLVER_BAD_PARAM');
    err = undefined;
    await runLearningSolver(beachBar(), 'q-fp', { iterations: 1, seed: 0, params: { agents: 2.5 } }).catch((e) => (err = e));
    expect((err as MfgError).code).to.equal('MFG_ERR_SOLVER_BAD_PARAM');
  });
});
