import { expect } from 'chai';
import { MfgError } from '../../src/core/errors';
import { leftRight } from '../../envs/left-right';
import { parseEnvId } from '../../src/registry/env-id';
import type { EnvSpec } from '../../src/registry/env-spec';
import { list, makeGame, register, resolveKwargs, spec, unregister } from '../../src/registry/registry';
import '../../src/index';

const toy: EnvSpec = {
  id: 'test/Toy-v3',
  kind: 'finite',
  description: 'A registry test double that builds LeftRight.',
  kwargsSchema: {
    type: 'object',
    properties: { size: { type: 'integer', minimum: 2, default: 4 }, name: { type: 'string', default: 'x' } },
    additionalProperties: false,
  },
  create: () => leftRight(),
};

describe('registry', () => {
  before(() => register(toy));
  after(() => unregister(toy.id));

  it('parses ids in the [namespace/]Name-vN grammar', () => {
    expect(parseEnvId('mylab/Traffic-v2')).to.deep.equal({ namespace: 'mylab', name: 'Traffic', version: 2 });
    expect(parseEnvId('BeachBar-v0')).to.deep.equal({ namespace: null, name: 'BeachBar', version: 0 });
    expect(() => parseEnvId('bad id!')).to.throw(MfgError).with.property('code', 'MFG_ERR_REGISTRY_BAD_ID');
  });

  it('fills defaults and validates kwargs, naming the bad kwarg', () => {
    expect(resolveKwargs('test/Toy-v3', {})).to.deep.equal({ size: 4, name: 'x' });
    expect(() => makeGame('test/Toy-v3', { size: 1 })).to.throw(/kwarg "size" must be >= 2/);
    expect(() => makeGame('test/Toy-v3', { size: '3' })).to.throw(/kwarg "size" must be integer/);
    expect(() => makeGame('test/Toy-v3', { colour: 1 })).to.throw(/unknown kwarg "colour"/);
  });

  it('rejects duplicate registrations and unknown ids with typed errors', () => {
    expect(() => register(toy)).to.throw(MfgError).with.property('code', 'MFG_ERR_REGISTRY_DUPLICATE');
    expect(() => spec('Nope-v0')).to.throw(MfgError).with.property('code', 'MFG_ERR_REGISTRY_UNKNOWN_ENV');
  });

  it('lists the built-ins after importing the package', () => {
    expect(list().map((s) => s.id)).to.include('LeftRight-v0');
    expect(makeGame('LeftRight-v0').kind).to.equal('finite');
  });
});
