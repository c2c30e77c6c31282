import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli, tempDir } from '../run-cli';

/** A LeftRight policy file: P(left) = pLeft at the centre at t=0, uniform elsewhere. */
function leftRightPolicyFile(pLeft: number): string {
  const file = path.join(tempDir(), 'policy.json');
  const data = [pLeft, 1 - pLeft, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5];
  fs.writeFileSync(
    file,
    JSON.stringify({ format: 'mfgym-policy', version: 1, env: 'LeftRight-v0', kwargs: {}, horizon: 2, populations: [{ name: 'agents', numStates: 3, numActions: 2, shape: [2, 3, 2], data }] }),
  );
  return file;
}

describe('mfgym evaluate', () => {
  it('the uniform policy on LeftRight: exploitability 1/4, value -3/4, best response -1/2', () => {
    const r = runCli(['evaluate', '--env', 'LeftRight-v0', '--json']);
    expect(r.status, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout);
    expect(out).to.include({ env: 'LeftRight-v0', policy: 'uniform', exploitability: 0.25, policyValue: -0.75, bestResponseValue: -0.5 });
  });

  it('over --memory-budget it evaluates streaming, to the same values, and says so', () => {
    const kw = JSON.stringify({ size: 9, H: 6 });
    const table = JSON.parse(runCli(['evaluate', '--env', 'CrowdModelling2D-v0', '--kwargs', kw, '--json']).stdout);
    const streaming = JSON.parse(runCli(['evaluate', '--env', 'CrowdModelling2D-v0', '--kwargs', kw, '--json', '--memory-budget', '1k']).stdout);
    expect([table.path, streaming.path]).to.deep.equal(['table', 'streaming']);
    for (const k of ['exploitability', 'policyValue', 'bestResponseValue']) expect(Math.abs(streaming[k] - table[k]), k).to.be.below(1e-12);
    const file = leftRightPolicyFile(1);
    const left = JSON.parse(runCli(['evaluate', '--env', 'LeftRight-v0', '--policy', file, '--json', '--memory-budget', '10']).stdout);
    expect([left.path, left.exploitability]).to.deep.equal(['streaming', 1]);
  });

  it('go-left policy file -> exploitability 1.0; go-right -> 2.0 (DESIGN §2 LeftRight)', () => {
    const left = JSON.parse(runCli(['evaluate', '--env', 'LeftRight-v0', '--policy', leftRightPolicyFile(1), '--json']).stdout);
    expect(left.exploitability).to.equal(1);
    expect(left.policyValue).to.equal(-1);
    expect(left.bestResponseValue).to.equal(0);
    const right = JSON.parse(runCli(['evaluate', '--env', 'LeftRight-v0', '--policy', leftRightPolicyFile(0), '--json']).stdout);
    expect(right.exploitability).to.equal(2);
  });

  it('rejects a policy file whose rows are not distributions, naming the entry', () => {
    const r = runCli(['evaluate', '--env', 'LeftRight-v0', '--policy', leftRightPolicyFile(1.5), '--json']);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/^mfgym: MFG_ERR_POLICY_NOT_DISTRIBUTION: policy\[0\]\[t=0\]\[s=0\]\[a=1\] = -0.5/);
  });

  it('rejects a policy file written for another env', () => {
    const file = leftRightPolicyFile(1);
    const r = runCli(['evaluate', '--env', 'RockPaperScissors-v0', '--policy', file]);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/MFG_ERR_POLICY_BAD_FILE: .*written for "LeftRight-v0", not RockPaperScissors-v0/);
  });
});
