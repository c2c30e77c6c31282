import { expect } from 'chai';
import { runCli } from '../run-cli';

const KW = JSON.stringify({ size: 6, H: 7 });

function solve(args: readonly string[]): { status: number | null; stderr: string; out: Record<string, unknown> & { exploitability: number[] } } {
  const r = runCli(['solve', '--env', 'CrowdModelling2D-v0', '--kwargs', KW, '--json', ...args]);
  return { status: r.status, stderr: r.stderr, out: r.status === 0 ? JSON.parse(r.stdout) : { exploitability: [] } };
}

describe('mfgym solve over the memory budget (streaming)', function () {
  this.timeout(60_000);

  it('fp runs streaming when its tables exceed --memory-budget: the same curve as the table path to 1e-12, and says which path ran', () => {
    const table = solve(['--algo', 'fp', '--iters', '6']);
    const streaming = solve(['--algo', 'fp', '--iters', '6', '--memory-budget', '60k']);
    expect(table.status, table.stderr).to.equal(0);
    expect(streaming.status, streaming.stderr).to.equal(0);
    expect(table.out['evaluation']).to.deep.include({ path: 'table', exploitabilityPath: 'table', tableBytes: 12 * 8 * 7 * 36 * 5 });
    expect(streaming.out['evaluation']).to.deep.include({ path: 'streaming', exploitabilityPath: 'streaming', memoryBudget: 61440 });
    expect(streaming.stderr).to.match(/the tables \(120960 bytes\) exceed --memory-budget 61440: streaming fp, exploitability exact/);
    table.out.exploitability.forEach((e, i) => expect(Math.abs(streaming.out.exploitability[i]! - e)).to.be.below(1e-12));
    expect(streaming.out['estimated']).to.deep.equal(new Array(7).fill(false));
  });

  it('gd-fp with particles below even the streaming budget: every exploitability estimated, with its standard error', () => {
    const r = solve(['--algo', 'gd-fp', '--population', 'particles', '--samples', '4000', '--iters', '2', '--memory-budget', '1k']);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.out['evaluation']).to.deep.include({ path: 'streaming', exploitabilityPath: 'estimated' });
    expect(r.out['estimated']).to.deep.equal([true, true, true]);
    const se = r.out['standardError'] as number[];
    for (const x of se) expect(x).to.be.within(1e-4, 1);
    expect((r.out['final'] as { estimated: boolean }).estimated).to.equal(true);
    // The uniform start: the estimate (against a 4000-particle flow) within 4 SE + 0.05 of the exact 3.372.
    expect(Math.abs(r.out.exploitability[0]! - 3.371966814814794)).to.be.below(4 * se[0]! + 0.05);
  });

  it('solvers without a streaming form refuse with a coded error that says what to do', () => {
    const r = solve(['--algo', 'omd', '--iters', '2', '--memory-budget', '1k']);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/^mfgym: MFG_ERR_SOLVER_BAD_PARAM: omd needs its tables \(120960 bytes\), over --memory-budget 1024: only fp and gd-fp have a streaming form/);
  });
});
