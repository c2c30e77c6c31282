import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli, tempDir } from '../cli/run-cli';

describe('cli: mfgym solve --algo q-fp|dqn-fp|d-afp|d-momd', function () {
  this.timeout(120000);

  it('--json prints one object with the exact solvers\' keys plus the learning curves, kind and backend', () => {
    const exact = runCli(['solve', '--env', 'BeachBar-v0', '--algo', 'fp', '--iters', '2', '--json']);
    const learned = runCli(['solve', '--env', 'BeachBar-v0', '--algo', 'q-fp', '--iters', '3', '--seed', '4', '--json']);
    expect(learned.status, learned.stderr).to.equal(0);
    const a = JSON.parse(exact.stdout) as Record<string, unknown>;
    const b = JSON.parse(learned.stdout) as Record<string, unknown> & { exploitability: number[]; curves: { episodeReturn: number[] }; backend: { name: string } };
    expect(Object.keys(b)).to.include.members(Object.keys(a));
    expect(b.exploitability).to.have.length(4);
    expect(b['exploitabilityKind']).to.equal('exact');
    expect(b.curves.episodeReturn).to.have.length(3 * 30);
    expect(b.backend.name).to.equal('js-tabular');
    // Same seed, same numbers from a second process.
    const again = JSON.parse(runCli(['solve', '--env', 'BeachBar-v0', '--algo', 'q-fp', '--iters', '3', '--seed', '4', '--json']).stdout) as typeof b;
    expect(again.exploitability).to.deep.equal(b.exploitability);
  });

  it('--params {"generative":1}: the fits are reported, and --settings reaches them (the step cap) as gd-fp\'s; without generative --settings is refused', () => {
    const run = (extra: string[]) => runCli(['solve', '--env', 'BeachBar-v0', '--algo', 'q-fp', '--iters', '2', '--seed', '1', '--params', '{"generative":1,"brBatches":5,"popBatches":3}', ...extra, '--json']);
    type Report = { exploitability: number[]; generative: { fits: number; reports: { steps: number; c2stAccuracy: number }[] } };
    const free = run([]);
    expect(free.status, free.stderr).to.equal(0);
    const a = JSON.parse(free.stdout) as Report;
    expect(a.generative.fits).to.equal(2);
    expect(Math.max(...a.generative.reports.map((r) => r.steps))).to.be.above(20);
    const capped = JSON.parse(run(['--settings', '{"steps":20}']).stdout) as Report;
    for (const r of capped.generative.reports) expect(r.steps).to.be.at.most(20);
    const refused = runCli(['solve', '--env', 'BeachBar-v0', '--algo', 'q-fp', '--iters', '1', '--settings', '{"steps":20}', '--json']);
    expect(refused.status).to.not.equal(0);
    expect(refused.stderr).to.include('--settings is an exact-solver option');
  });

  it('--policy-out writes the learned policy, whose exact exploitability is the reported final value', () => {
    const dir = tempDir();
    try {
      const file = path.join(dir, 'pi.json');
      const r = runCli(['solve', '--env', 'BeachBar-v0', '--algo', 'q-fp', '--iters', '2', '--policy-out', file, '--json']);
      const report = JSON.parse(r.stdout) as { final: { exploitability: number }; exploitability: number[] };
      const ev = runCli(['evaluate', '--env', 'BeachBar-v0', '--policy', file, '--json']);
      expect(ev.status, ev.stderr).to.equal(0);
      expect((JSON.parse(ev.stdout) as { exploitability: number }).exploitability).to.be.closeTo(report.final.exploitability, 1e-12);
      expect(report.final.exploitability).to.be.below(report.exploitability[0]! / 2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--checkpoint then --resume continues to the same curve as one uninterrupted run', () => {
    const dir = tempDir();
    try {
      const ckpt = path.join(dir, 'ckpt');
      const full = JSON.parse(runCli(['solve', '--env', 'LeftRight-v0', '--algo', 'q-fp', '--iters', '4', '--seed', '3', '--json']).stdout) as { exploitability: number[] };
      expect(runCli(['solve', '--env', 'LeftRight-v0', '--algo', 'q-fp', '--iters', '2', '--seed', '3', '--checkpoint', ckpt, '--json']).status).to.equal(0);
      const resumed = JSON.parse(runCli(['solve', '--env', 'LeftRight-v0', '--algo', 'q-fp', '--iters', '4', '--seed', '3', '--resume', ckpt, '--json']).stdout) as { exploitability: number[]; resumedFrom: string };
      expect(resumed.exploitability).to.deep.equal(full.exploitability);
      expect(resumed.resumedFrom).to.equal(ckpt);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('bad parameters, --tol, exact-solver flags and a missing checkpoint are typed errors with exit status 2', () => {
    for (const [args, code] of [
      [['--params', '{"agents":0}'], 'MFG_ERR_SOLVER_BAD_PARAM'],
      [['--params', 'nope'], 'MFG_ERR_CLI_BAD_ARGUMENT'],
      [['--tol', '0.1'], 'MFG_ERR_CLI_BAD_ARGUMENT'],
      [['--alpha', '0.5'], 'MFG_ERR_CLI_BAD_ARGUMENT'],
      [['--resume', '/nonexistent/ckpt'], 'MFG_ERR_LEARNING_BAD_CHECKPOINT'],
    ] as const) {
      const r = runCli(['solve', '--env', 'BeachBar-v0', '--algo', 'q-fp', '--iters', '1', ...args]);
      expect(r.status, r.stderr).to.equal(2);
      expect(r.stderr).to.contain(code);
    }
  });
});
