import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli, tempDir } from './run-cli';

/** The error contract: one line `mfgym: CODE: message` on stderr, exit status 2, nothing on stdout. */
function expectOneLineError(args: string[], code: string, mentions: RegExp): void {
  const r = runCli(args);
  expect(r.status, r.stderr).to.equal(2);
  expect(r.stdout).to.equal('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).to.have.length(1);
  expect(lines[0]).to.match(new RegExp(`^mfgym: ${code}: `));
  expect(lines[0]).to.match(mentions);
}

describe('mfgym CLI: bad input exits 2 with one line naming the problem', () => {
  it('unknown env', () => expectOneLineError(['evaluate', '--env', 'Nope-v0'], 'MFG_ERR_REGISTRY_UNKNOWN_ENV', /"Nope-v0"/));
  it('kwargs that are not JSON', () => expectOneLineError(['evaluate', '--env', 'LeftRight-v0', '--kwargs', '{size:'], 'MFG_ERR_REGISTRY_BAD_KWARGS', /--kwargs is not valid JSON/));
  it('a kwarg the env does not have', () => expectOneLineError(['solve', '--env', 'LeftRight-v0', '--algo', 'fp', '--kwargs', '{"size": 3}'], 'MFG_ERR_REGISTRY_BAD_KWARGS', /unknown kwarg "size"/));
  it('an algo parameter out of range', () => expectOneLineError(['solve', '--env', 'LeftRight-v0', '--algo', 'fp', '--alpha', '2'], 'MFG_ERR_SOLVER_BAD_PARAM', /alpha = 2 is invalid, expected a number in \[0, 1\]/));
  it('an algo parameter that is not a number', () => expectOneLineError(['solve', '--env', 'LeftRight-v0', '--algo', 'omd', '--alpha', 'fast'], 'MFG_ERR_SOLVER_BAD_PARAM', /--alpha "fast" is not a number/));
  it('a parameter the algo does not take', () => expectOneLineError(['solve', '--env', 'LeftRight-v0', '--algo', 'bpi', '--eta', '1'], 'MFG_ERR_SOLVER_BAD_PARAM', /bpi takes no parameter "eta"/));
  it('an unknown algo', () => expectOneLineError(['solve', '--env', 'LeftRight-v0', '--algo', 'sgd'], 'MFG_ERR_SOLVER_UNKNOWN', /"sgd".*fp, fixed-point, omd, momd, bpi, prior-descent/));
  it('an unreadable policy file', () => expectOneLineError(['evaluate', '--env', 'LeftRight-v0', '--policy', '/nonexistent/p.json'], 'MFG_ERR_POLICY_BAD_FILE', /\/nonexistent\/p.json/));
  it('a policy file that is not JSON', () => {
    const file = path.join(tempDir(), 'p.json');
    fs.writeFileSync(file, 'not json');
    expectOneLineError(['evaluate', '--env', 'LeftRight-v0', '--policy', file], 'MFG_ERR_POLICY_BAD_FILE', /is not JSON/);
  });
  it('a missing required option', () => expectOneLineError(['solve', '--env', 'LeftRight-v0'], 'MFG_ERR_CLI_BAD_ARGUMENT', /--algo/));
  it('an unknown option', () => expectOneLineError(['list', '--colour'], 'MFG_ERR_CLI_BAD_ARGUMENT', /unknown option '--colour'/));
  it('a module that cannot be loaded (the require stack stays off the line)', () => expectOneLineError(['list', '--load', '/nonexistent/games.js'], 'MFG_ERR_REGISTRY_BAD_MODULE', /cannot load \/nonexistent\/games.js/));
  it('a negative seed', () => expectOneLineError(['solve', '--env', 'LeftRight-v0', '--algo', 'fp', '--seed', '-3'], 'MFG_ERR_SEED_INVALID', /-3/));

  it('--help works on every command and exits 0', () => {
    for (const args of [['--help'], ['list', '--help'], ['evaluate', '--help'], ['solve', '--help']]) {
      const r = runCli(args);
      expect(r.status, args.join(' ')).to.equal(0);
      expect(r.stdout).to.match(/^Usage: mfgym/);
    }
    expect(runCli(['solve', '--help']).stdout).to.contain('--policy-out');
  });
});
