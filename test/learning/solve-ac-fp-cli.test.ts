import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli, tempDir } from '../cli/run-cli';

const SMALL = ['--env', 'LinearQuadraticContinuous-v0', '--kwargs', '{"H":10,"dt":0.5}', '--algo', 'ac-fp', '--seed', '5', '--params', '{"agents":32,"brIterations":3,"minibatch":160,"poolSize":64,"evalBatches":2}'];

interface AcFpReport {
  exploitability: number[];
  exploitabilityStandardError: number[];
  exploitabilityKind: string;
  w2ToEquilibrium: number[];
  curves: { episodeReturn: number[]; loss: number[] };
  seconds: number[];
  backend: { name: string };
  resumedFrom: string | null;
  stopped: string;
}

describe('cli: mfgym solve --algo ac-fp (continuous games)', function () {
  this.timeout(300000);

  it('--json: the learning solvers\' report, exploitability estimated with standard errors, W2 to the closed form, deterministic', () => {
    const exact = JSON.parse(runCli(['solve', '--env', 'BeachBar-v0', '--algo', 'q-fp', '--iters', '1', '--json']).stdout) as Record<string, unknown>;
    const r = runCli(['solve', ...SMALL, '--iters', '2', '--json']);
    expect(r.status, r.stderr).to.equal(0);
    const a = JSON.parse(r.stdout) as AcFpReport & Record<string, unknown>;
    expect(Object.keys(a)).to.include.members(Object.keys(exact));
    expect(a.exploitabilityKind).to.equal('estimated');
    expect(a.exploitability).to.have.length(3);
    expect(a.exploitabilityStandardError).to.have.length(3);
    expect(a.exploitabilityStandardError.every((s) => s > 0)).to.equal(true);
    expect(a.w2ToEquilibrium).to.have.length(3);
    expect(a.curves.episodeReturn).to.have.length(2 * 3);
    expect(a.backend.name).to.be.oneOf(['wasm', 'tensorflow']);
    // The passive start is far from the equilibrium; one best response closes most of the gap.
    expect(a.exploitability[1]!).to.be.below(a.exploitability[0]! / 2);
    const again = JSON.parse(runCli(['solve', ...SMALL, '--iters', '2', '--json']).stdout) as AcFpReport;
    expect(again.exploitability).to.deep.equal(a.exploitability);
    expect(again.curves).to.deep.equal(a.curves);
  });

  it('--checkpoint then --resume continues bit for bit to the uninterrupted run', () => {
    const dir = tempDir();
    try {
      const ckpt = path.join(dir, 'ckpt');
      const full = JSON.parse(runCli(['solve', ...SMALL, '--iters', '3', '--json']).stdout) as AcFpReport;
      const first = runCli(['solve', ...SMALL, '--iters', '1', '--checkpoint', ckpt, '--json']);
      expect(first.status, first.stderr).to.equal(0);
      expect(fs.existsSync(path.join(ckpt, 'checkpoint.json'))).to.equal(true);
      const resumed = JSON.parse(runCli(['solve', ...SMALL, '--iters', '3', '--resume', ckpt, '--json']).stdout) as AcFpReport;
      expect(resumed.exploitability).to.deep.equal(full.exploitability);
      expect(resumed.exploitabilityStandardError).to.deep.equal(full.exploitabilityStandardError);
      expect(resumed.w2ToEquilibrium).to.deep.equal(full.w2ToEquilibrium);
      expect(resumed.curves).to.deep.equal(full.curves);
      expect(resumed.resumedFrom).to.equal(ckpt);
      // Another run's checkpoint is refused.
      const other = runCli(['solve', ...SMALL.slice(0, -1), '{"agents":32,"brIterations":4,"minibatch":160,"poolSize":64,"evalBatches":2}', '--iters', '3', '--resume', ckpt, '--json']);
      expect(other.status).to.not.equal(0);
      expect(other.stderr).to.include('MFG_ERR_LEARNING_BAD_CHECKPOINT');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a finite game, and --policy-out, with typed errors', () => {
    const finite = runCli(['solve', '--env', 'BeachBar-v0', '--algo', 'ac-fp', '--iters', '1', '--json']);
    expect(finite.status).to.not.equal(0);
    expect(finite.stderr).to.include('MFG_ERR_GAME_UNSUPPORTED');
    const out = runCli(['solve', ...SMALL, '--iters', '1', '--policy-out', 'x.json']);
    expect(out.stderr).to.include('MFG_ERR_CLI_BAD_ARGUMENT');
  });
});
