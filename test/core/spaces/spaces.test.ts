import { expect } from 'chai';
import { Rng } from '../../../src/core/rng';
import { Box, Discrete, MultiDiscrete, spaceFromJSON } from '../../../src/core/spaces/index';

describe('spaces', () => {
  const rng = new Rng(0);

  it('Discrete contains exactly its integers, samples inside, and round-trips its JSON form', () => {
    const d = new Discrete(3, 1);
    expect([1, 2, 3].every((x) => d.contains(x))).to.equal(true);
    expect([0, 4, 1.5, '1', null].some((x) => d.contains(x))).to.equal(false);
    for (let i = 0; i < 100; i++) expect(d.contains(d.sample(rng))).to.equal(true);
    expect(spaceFromJSON(JSON.parse(JSON.stringify(d.toJSON())))).to.deep.equal(d);
  });

  it('MultiDiscrete flattens row-major and unflattens back', () => {
    const m = new MultiDiscrete([4, 5, 6]);
    expect(m.size).to.equal(120);
    expect(m.flatten([1, 2, 3])).to.equal(1 * 30 + 2 * 6 + 3);
    for (let i = 0; i < 120; i++) expect(m.flatten(m.unflatten(i))).to.equal(i);
    expect(m.contains([3, 4, 5])).to.equal(true);
    expect(m.contains([4, 0, 0])).to.equal(false);
    expect(spaceFromJSON(m.toJSON())).to.deep.equal(m);
  });

  it('Box encodes infinite bounds as "inf"/"-inf" and decodes them back', () => {
    const b = new Box([-Infinity, 0], [Infinity, 1], [2], 'float32');
    const j = JSON.parse(JSON.stringify(b.toJSON()));
    expect(j.low).to.deep.equal(['-inf', 0]);
    expect(j.high).to.deep.equal(['inf', 1]);
    const back = spaceFromJSON(j) as Box;
    expect([...back.low]).to.deep.equal([-Infinity, 0]);
    expect([...back.high]).to.deep.equal([Infinity, 1]);
    expect(back.dtype).to.equal('float32');
    for (let i = 0; i < 100; i++) expect(b.contains(b.sample(rng))).to.equal(true);
  });

  it('Box rejects NaN and out-of-bound vectors', () => {
    const b = new Box(-1, 1, [2]);
    expect(b.contains([0, Number.NaN])).to.equal(false);
    expect(b.contains([0, 1.01])).to.equal(false);
    expect(b.contains([1, -1])).to.equal(true);
    expect(() => new Box(1, 0, [1])).to.throw(/low=1, high=0/);
  });
});
