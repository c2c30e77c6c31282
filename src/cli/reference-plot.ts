import { layoutPlot, linePlotSvg, type LinePlotOptions, type PlotLayout } from './plot';

/** A published figure drawn on a curve: a point at (x, y), filled when it is comparable. */
export interface ReferenceMarker {
  x: number;
  y: number;
  label: string;
  comparable: boolean;
}

/**
 * linePlotSvg's curve with reference figures marked as diamonds (hollow and grey where the
 * source's game differs). The axis is the curve's: a reference outside it sits on the edge
 * (an exact 0 on a log axis sits at the floor, as the curve's own zeros do).
 */
export function curveWithReferencesSvg(xs: readonly number[], ys: readonly number[], markers: readonly ReferenceMarker[], options: LinePlotOptions = {}): string {
  const svg = linePlotSvg(xs, ys, options);
  if (!markers.length) return svg;
  const { layout } = layoutPlot(xs, ys, options);
  const logY = options.logY ?? true;
  const out: string[] = [];
  markers.forEach((m, i) => {
    const px = toX(layout, m.x);
    const v = logY ? (m.y > 0 ? Math.log10(m.y) : layout.yMin) : m.y;
    const py = toY(layout, Math.min(Math.max(v, layout.yMin), layout.yMax));
    const d = 6;
    const style = m.comparable ? 'fill="#d62728" stroke="#d62728"' : 'fill="none" stroke="#7f7f7f"';
    out.push(`<path d="M ${f(px)} ${f(py - d)} L ${f(px + d)} ${f(py)} L ${f(px)} ${f(py + d)} L ${f(px - d)} ${f(py)} Z" ${style} stroke-width="1.5"/>`);
    // Labels stack down from the top right so several references stay readable.
    const ly = layout.top + 14 + 14 * i;
    out.push(`<text x="${f(layout.right - 4)}" y="${f(ly)}" text-anchor="end" font-size="11" fill="${m.comparable ? '#d62728' : '#7f7f7f'}">◆ ${escapeXml(m.label)}</text>`);
  });
  return svg.replace(/<\/svg>\n?$/, `${out.join('\n')}\n</svg>\n`);
}

function toX(L: PlotLayout, x: number): number {
  return L.left + ((x - L.xMin) / (L.xMax - L.xMin)) * (L.right - L.left);
}

function toY(L: PlotLayout, v: number): number {
  return L.bottom - ((v - L.yMin) / (L.yMax - L.yMin)) * (L.bottom - L.top);
}

function f(v: number): string {
  return v.toFixed(2);
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
