/**
 * A continuous population against its closed form (`mfgym reproduce` on the LQ game): one panel
 * per shown epoch with the agents' histogram (density-normalised bars) and the closed-form
 * Gaussian density (a line), and a last panel with the variance per epoch, simulated (dots)
 * against closed form (line). Dependency-free SVG.
 */
export interface DistributionPanel {
  t: number;
  points: ArrayLike<number>;
  mean: number;
  variance: number;
}

export interface VarianceSeries {
  simulated: readonly number[];
  closedForm: readonly number[];
}

const PW = 220;
const PH = 150;
const GAP = 40;

export function distributionPlotSvg(panels: readonly DistributionPanel[], variance: VarianceSeries, title: string, bins = 40): string {
  const count = panels.length + 1;
  const columns = Math.min(3, count);
  const lines = Math.ceil(count / columns);
  const width = 20 + columns * (PW + GAP);
  const height = 40 + lines * (PH + GAP + 20);
  // One x range for every histogram panel: +-4 closed-form standard deviations of the widest epoch.
  const half = 4 * Math.sqrt(Math.max(...panels.map((p) => p.variance)));
  const centre = panels.length ? panels[0]!.mean : 0;
  const lo = centre - half;
  const hi = centre + half;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  out.push(`<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${escapeXml(title)}</text>`);
  const origin = (k: number): [number, number] => [40 + (k % columns) * (PW + GAP), 40 + Math.floor(k / columns) * (PH + GAP + 20)];
  panels.forEach((p, k) => {
    const [x0, y0] = origin(k);
    const counts = new Array<number>(bins).fill(0);
    const w = (hi - lo) / bins;
    for (let i = 0; i < p.points.length; i++) {
      const b = Math.floor((p.points[i]! - lo) / w);
      if (b >= 0 && b < bins) counts[b]! += 1;
    }
    const density = counts.map((c) => c / (p.points.length * w));
    const pdf = (x: number): number => Math.exp(-((x - p.mean) ** 2) / (2 * p.variance)) / Math.sqrt(2 * Math.PI * p.variance);
    const yMax = 1.1 * Math.max(pdf(p.mean), ...density);
    const X = (x: number): number => x0 + ((x - lo) / (hi - lo)) * PW;
    const Y = (y: number): number => y0 + PH - (y / yMax) * PH;
    out.push(`<text x="${x0 + PW / 2}" y="${y0 - 6}" text-anchor="middle">t = ${p.t}</text>`);
    density.forEach((d, b) => out.push(`<rect x="${f(X(lo + b * w))}" y="${f(Y(d))}" width="${f(PW / bins)}" height="${f(y0 + PH - Y(d))}" fill="#9ecae1" stroke="#6baed6" stroke-width="0.3"/>`));
    const curve: string[] = [];
    for (let i = 0; i <= 100; i++) {
      const x = lo + ((hi - lo) * i) / 100;
      curve.push(`${f(X(x))},${f(Y(pdf(x)))}`);
    }
    out.push(`<polyline fill="none" stroke="#d62728" stroke-width="1.5" points="${curve.join(' ')}"/>`);
    axes(out, x0, y0, [`${lo.toPrecision(3)}`, `${hi.toPrecision(3)}`]);
  });
  // Variance per epoch.
  const [x0, y0] = origin(panels.length);
  const all = [...variance.simulated, ...variance.closedForm];
  const vMax = 1.1 * Math.max(...all);
  const n = variance.closedForm.length;
  const X = (t: number): number => x0 + (t / Math.max(1, n - 1)) * PW;
  const Y = (v: number): number => y0 + PH - (v / vMax) * PH;
  out.push(`<text x="${x0 + PW / 2}" y="${y0 - 6}" text-anchor="middle">variance per epoch</text>`);
  out.push(`<polyline fill="none" stroke="#d62728" stroke-width="1.5" points="${variance.closedForm.map((v, t) => `${f(X(t))},${f(Y(v))}`).join(' ')}"/>`);
  variance.simulated.forEach((v, t) => out.push(`<circle cx="${f(X(t))}" cy="${f(Y(v))}" r="1.6" fill="#1f77b4"/>`));
  axes(out, x0, y0, ['0', `${n - 1}`]);
  out.push(`<text x="${x0 - 4}" y="${y0 + 4}" text-anchor="end">${vMax.toPrecision(3)}</text>`);
  const ly = height - 12;
  out.push(`<rect x="40" y="${ly - 9}" width="12" height="9" fill="#9ecae1"/><text x="56" y="${ly}">simulated agents</text>`);
  out.push(`<line x1="170" y1="${ly - 4}" x2="190" y2="${ly - 4}" stroke="#d62728" stroke-width="1.5"/><text x="194" y="${ly}">closed form (Gaussian, variance recursion)</text>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function axes(out: string[], x0: number, y0: number, xLabels: [string, string]): void {
  out.push(`<line x1="${x0}" y1="${y0 + PH}" x2="${x0 + PW}" y2="${y0 + PH}" stroke="black"/>`);
  out.push(`<line x1="${x0}" y1="${y0}" x2="${x0}" y2="${y0 + PH}" stroke="black"/>`);
  out.push(`<text x="${x0}" y="${y0 + PH + 14}" text-anchor="middle">${xLabels[0]}</text>`);
  out.push(`<text x="${x0 + PW}" y="${y0 + PH + 14}" text-anchor="middle">${xLabels[1]}</text>`);
}

function f(v: number): string {
  return v.toFixed(2);
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
