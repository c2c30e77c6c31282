/**
 * A small, dependency-free SVG line plot for exploitability curves (`mfgym solve --plot`).
 * vega would need its own install and fonts; a curve needs axes, ticks and one polyline.
 * The y axis is logarithmic by default because exploitability falls over decades; values <= 0
 * (an exact equilibrium) are drawn at the floor of the axis.
 */
export interface LinePlotOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  logY?: boolean;
  width?: number;
  height?: number;
}

export interface PlotLayout {
  /** Plot area in SVG pixels. */
  left: number;
  top: number;
  right: number;
  bottom: number;
  xMin: number;
  xMax: number;
  /** Axis range, in log10 units when logY. */
  yMin: number;
  yMax: number;
}

const MARGIN = { left: 70, right: 20, top: 36, bottom: 48 };

/** Where each (x, y) lands; exported so tests can check the mapping rather than the markup. */
export function layoutPlot(xs: readonly number[], ys: readonly number[], options: LinePlotOptions = {}): { layout: PlotLayout; points: [number, number][] } {
  const width = options.width ?? 640;
  const height = options.height ?? 400;
  const logY = options.logY ?? true;
  const xMin = xs.length ? Math.min(...xs) : 0;
  const xMax = xs.length ? Math.max(xs.length > 1 ? Math.max(...xs) : xMin + 1, xMin + 1) : 1;
  const positive = ys.filter((y) => y > 0 && Number.isFinite(y));
  let yMin: number;
  let yMax: number;
  if (logY) {
    yMin = positive.length ? Math.floor(Math.log10(Math.min(...positive))) : -1;
    yMax = positive.length ? Math.ceil(Math.log10(Math.max(...positive))) : 0;
  } else {
    const finite = ys.filter(Number.isFinite);
    yMin = finite.length ? Math.min(0, ...finite) : 0;
    yMax = finite.length ? Math.max(...finite) : 1;
  }
  if (yMax <= yMin) yMax = yMin + 1;
  const layout: PlotLayout = { left: MARGIN.left, top: MARGIN.top, right: width - MARGIN.right, bottom: height - MARGIN.bottom, xMin, xMax, yMin, yMax };
  const points = xs.map((x, i): [number, number] => {
    const y = ys[i]!;
    const v = logY ? (y > 0 ? Math.log10(y) : yMin) : y;
    return [sx(layout, x), sy(layout, Math.min(Math.max(v, yMin), yMax))];
  });
  return { layout, points };
}

/** An SVG document with one line, axes, decade (log) or evenly spaced (linear) ticks. */
export function linePlotSvg(xs: readonly number[], ys: readonly number[], options: LinePlotOptions = {}): string {
  const width = options.width ?? 640;
  const height = options.height ?? 400;
  const logY = options.logY ?? true;
  const { layout: L, points } = layoutPlot(xs, ys, options);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  if (options.title) out.push(`<text x="${width / 2}" y="22" text-anchor="middle" font-size="14">${escapeXml(options.title)}</text>`);
  // y ticks and grid
  for (const v of yTicks(L, logY)) {
    const y = fmt(sy(L, v));
    out.push(`<line x1="${L.left}" y1="${y}" x2="${L.right}" y2="${y}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${L.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${logY ? `1e${v}` : formatTick(v)}</text>`);
  }
  for (const v of niceTicks(L.xMin, L.xMax, 6)) {
    const x = fmt(sx(L, v));
    out.push(`<line x1="${x}" y1="${L.bottom}" x2="${x}" y2="${L.bottom + 4}" stroke="black"/>`);
    out.push(`<text x="${x}" y="${L.bottom + 18}" text-anchor="middle">${formatTick(v)}</text>`);
  }
  out.push(`<line x1="${L.left}" y1="${L.bottom}" x2="${L.right}" y2="${L.bottom}" stroke="black"/>`);
  out.push(`<line x1="${L.left}" y1="${L.top}" x2="${L.left}" y2="${L.bottom}" stroke="black"/>`);
  if (options.xLabel) out.push(`<text x="${(L.left + L.right) / 2}" y="${height - 10}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`);
  if (options.yLabel) {
    const cy = (L.top + L.bottom) / 2;
    out.push(`<text x="16" y="${cy}" text-anchor="middle" transform="rotate(-90 16 ${cy})">${escapeXml(options.yLabel)}</text>`);
  }
  if (points.length) {
    out.push(`<polyline fill="none" stroke="#1f77b4" stroke-width="1.5" points="${points.map(([x, y]) => `${fmt(x)},${fmt(y)}`).join(' ')}"/>`);
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function sx(L: PlotLayout, x: number): number {
  return L.left + ((x - L.xMin) / (L.xMax - L.xMin)) * (L.right - L.left);
}

function sy(L: PlotLayout, v: number): number {
  return L.bottom - ((v - L.yMin) / (L.yMax - L.yMin)) * (L.bottom - L.top);
}

function yTicks(L: PlotLayout, logY: boolean): number[] {
  if (!logY) return niceTicks(L.yMin, L.yMax, 5);
  const decades = L.yMax - L.yMin;
  const step = Math.max(1, Math.ceil(decades / 8));
  const out: number[] = [];
  for (let v = L.yMin; v <= L.yMax; v += step) out.push(v);
  return out;
}

/** Ticks at 1, 2 or 5 times a power of ten, about `count` of them, inside [lo, hi]. */
export function niceTicks(lo: number, hi: number, count: number): number[] {
  const span = hi - lo;
  if (!(span > 0)) return [lo];
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function formatTick(v: number): string {
  return Math.abs(v) >= 1e5 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(0) : String(v);
}

function fmt(v: number): string {
  return v.toFixed(2);
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
