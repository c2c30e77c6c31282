import { expect } from 'chai';
import { layoutPlot, linePlotSvg, niceTicks } from '../../src/cli/plot';

describe('SVG line plot', () => {
  it('maps a log-scale curve onto the plot area: decades are equally spaced, ends on the edges', () => {
    const { layout: L, points } = layoutPlot([0, 1, 2, 3], [1, 0.1, 0.01, 0.001], { width: 640, height: 400 });
    expect([L.yMin, L.yMax]).to.deep.equal([-3, 0]);
    expect(points[0]).to.deep.equal([L.left, L.top]);
    expect(points[3]).to.deep.equal([L.right, L.bottom]);
    const dy = points.slice(1).map((p, i) => p[1] - points[i]![1]);
    for (const d of dy) expect(d).to.be.closeTo((L.bottom - L.top) / 3, 1e-9);
  });

  it('draws an exact zero at the floor of the axis instead of -Infinity', () => {
    const { layout: L, points } = layoutPlot([0, 1], [0.5, 0]);
    expect(points[1]![1]).to.equal(L.bottom);
    expect(linePlotSvg([0, 1], [0.5, 0])).to.not.match(/NaN|Infinity/);
  });

  it('escapes the title and labels', () => {
    const svg = linePlotSvg([0, 1], [1, 2], { title: 'a < b & "c"', logY: false });
    expect(svg).to.contain('a &lt; b &amp; &quot;c&quot;');
  });

  it('picks 1-2-5 ticks', () => {
    expect(niceTicks(0, 100, 5)).to.deep.equal([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(0, 7, 6)).to.deep.equal([0, 2, 4, 6]);
    expect(niceTicks(0, 1, 4)).to.deep.equal([0, 0.5, 1]);
  });
});
