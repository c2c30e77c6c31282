import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { MfgError } from '../../src/core/errors';
import type { FiniteGame } from '../../src/core/finite-game';
import { evaluatePolicy, uniformPolicy } from '../../src/core/tabular/index';
import { loadEnvModule } from '../../src/registry/load-module';
import { list, makeGame, unregister } from '../../src/registry/registry';

const ROOT = path.resolve(__dirname, '../../..');
const EXAMPLES = path.join(ROOT, 'envs/declarative');

async function loadError(file: string): Promise<MfgError> {
  try {
    await loadEnvModule(file);
  } catch (e) {
    expect(e).to.be.instanceOf(MfgError);
    return e as MfgError;
  }
  throw new Error(`${file} loaded`);
}

describe('loadEnvModule with .json game documents', () => {
  const registered: string[] = [];
  let dir = '';
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'mfgym-load-'));
  });
  after(() => {
    for (const id of registered) unregister(id);
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers the game of a document; make() builds it and it scores like LeftRight (go-left: 1)', async () => {
    const ids = await loadEnvModule(path.join(EXAMPLES, 'left-right.json'));
    registered.push(...ids);
    expect(ids).to.deep.equal(['declarative/LeftRight-v0']);
    const game = makeGame('declarative/LeftRight-v0') as FiniteGame;
    const pi = uniformPolicy(game);
    pi[0]!.set([1, 0], 0);
    expect(evaluatePolicy(game, pi).exploitability).to.equal(1);
    expect(list().find((s) => s.id === 'declarative/LeftRight-v0')!.description).to.match(/LeftRight written as data/);
  });

  it('registers every document of an array', async () => {
    const a = JSON.parse(readFileSync(path.join(EXAMPLES, 'crowd-modelling-1d.json'), 'utf8'));
    const b = { ...a, id: 'declarative/CrowdModelling1DShort-v0', horizon: 3 };
    const file = path.join(dir, 'two.json');
    writeFileSync(file, JSON.stringify([a, b]));
    const ids = await loadEnvModule(file);
    registered.push(...ids);
    expect(ids).to.deep.equal(['declarative/CrowdModelling1D-v0', 'declarative/CrowdModelling1DShort-v0']);
    expect((makeGame('declarative/CrowdModelling1DShort-v0') as FiniteGame).horizon).to.equal(3);
  });

  it('a bad document in an array registers nothing and names the entry and the field', async () => {
    const good = { ...JSON.parse(readFileSync(path.join(EXAMPLES, 'left-right.json'), 'utf8')), id: 'declarative/Fresh-v0' };
    const bad = { ...good, id: 'declarative/Broken-v0', mu0: [0.5, 0, 0] };
    const file = path.join(dir, 'mixed.json');
    writeFileSync(file, JSON.stringify([good, bad]));
    const e = await loadError(file);
    expect(e.code).to.equal('MFG_ERR_REGISTRY_BAD_GAME_DOCUMENT');
    expect(e.message).to.include('mixed.json[1]').and.include('mu0 sums to 0.5, expected 1');
    expect(list().some((s) => s.id === 'declarative/Fresh-v0')).to.equal(false);
  });

  it('refuses a file whose id is already registered, registering nothing', async () => {
    const e = await loadError(path.join(EXAMPLES, 'left-right.json'));
    expect(e.code).to.equal('MFG_ERR_REGISTRY_DUPLICATE');
    expect(e.message).to.include('declarative/LeftRight-v0');
  });

  it('reports unparsable JSON as a bad module, naming the file', async () => {
    const file = path.join(dir, 'broken.json');
    writeFileSync(file, '{"id": ');
    const e = await loadError(file);
    expect(e.code).to.equal('MFG_ERR_REGISTRY_BAD_MODULE');
    expect(e.message).to.include('broken.json');
  });
});
