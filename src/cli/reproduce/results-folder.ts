import * as fs from 'node:fs';
import * as path from 'node:path';
import { MfgError } from '../../core/errors';
import { distributionPlotSvg } from '../distribution-plot';
import { epochsToShow, heatmapGridSvg, type HeatmapPanel } from '../heatmap-svg';
import { curveWithReferencesSvg } from '../reference-plot';
import type { RunInfo } from '../run-info';
import { svgToPng } from '../svg-png';
import type { ReproduceConfig } from './config';
import type { CheckedReference } from './references';
import { overallVerdict, reportMarkdown } from './report';
import type { RunOutcome } from './run-config';

/** Most heatmap panels per population (a grid of epochs, evenly spread, first and last included). */
const MAX_EPOCH_PANELS = 8;

export interface WrittenResults {
  dir: string;
  files: string[];
  verdict: ReturnType<typeof overallVerdict>;
}

/**
 * Writes the results folder: config.json (as given), run.json (what ran, seed, versions, backend,
 * the references judged), metrics.json + metrics.csv (per iteration, or per epoch for LQ), the
 * plots as SVG and PNG, and report.md. Everything but the seconds and the date is a function of
 * (config, seed).
 */
export function writeResults(dir: string, config: ReproduceConfig, run: RunOutcome, checked: readonly CheckedReference[], info: RunInfo): WrittenResults {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new MfgError('MFG_ERR_CLI_BAD_ARGUMENT', `cannot create the results folder ${dir}: ${(e as Error).message}`, { cause: e, details: { dir } });
  }
  const files: string[] = [];
  const put = (name: string, data: string | Buffer): void => {
    fs.writeFileSync(path.join(dir, name), data);
    files.push(name);
  };
  const plots: string[] = [];
  const plot = (base: string, svg: string): void => {
    put(`${base}.svg`, svg);
    const png = svgToPng(svg);
    if (png) put(`${base}.png`, png);
    plots.push(png ? `${base}.png` : `${base}.svg`);
  };

  put('config.json', `${JSON.stringify(config, null, 2)}\n`);
  const verdict = overallVerdict(checked);
  const runJson = {
    config: config.name,
    env: run.env,
    kwargs: run.kwargs,
    algo: run.algo,
    params: run.params,
    seed: run.seed,
    iterations: config.iterations ?? 0,
    completedIterations: run.completedIterations,
    stopped: run.stopped,
    tol: config.tol ?? null,
    verdict,
    references: checked,
    ...info,
    date: new Date().toISOString(),
  };
  put('run.json', `${JSON.stringify(runJson, null, 2)}\n`);
  const rows: object[] = run.rows.length ? run.rows : run.epochs;
  put('metrics.json', `${JSON.stringify(rows, null, 2)}\n`);
  put('metrics.csv', csv(rows));

  if (run.rows.length) {
    const xs = run.rows.map((r) => r.iteration);
    const ys = run.rows.map((r) => r.exploitability);
    const markers = checked
      .filter((c) => c.quantity === 'exploitability')
      .map((c) => ({ x: c.iteration ?? xs[xs.length - 1]!, y: c.value, comparable: c.verdict !== 'not comparable', label: `${c.value.toPrecision(6)} (${shortSource(c.source)}): ${c.verdict}` }));
    plot('exploitability', curveWithReferencesSvg(xs, ys, markers, { title: `${run.env} · ${run.algo} ${JSON.stringify(run.params)}`, xLabel: 'iteration', yLabel: 'exploitability (log scale)' }));
  }
  if (run.finite) {
    const panels = densityPanels(run);
    if (panels) {
      // One line of epochs per population when there are several; four panels a line otherwise.
      const populations = run.finite.game.populations.length;
      const columns = populations > 1 ? panels.panels.length / populations : 4;
      plot('density', heatmapGridSvg(panels.panels, { rows: panels.rows, cols: panels.cols, title: `${run.env}: mu_t of the final policy (one colour scale)`, columns }));
    }
  }
  if (run.lq) {
    const { points, closedForm } = run.lq;
    const shown = epochsToShow(points.length, 5);
    const svg = distributionPlotSvg(
      shown.map((t) => ({ t, points: points[t]!, mean: closedForm.mean[t]!, variance: closedForm.variance[t]! })),
      { simulated: run.epochs.map((e) => e.variance), closedForm: Array.from(closedForm.variance) },
      `${run.env}: ${run.params['samples']} agents under the closed-form control vs the closed-form flow`,
    );
    plot('distribution', svg);
  }
  put('report.md', reportMarkdown(config, run, checked, info, plots));
  return { dir, files, verdict };
}

/** Heatmap panels of mu_t for games whose populations live on 2-D grids; null otherwise. */
function densityPanels(run: RunOutcome): { panels: HeatmapPanel[]; rows: number; cols: number } | null {
  const { game, flow } = run.finite!;
  const shape = game.populations[0]!.stateShape;
  if (shape.length !== 2 || !game.populations.every((p) => p.stateShape.length === 2 && p.stateShape[0] === shape[0] && p.stateShape[1] === shape[1])) return null;
  const [rows, cols] = shape as [number, number];
  const panels: HeatmapPanel[] = [];
  game.populations.forEach((pop, p) => {
    const S = pop.numStates;
    const A = pop.numActions;
    for (const t of epochsToShow(game.horizon, MAX_EPOCH_PANELS)) {
      const mu = new Float64Array(S);
      for (let s = 0; s < S; s++) for (let a = 0; a < A; a++) mu[s]! += flow[p]![(t * S + s) * A + a]!;
      panels.push({ label: game.populations.length > 1 ? `${pop.name} t=${t}` : `t = ${t}`, values: mu });
    }
  });
  return { panels, rows, cols };
}

function csv(rows: readonly object[]): string {
  if (!rows.length) return '';
  const keys = Object.keys(rows[0]!);
  const out = [keys.join(',')];
  for (const r of rows) out.push(keys.map((k) => String((r as Record<string, unknown>)[k])).join(','));
  return `${out.join('\n')}\n`;
}

function shortSource(source: string): string {
  return source.length > 40 ? `${source.slice(0, 37)}...` : source;
}
