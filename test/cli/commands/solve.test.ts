import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeGame } from '../../../src/index';
import { runGdMfrl } from '../../../src/solvers/gd-mfrl';
import { runCli, startCli, tempDir } from '../run-cli';

describe('mfgym solve', () => {
  it('--json prints exactly one object: N+1 exploitabilities, non-decreasing seconds, env/kwargs/algo/params', () => {
    const r = runCli(['solve', '--env', 'LeftRight-v0', '--algo', 'fp', '--iters', '2', '--json']);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout.trimEnd().split('\n')).to.have.length(1);
    const out = JSON.parse(r.stdout);
    expect(out).to.include({ env: 'LeftRight-v0', algo: 'fp', seed: 0, iterations: 2, completedIterations: 2, stopped: 'completed' });
    expect(out.kwargs).to.deep.equal({});
    expect(out.params).to.deep.equal({ alpha: 0, temperature: 0, tieBreak: 'uniform' });
    // The hand-worked FP run (test/solvers/fictitious-play.test.ts): 1/4, 3/16, 1/4.
    expect(out.exploitability).to.deep.equal([0.25, 0.1875, 0.25]);
    expect(out.seconds).to.have.length(3);
    for (let i = 1; i < 3; i++) expect(out.seconds[i]).to.be.at.least(out.seconds[i - 1]);
    expect(out.backend.precision).to.equal('float64');
    expect(out.versions.node).to.equal(process.versions.node);
  });

  it('passes --alpha/--temperature/--eta/--n-inner to the solver and records them', () => {
    const pd = JSON.parse(runCli(['solve', '--env', 'LeftRight-v0', '--algo', 'prior-descent', '--eta', '1', '--n-inner', '2', '--iters', '5', '--json']).stdout);
    expect(pd.params).to.deep.equal({ eta: 1, nInner: 2 });
    const fp = JSON.parse(runCli(['solve', '--env', 'LeftRight-v0', '--algo', 'fixed-point', '--alpha', '0.02', '--temperature', '0.01', '--iters', '3', '--json']).stdout);
    expect(fp.params).to.deep.equal({ alpha: 0.02, temperature: 0.01, tieBreak: 'uniform' });
    expect(fp.exploitability).to.have.length(4);
  });

  it('--tie-break first records the rule and takes the first maximiser; it is refused where no greedy best response is taken', () => {
    // RockPaperScissors, one undamped fixed-point step from uniform: at t = 1 every action ties
    // (the reward ignores it), so 'first' puts everything on action 0 and 'uniform' spreads it.
    const dir = tempDir();
    const solve = (rule: string[], file: string): { params: Record<string, unknown> } => {
      const r = runCli(['solve', '--env', 'RockPaperScissors-v0', '--algo', 'fixed-point', ...rule, '--iters', '1', '--json', '--policy-out', path.join(dir, file)]);
      expect(r.status, r.stderr).to.equal(0);
      return JSON.parse(r.stdout);
    };
    const first = solve(['--tie-break', 'first'], 'first.json');
    const uniform = solve([], 'uniform.json');
    expect(first.params).to.deep.equal({ alpha: 1, temperature: 0, tieBreak: 'first' });
    expect(uniform.params.tieBreak).to.equal('uniform');
    const table = (file: string): number[] => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')).populations[0].data;
    // t = 0: S (action 2) in every state; t = 1: action 0 ('first') or 1/3 each ('uniform').
    expect(table('first.json')).to.deep.equal([0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0]);
    expect(table('uniform.json').slice(12)).to.deep.equal(Array(12).fill(1 / 3));
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'first.json'), 'utf8')).meta.params.tieBreak).to.equal('first');
    const omd = runCli(['solve', '--env', 'LeftRight-v0', '--algo', 'omd', '--tie-break', 'first', '--iters', '1']);
    expect(omd.status).to.not.equal(0);
    expect(omd.stderr).to.match(/MFG_ERR_SOLVER_BAD_PARAM.*omd takes no greedy best response/);
    const bad = runCli(['solve', '--env', 'LeftRight-v0', '--algo', 'fp', '--tie-break', 'last', '--iters', '1']);
    expect(bad.stderr).to.match(/MFG_ERR_SOLVER_BAD_PARAM.*"last".*uniform, first/);
    expect(JSON.parse(runCli(['solve', '--env', 'LeftRight-v0', '--algo', 'omd', '--iters', '1', '--json']).stdout).params).to.not.have.property('tieBreak');
  });

  it('--tol stops early and says so', () => {
    const out = JSON.parse(runCli(['solve', '--env', 'LeftRight-v0', '--algo', 'omd', '--iters', '100', '--tol', '1e-6', '--json']).stdout);
    expect(out.stopped).to.equal('tolerance');
    expect(out.exploitability.length).to.be.below(101);
    expect(out.exploitability[out.exploitability.length - 1]).to.be.at.most(1e-6);
  });

  it('--out, --policy-out and --plot write the results, a policy file that evaluates to the same exploitability, and an SVG', () => {
    const dir = tempDir();
    const [outFile, policyFile, plotFile] = ['r.json', 'p.json', 'c.svg'].map((f) => path.join(dir, f));
    const r = runCli(['solve', '--env', 'LeftRight-v0', '--algo', 'fp', '--iters', '7', '--out', outFile!, '--policy-out', policyFile!, '--plot', plotFile!]);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/LeftRight-v0 · fp/);
    const results = JSON.parse(fs.readFileSync(outFile!, 'utf8'));
    expect(results.exploitability).to.have.length(8);
    const policy = JSON.parse(fs.readFileSync(policyFile!, 'utf8'));
    expect(policy).to.include({ format: 'mfgym-policy', version: 1, env: 'LeftRight-v0', horizon: 2 });
    expect(policy.populations[0].shape).to.deep.equal([2, 3, 2]);
    const ev = JSON.parse(runCli(['evaluate', '--env', 'LeftRight-v0', '--policy', policyFile!, '--json']).stdout);
    expect(ev.exploitability).to.equal(results.exploitability[7]);
    // Starting a new run from the saved policy: its index 0 is where the last run ended.
    const resumed = JSON.parse(runCli(['solve', '--env', 'LeftRight-v0', '--algo', 'omd', '--iters', '1', '--policy', policyFile!, '--json']).stdout);
    expect(resumed.exploitability[0]).to.equal(results.exploitability[7]);
    const svg = fs.readFileSync(plotFile!, 'utf8');
    expect(svg).to.match(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg.match(/<polyline [^>]*points="([^"]*)"/)![1]!.split(' ')).to.have.length(8);
  });

  it('runs the GD-MFRL solvers: --algo gd-fp --population particles equals the library run with the same seed', async () => {
    const r = runCli(['solve', '--env', 'BeachBar-v0', '--algo', 'gd-fp', '--population', 'particles', '--samples', '2000', '--iters', '4', '--seed', '3', '--json']);
    expect(r.status, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout);
    expect(out).to.include({ algo: 'gd-fp', population: 'particles', samples: 2000, seed: 3, completedIterations: 4 });
    const lib = await runGdMfrl(makeGame('BeachBar-v0'), 'gd-fp', { iterations: 4, population: 'particles', numAgents: 2000, seed: 3 });
    expect(out.exploitability).to.deep.equal(lib.exploitability);
    expect(out.flowTv).to.deep.equal(lib.flowTv);
    // Best responses to a flow estimated from 2000 agents still cut BeachBar's exploitability 1.22 several-fold.
    expect(out.exploitability[4]).to.be.below(out.exploitability[0] / 4);
    const bad = runCli(['solve', '--env', 'BeachBar-v0', '--algo', 'gd-omd', '--eta', '1']);
    expect(bad.status).to.equal(2);
    expect(bad.stderr).to.match(/MFG_ERR_SOLVER_BAD_PARAM: gd-omd takes no parameter "eta"/);
  });

  it('SIGINT stops cleanly after the current iteration, still writes the results, exits 130', async function () {
    this.timeout(30000);
    const out = path.join(tempDir(), 'r.json');
    const child = startCli(['solve', '--env', 'LeftRight-v0', '--algo', 'fp', '--iters', '20000000', '--out', out, '--json']);
    try {
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      const started = new Promise<void>((resolve) =>
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
          if (stderr.includes('mfgym: solving LeftRight-v0')) resolve();
        }),
      );
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      await started; // the start line is written once the SIGINT handler is in place
      child.kill('SIGINT');
      const status = await exited;
      expect(status, stderr).to.equal(130);
      expect(stderr).to.match(/interrupted; stopping after the current iteration/);
      const results = JSON.parse(fs.readFileSync(out, 'utf8'));
      expect(results.stopped).to.equal('interrupted');
      expect(results.exploitability.length).to.equal(results.completedIterations + 1);
      expect(results.completedIterations).to.be.within(0, 19999999);
      expect(JSON.parse(stdout).completedIterations).to.equal(results.completedIterations);
    } finally {
      // A failed expectation must not leave a 20-million-iteration run behind.
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
