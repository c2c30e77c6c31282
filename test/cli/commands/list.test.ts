import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli, tempDir } from '../run-cli';

describe('mfgym list', () => {
  it('--json prints one object with every env, its description and kwargs schema', () => {
    const r = runCli(['list', '--json']);
    expect(r.status, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout) as { envs: { id: string; kind: string; description: string; kwargsSchema: { type: string } }[] };
    const lr = out.envs.find((e) => e.id === 'LeftRight-v0')!;
    expect(lr.kind).to.equal('finite');
    expect(lr.description).to.match(/2\/3/);
    expect(lr.kwargsSchema.type).to.equal('object');
    const ids = out.envs.map((e) => e.id);
    expect(ids).to.deep.equal([...ids].sort((a, b) => a.localeCompare(b)));
  });

  it('--load registers a user module (repeatable) and its games are listed and solvable', () => {
    const dir = tempDir();
    const file = path.join(dir, 'games.js');
    // A user's game: LeftRight under another name, built from the public API.
    fs.writeFileSync(
      file,
      `const { leftRight } = require(${JSON.stringify(path.resolve(__dirname, '../../../envs/left-right.js'))});
       exports.envs = [{ id: 'mylab/Sides-v1', kind: 'finite', description: 'LeftRight again.',
         kwargsSchema: { type: 'object', properties: {}, additionalProperties: false }, create: () => leftRight() }];`,
    );
    const listed = JSON.parse(runCli(['list', '--json', '--load', file]).stdout) as { envs: { id: string }[] };
    expect(listed.envs.map((e) => e.id)).to.include('mylab/Sides-v1');
    const r = runCli(['evaluate', '--env', 'mylab/Sides-v1', '--load', file, '--json']);
    expect(r.status, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout).exploitability).to.equal(0.25);
  });

  it('prints a readable table without --json', () => {
    const r = runCli(['list']);
    expect(r.status).to.equal(0);
    expect(r.stdout).to.match(/^LeftRight-v0 {2}\(finite\)$/m);
  });
});
