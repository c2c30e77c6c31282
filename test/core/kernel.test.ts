import { expect } from 'chai';
import { buildKernel, checkKernel, denseKernel } from '../../src/core/kernel';

describe('sparse kernels', () => {
  it('buildKernel merges repeated next states (walls) and drops zeros', () => {
    // A 1-D corridor of 3 cells, one action "left" with noise: clipping at cell 0 repeats next = 0.
    const k = buildKernel(3, (s, emit) => {
      emit(Math.max(0, s - 1), 0.5);
      emit(Math.max(0, s - 2), 0.5);
      emit(s, 0);
    });
    expect([...k.rowStart]).to.deep.equal([0, 1, 2, 4]);
    expect([...k.next]).to.deep.equal([0, 0, 1, 0]);
    expect([...k.prob]).to.deep.equal([1, 1, 0.5, 0.5]);
    expect(() => checkKernel(k, 3, 'corridor')).to.not.throw();
  });

  it('checkKernel names the row that does not sum to one', () => {
    const k = denseKernel(2, 1, (s, _a, s2) => (s === 1 ? 0.4 : s2 === 0 ? 1 : 0));
    expect(() => checkKernel(k, 2, 'broken')).to.throw(/broken: row 1 sums to 0.8/);
  });
});
