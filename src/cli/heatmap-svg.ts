/**
 * Population heatmaps (`mfgym reproduce` on grid games): a grid of small panels, one per
 * (population, epoch), all on ONE colour scale so that panels compare by colour alone.
 * Dependency-free SVG, one <rect> per cell; PNG comes from rendering this SVG (svg-png.ts).
 */
export interface HeatmapPanel {
  label: string;
  /** rows*cols values, row-major (state index = row*cols + col, as MultiDiscrete flattens). */
  values: ArrayLike<number>;
}

export interface HeatmapOptions {
  rows: number;
  cols: number;
  title?: string;
  /** Panels per line of the figure. */
  columns?: number;
  /** Panel side in pixels. */
  panelSize?: number;
  /**
   * Colour = viridis((v / max)^gamma). 0.5 (the default) is a square-root scale: a population
   * that starts on one cell and spreads would otherwise leave every later panel near black.
   */
  gamma?: number;
}

/** Viridis at 9 stops (matplotlib's table subsampled): perceptually uniform, readable in grey. */
const VIRIDIS: readonly [number, number, number][] = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 144, 141],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
];

/** The colour of u in [0, 1] (clamped), linear between the stops. */
export function viridis(u: number): string {
  const x = Math.min(1, Math.max(0, Number.isFinite(u) ? u : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const [a, b] = [VIRIDIS[i]!, VIRIDIS[i + 1]!];
  const c = a.map((v, k) => Math.round(v + f * (b[k]! - v)));
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

/** The shared colour scale: 0 to the largest value over every panel. */
export function colourScaleMax(panels: readonly HeatmapPanel[]): number {
  let max = 0;
  for (const p of panels) for (let i = 0; i < p.values.length; i++) if (p.values[i]! > max) max = p.values[i]!;
  return max > 0 ? max : 1;
}

export function heatmapGridSvg(panels: readonly HeatmapPanel[], options: HeatmapOptions): string {
  const { rows, cols } = options;
  const columns = Math.max(1, Math.min(options.columns ?? 4, panels.length));
  const side = options.panelSize ?? 150;
  const cell = side / Math.max(rows, cols);
  const pw = cell * cols;
  const ph = cell * rows;
  const gap = 14;
  const labelH = 18;
  const top = options.title ? 34 : 10;
  const lines = Math.ceil(panels.length / columns);
  const barW = 16;
  const width = 10 + columns * (pw + gap) + barW + 90;
  const height = top + lines * (ph + labelH + gap) + 10;
  const vmax = colourScaleMax(panels);
  const gamma = options.gamma ?? 0.5;
  const colour = (v: number): string => viridis(Math.max(0, v / vmax) ** gamma);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${r(width)}" height="${r(height)}" viewBox="0 0 ${r(width)} ${r(height)}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="${r(width)}" height="${r(height)}" fill="white"/>`);
  if (options.title) out.push(`<text x="${r(width / 2)}" y="22" text-anchor="middle" font-size="14">${escapeXml(options.title)}</text>`);
  panels.forEach((panel, k) => {
    const x0 = 10 + (k % columns) * (pw + gap);
    const y0 = top + Math.floor(k / columns) * (ph + labelH + gap);
    out.push(`<text x="${r(x0 + pw / 2)}" y="${r(y0 + 12)}" text-anchor="middle">${escapeXml(panel.label)}</text>`);
    out.push(`<g shape-rendering="crispEdges">`);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const v = panel.values[i * cols + j]!;
        out.push(`<rect x="${r(x0 + j * cell)}" y="${r(y0 + labelH + i * cell)}" width="${r(cell + 0.05)}" height="${r(cell + 0.05)}" fill="${colour(v)}"/>`);
      }
    }
    out.push('</g>');
    out.push(`<rect x="${r(x0)}" y="${r(y0 + labelH)}" width="${r(pw)}" height="${r(ph)}" fill="none" stroke="#444" stroke-width="0.5"/>`);
  });
  // Colour bar: the one scale every panel uses.
  const bx = 10 + columns * (pw + gap);
  const by = top + labelH;
  const bh = Math.max(ph, 120);
  const steps = 32;
  for (let i = 0; i < steps; i++) {
    out.push(`<rect x="${r(bx)}" y="${r(by + (bh * (steps - 1 - i)) / steps)}" width="${barW}" height="${r(bh / steps + 0.5)}" fill="${viridis((i + 0.5) / steps)}"/>`);
  }
  // Ticks at the masses whose colours sit at 0, 1/4, 1/2, 3/4 and 1 of the bar.
  for (const f of [0, 0.25, 0.5, 0.75, 1]) {
    out.push(`<text x="${r(bx + barW + 4)}" y="${r(by + bh * (1 - f))}" dominant-baseline="middle">${formatValue(f ** (1 / gamma) * vmax)}</text>`);
  }
  out.push(`<text x="${r(bx)}" y="${r(by - 12)}">${gamma === 1 ? 'mass' : gamma === 0.5 ? 'mass (sqrt)' : `mass (^${gamma})`}</text>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** Up to `max` epochs spread evenly over 0..H-1, always the first and the last. */
export function epochsToShow(horizon: number, max: number): number[] {
  if (horizon <= max) return Array.from({ length: horizon }, (_x, t) => t);
  const out = new Set<number>();
  for (let k = 0; k < max; k++) out.add(Math.round((k * (horizon - 1)) / (max - 1)));
  return [...out];
}

function formatValue(v: number): string {
  return v === 0 ? '0' : v.toPrecision(3);
}

function r(v: number): string {
  return v.toFixed(2);
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
