import * as asciichart from 'asciichart';

/**
 * The exploitability curve as a terminal chart (asciichart), in log10 units because it falls
 * over decades. Long curves are subsampled to `width` columns (always keeping the last point);
 * exact zeros are drawn at 1e-16, below float64 rounding of any real game's values.
 */
/** Width of the y labels; the x axis line printed under the chart aligns with it. */
export const LABEL_WIDTH = 9;

export function curveChart(values: readonly number[], options: { width?: number; height?: number } = {}): string {
  const width = options.width ?? 60;
  const height = options.height ?? 10;
  if (values.length === 0) return '';
  const picked: number[] = [];
  if (values.length <= width) picked.push(...values);
  else for (let k = 0; k < width; k++) picked.push(values[Math.round((k * (values.length - 1)) / (width - 1))]!);
  const logs = picked.map((v) => Math.log10(Math.max(v, 1e-16)));
  return asciichart.plot(logs, { height, format: (x: number) => (10 ** x).toExponential(1).padStart(LABEL_WIDTH) });
}
