import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { registerBuiltinEnvs } from '../../envs/index';
import type { FiniteGame } from '../../src/core/finite-game';
import { evaluatePolicy } from '../../src/core/tabular/index';
import { isBinaryPolicyFile } from '../../src/cli/binary-policy-file';
import { JSON_POLICY_MAX_VALUES, policyEncodingFor, readPolicyFile, savePolicy } from '../../src/cli/policy-file';
import { makeGame } from '../../src/registry/registry';
import { createSolver, runSolver } from '../../src/solvers/index';
import { runCli, tempDir } from './run-cli';

registerBuiltinEnvs();

describe('policy files: JSON and binary', () => {
  const id = 'CrowdModelling2D-v0';
  const kwargs = { size: 6, H: 7 };
  const game = makeGame(id, kwargs) as FiniteGame;
  let policy: Float64Array[];
  before(async () => {
    // An FP iterate: mixed rows with values that are not short decimals.
    policy = (await runSolver(game, createSolver('fp'), { iterations: 5 })).policy;
  });

  it('binary and JSON files round-trip identically, bit for bit, with the same header', () => {
    const dir = tempDir();
    const meta = { algo: 'fp', iterations: 5 };
    expect(savePolicy(path.join(dir, 'p.json'), game, id, kwargs, policy, meta)).to.equal('json');
    expect(savePolicy(path.join(dir, 'p.mfgpol'), game, id, kwargs, policy, meta)).to.equal('binary');
    const json = readPolicyFile(path.join(dir, 'p.json'), game, id);
    const bin = readPolicyFile(path.join(dir, 'p.mfgpol'), game, id);
    expect(isBinaryPolicyFile(path.join(dir, 'p.mfgpol'))).to.equal(true);
    expect(isBinaryPolicyFile(path.join(dir, 'p.json'))).to.equal(false);
    for (const r of [json, bin]) {
      expect(r.policy).to.have.length(1);
      expect(Buffer.from(r.policy[0]!.buffer).equals(Buffer.from(policy[0]!.buffer))).to.equal(true);
    }
    for (const k of ['format', 'version', 'env', 'kwargs', 'horizon', 'meta'] as const) expect(bin.content[k]).to.deep.equal(json.content[k]);
    expect(evaluatePolicy(game, bin.policy).exploitability).to.equal(evaluatePolicy(game, policy).exploitability);
    // Raw float64: 8 bytes a value plus a header of a few hundred bytes.
    const size = fs.statSync(path.join(dir, 'p.mfgpol')).size;
    expect(size - 8 * policy[0]!.length).to.be.within(12, 1024);
  });

  it('the encoding is chosen by extension, else by size', () => {
    expect(policyEncodingFor('a.json', 1e9)).to.equal('json');
    expect(policyEncodingFor('a.bin', 10)).to.equal('binary');
    expect(policyEncodingFor('policy', 10)).to.equal('json');
    expect(policyEncodingFor('policy', JSON_POLICY_MAX_VALUES + 1)).to.equal('binary');
  });

  it('a damaged binary file is a coded error, not a crash', () => {
    const file = path.join(tempDir(), 'p.bin');
    savePolicy(file, game, id, kwargs, policy);
    const bytes = fs.readFileSync(file);
    fs.writeFileSync(file, bytes.subarray(0, bytes.length - 8));
    expect(() => readPolicyFile(file, game, id)).to.throw(/policy file .*populations\[0\] has no valid float64 block/);
    savePolicy(file, game, id, kwargs, policy);
    expect(() => readPolicyFile(file, game, 'LeftRight-v0')).to.throw(/it was written for "CrowdModelling2D-v0", not LeftRight-v0/);
  });

  it('solve --policy-out x.mfgpol writes binary that evaluate --policy reads to the same exploitability', () => {
    const file = path.join(tempDir(), 'fp.mfgpol');
    const solved = runCli(['solve', '--env', id, '--kwargs', JSON.stringify(kwargs), '--algo', 'fp', '--iters', '3', '--policy-out', file, '--json']);
    expect(solved.status, solved.stderr).to.equal(0);
    expect(isBinaryPolicyFile(file)).to.equal(true);
    const evaluated = runCli(['evaluate', '--env', id, '--kwargs', JSON.stringify(kwargs), '--policy', file, '--json']);
    expect(evaluated.status, evaluated.stderr).to.equal(0);
    expect(JSON.parse(evaluated.stdout).exploitability).to.equal(JSON.parse(solved.stdout).final.exploitability);
  });
});
