/**
 * bench/population: what each population representation costs and how close it stays to the truth.
 *
 *   npm run bench:population            # full run (many minutes on 2 cores)
 *   npm run bench:population -- --quick # small smoke run
 *   node dist/bench/population.js --plot-only [--quick]   # redraw the SVG from the JSON
 *
 * Grid: CrowdModelling2D-v0 at sizes 32..512, H = 50, everyone starting at the centre cell and
 * following the UNIFORM policy (a fixed policy: the flow is a spreading random walk on the torus),
 * against its exact tabular flow (TV of the state marginal, mean over epochs).
 * R^d: CrowdAversionND-v0 at d = 1, 2, 5, 10 under the passive control a = 0, whose flow is
 * N(0, (1 + t·sigma²·dt) I) in closed form (W2 of the moments, and KL = held-out NLL minus the
 * closed form's entropy).
 * For each: memory bytes, fit time (simulation included), density queries per second (random
 * states / points), error, and the C2ST accuracy of the generative population (its consensus loop).
 * Writes bench/results/population.json (after every row) and bench/results/population.svg.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { registerBuiltinEnvs } from '../envs/index';
import { Rng } from '../src/core/rng';
import type { FiniteGame } from '../src/core/finite-game';
import { makeGame, resolveKwargs } from '../src/registry/registry';
import { runPopulation, type PopulationRun } from '../src/cli/commands/population';
import { runInfo } from '../src/cli/run-info';

const quick = process.argv.includes('--quick');
const OUT_DIR = path.resolve(__dirname, '../../bench/results');
const OUT_JSON = path.join(OUT_DIR, quick ? 'population-quick.json' : 'population.json');
const OUT_SVG = path.join(OUT_DIR, quick ? 'population-quick.svg' : 'population.svg');

const GRID_SIZES = quick ? [16, 32] : [32, 64, 128, 256, 512];
const GRID_H = quick ? 10 : 50;
const DIMS = quick ? [1, 2] : [1, 2, 5, 10];
const PARTICLES = quick ? [1000, 10_000] : [10_000, 100_000];
const GEN_SAMPLES = quick ? 5000 : 100_000;
/** Quick runs cap the generator's training; full runs use the library defaults (early stopping) with at most 2 consensus rounds. */
const GEN_SETTINGS: Record<string, unknown> = quick ? { steps: 300, maxRounds: 1, discriminator: { steps: 50 } } : { maxRounds: 2 };
const QUERIES = quick ? 20_000 : 200_000;

interface Row {
  family: 'grid' | 'continuous';
  env: string;
  kwargs: Record<string, unknown>;
  /** Grid side or dimension d. */
  size: number;
  numStates: number | null;
  kind: string;
  samples: number | null;
  memoryBytes: number;
  exactMemoryBytes: number | null;
  memoryShareOfExact: number | null;
  fitSeconds: number;
  queriesPerSecond: number;
  meanTv: number | null;
  maxTv: number | null;
  meanW2: number | null;
  kl: number | null;
  meanNll: number | null;
  c2stAccuracy: number | null;
  combinedPValue: number | null;
  consensus: boolean | null;
  backend: string | null;
  steps: number | null;
}

const rows: Row[] = [];

function save(): void {
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const doc = {
    bench: 'population',
    quick,
    setup: {
      grid: { env: 'CrowdModelling2D-v0', sizes: GRID_SIZES, H: GRID_H, initialCells: 'the centre cell', policy: 'uniform over legal actions (fixed)', reference: 'exact tabular flow (TV of mu_t, mean over epochs)' },
      continuous: { env: 'CrowdAversionND-v0', dims: DIMS, policy: 'passive a = 0 (fixed)', reference: 'closed form N(0, (1 + t·sigma²·dt) I): W2 of moments; KL = held-out NLL - entropy' },
      particles: PARTICLES,
      generativeSamples: GEN_SAMPLES,
      generativeSettings: GEN_SETTINGS,
      queries: QUERIES,
    },
    rows,
    commit: gitCommit(),
    ...runInfo(),
    date: new Date().toISOString(),
  };
  fs.writeFileSync(OUT_JSON, `${JSON.stringify(doc, null, 2)}\n`);
}

/** The checkout's HEAD when the bench ran (the working tree may hold uncommitted edits). */
function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: path.resolve(__dirname, '../..'), encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

function log(msg: string): void {
  process.stderr.write(`[bench:population ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

/** Random-state stateMass queries per second (states uniform over the grid, epochs uniform). */
function finiteQueryRate(run: PopulationRun, game: FiniteGame): number {
  const pop = run.finite!;
  const S = game.populations[0]!.numStates;
  const rng = new Rng(123);
  const ts = new Int32Array(QUERIES);
  const ss = new Int32Array(QUERIES);
  for (let i = 0; i < QUERIES; i++) {
    ts[i] = rng.int(game.horizon);
    ss[i] = rng.int(S);
  }
  let sink = 0;
  // A tenth of the queries first, so the timed pass runs optimised code.
  for (let i = 0; i < QUERIES / 10; i++) sink += pop.stateMass(0, ts[i]!, ss[i]!);
  const t0 = performance.now();
  for (let i = 0; i < QUERIES; i++) sink += pop.stateMass(0, ts[i]!, ss[i]!);
  const secs = (performance.now() - t0) / 1000;
  if (sink < 0) log('impossible');
  return QUERIES / secs;
}

/** Random-point logDensity queries per second (points from the closed form at a random epoch). */
function continuousQueryRate(run: PopulationRun, d: number, H: number, variance: (t: number) => number): number {
  const pop = run.continuous!;
  const n = Math.max(1000, Math.round(QUERIES / (50 * d)));
  const rng = new Rng(321);
  const xs = new Float64Array(n * d);
  const ts = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    ts[i] = rng.int(H);
    const sd = Math.sqrt(variance(ts[i]!));
    for (let k = 0; k < d; k++) xs[i * d + k] = sd * rng.normal();
  }
  const x = new Float64Array(d);
  let sink = 0;
  for (let i = 0; i < n / 10; i++) {
    x.set(xs.subarray(i * d, (i + 1) * d));
    sink += pop.logDensity(ts[i]!, x);
  }
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    x.set(xs.subarray(i * d, (i + 1) * d));
    sink += pop.logDensity(ts[i]!, x);
  }
  const secs = (performance.now() - t0) / 1000;
  if (Number.isNaN(sink)) log('NaN density');
  return n / secs;
}

async function gridRows(): Promise<void> {
  for (const size of GRID_SIZES) {
    const env = 'CrowdModelling2D-v0';
    const given = { size, H: GRID_H, initial_cells: [[size / 2, size / 2]] };
    const kwargs = resolveKwargs(env, given);
    const game = makeGame(env, given) as FiniteGame;
    const plan: [string, number][] = [['exact', 0], ...PARTICLES.map((n): [string, number] => ['particles', n]), ['generative', GEN_SAMPLES]];
    for (const [kind, n] of plan) {
      log(`${env} size ${size}: ${kind}${n ? ` N=${n}` : ''} ...`);
      const run = await runPopulation({ env, kwargs, game, kind, samples: Math.max(n, 4), seed: 1, c2st: false, settings: GEN_SETTINGS });
      const r = run.report;
      const row: Row = {
        family: 'grid',
        env,
        kwargs: { size, H: GRID_H, initial_cells: 'centre' },
        size,
        numStates: size * size,
        kind: kind === 'particles' ? `particles ${n}` : kind,
        samples: kind === 'exact' ? null : n,
        memoryBytes: r.memoryBytes,
        exactMemoryBytes: r.exactMemoryBytes,
        memoryShareOfExact: r.exactMemoryBytes ? r.memoryBytes / r.exactMemoryBytes : null,
        fitSeconds: r.fitSeconds,
        queriesPerSecond: finiteQueryRate(run, game),
        meanTv: r.meanTv,
        maxTv: r.maxTv,
        meanW2: null,
        kl: null,
        meanNll: r.meanNll,
        c2stAccuracy: r.c2stAccuracy,
        combinedPValue: r.combinedPValue,
        consensus: r.consensus,
        backend: r.backend,
        steps: r.steps,
      };
      rows.push(row);
      save();
      log(`  memory ${row.memoryBytes} B (${row.memoryShareOfExact === null ? '-' : (100 * row.memoryShareOfExact).toFixed(2)}% of exact), fit ${row.fitSeconds.toFixed(2)} s, ${Math.round(row.queriesPerSecond)} q/s, TV ${row.meanTv?.toFixed(4)}, C2ST ${row.c2stAccuracy?.toFixed(3) ?? '-'}`);
    }
  }
}

async function continuousRows(): Promise<void> {
  for (const d of DIMS) {
    const env = 'CrowdAversionND-v0';
    const given = { d };
    const kwargs = resolveKwargs(env, given);
    const game = makeGame(env, given);
    const H = game.horizon;
    const dt = kwargs['dt'] as number;
    const sigma = kwargs['sigma'] as number;
    const variance = (t: number): number => 1 + t * sigma * sigma * dt;
    // Entropy of N(0, v_t I) in nats, averaged over epochs: the NLL a perfect density would score.
    let entropy = 0;
    for (let t = 0; t < H; t++) entropy += (d / 2) * Math.log(2 * Math.PI * Math.E * variance(t));
    entropy /= H;
    const plan: [string, number][] = [...PARTICLES.map((n): [string, number] => ['particles', n]), ['generative', GEN_SAMPLES]];
    for (const [kind, n] of plan) {
      log(`${env} d=${d}: ${kind} N=${n} ...`);
      const run = await runPopulation({ env, kwargs, game, kind, samples: n, seed: 1, c2st: false, settings: GEN_SETTINGS });
      const r = run.report;
      const row: Row = {
        family: 'continuous',
        env,
        kwargs,
        size: d,
        numStates: null,
        kind: kind === 'particles' ? `particles ${n}` : kind,
        samples: n,
        memoryBytes: r.memoryBytes,
        exactMemoryBytes: null,
        memoryShareOfExact: null,
        fitSeconds: r.fitSeconds,
        queriesPerSecond: continuousQueryRate(run, d, H, variance),
        meanTv: null,
        maxTv: null,
        meanW2: r.meanW2,
        kl: r.meanNll === null ? null : r.meanNll - entropy,
        meanNll: r.meanNll,
        c2stAccuracy: r.c2stAccuracy,
        combinedPValue: r.combinedPValue,
        consensus: r.consensus,
        backend: r.backend,
        steps: r.steps,
      };
      rows.push(row);
      save();
      log(`  memory ${row.memoryBytes} B, fit ${row.fitSeconds.toFixed(2)} s, ${Math.round(row.queriesPerSecond)} q/s, W2 ${row.meanW2?.toFixed(4)}, KL ${row.kl?.toFixed(3)}, C2ST ${row.c2stAccuracy?.toFixed(3) ?? '-'}`);
    }
  }
}

function table(): string {
  const head = ['env', 'size/d', 'kind', 'memory B', '% exact', 'fit s', 'queries/s', 'TV', 'W2', 'KL', 'C2ST acc', 'consensus'];
  const fmt = (x: number | null, p = 3): string => (x === null ? '-' : x.toPrecision(p));
  const body = rows.map((r) => [
    r.env.replace('-v0', ''),
    String(r.size),
    r.kind,
    String(r.memoryBytes),
    r.memoryShareOfExact === null ? '-' : (100 * r.memoryShareOfExact).toPrecision(3),
    r.fitSeconds.toFixed(2),
    r.queriesPerSecond.toPrecision(3),
    fmt(r.meanTv),
    fmt(r.meanW2),
    fmt(r.kl),
    fmt(r.c2stAccuracy),
    r.consensus === null ? '-' : String(r.consensus),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

// ---- SVG: three log-scale panels (memory vs grid size, TV vs grid size, W2 vs d) ----

const COLORS: Record<string, string> = { exact: '#000000', generative: '#d62728' };
const PARTICLE_COLORS = ['#1f77b4', '#2ca02c'];

function colorOf(kind: string): string {
  if (COLORS[kind]) return COLORS[kind]!;
  const i = PARTICLES.findIndex((n) => kind === `particles ${n}`);
  return PARTICLE_COLORS[i] ?? '#7f7f7f';
}

interface Panel {
  title: string;
  xLabel: string;
  yLabel: string;
  logX: boolean;
  series: { name: string; points: [number, number][] }[];
}

function panelSvg(p: Panel, ox: number, oy: number, w: number, h: number): string {
  const m = { l: 62, r: 10, t: 28, b: 42 };
  const pts = p.series.flatMap((s) => s.points).filter(([x, y]) => x > 0 && y > 0 && Number.isFinite(y));
  const out: string[] = [`<text x="${ox + w / 2}" y="${oy + 16}" text-anchor="middle" font-size="13">${p.title}</text>`];
  if (pts.length === 0) return out.join('\n');
  const lx = (x: number): number => (p.logX ? Math.log10(x) : x);
  const xs = pts.map(([x]) => lx(x));
  const ys = pts.map(([, y]) => Math.log10(y));
  let x0 = Math.min(...xs);
  let x1 = Math.max(...xs);
  if (x1 === x0) x1 = x0 + 1;
  const pad = (x1 - x0) * 0.05;
  x0 -= pad;
  x1 += pad;
  const y0 = Math.floor(Math.min(...ys));
  let y1 = Math.ceil(Math.max(...ys));
  if (y1 === y0) y1 = y0 + 1;
  const L = ox + m.l;
  const R = ox + w - m.r;
  const T = oy + m.t;
  const B = oy + h - m.b;
  const sx = (x: number): number => L + ((lx(x) - x0) / (x1 - x0)) * (R - L);
  const sy = (y: number): number => B - ((Math.log10(y) - y0) / (y1 - y0)) * (B - T);
  for (let e = y0; e <= y1; e++) {
    const y = sy(10 ** e).toFixed(1);
    out.push(`<line x1="${L}" y1="${y}" x2="${R}" y2="${y}" stroke="#e5e5e5"/><text x="${L - 5}" y="${y}" text-anchor="end" dominant-baseline="middle" font-size="11">1e${e}</text>`);
  }
  const ticks = [...new Set(pts.map(([x]) => x))].sort((a, b) => a - b);
  for (const x of ticks) {
    const X = sx(x).toFixed(1);
    out.push(`<line x1="${X}" y1="${B}" x2="${X}" y2="${B + 4}" stroke="black"/><text x="${X}" y="${B + 16}" text-anchor="middle" font-size="11">${x}</text>`);
  }
  out.push(`<line x1="${L}" y1="${B}" x2="${R}" y2="${B}" stroke="black"/><line x1="${L}" y1="${T}" x2="${L}" y2="${B}" stroke="black"/>`);
  out.push(`<text x="${(L + R) / 2}" y="${oy + h - 8}" text-anchor="middle" font-size="11">${p.xLabel}</text>`);
  out.push(`<text x="${ox + 14}" y="${(T + B) / 2}" text-anchor="middle" font-size="11" transform="rotate(-90 ${ox + 14} ${(T + B) / 2})">${p.yLabel}</text>`);
  p.series.forEach((s) => {
    const good = s.points.filter(([x, y]) => x > 0 && y > 0 && Number.isFinite(y));
    if (good.length === 0) return;
    const c = colorOf(s.name);
    out.push(`<polyline fill="none" stroke="${c}" stroke-width="1.8" points="${good.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ')}"/>`);
    for (const [x, y] of good) out.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="2.5" fill="${c}"/>`);
  });
  return out.join('\n');
}

function plot(): string {
  const kinds = [...new Set(rows.map((r) => r.kind))];
  const series = (family: Row['family'], value: (r: Row) => number | null, only: (k: string) => boolean = () => true) =>
    kinds.filter(only).map((k) => ({ name: k, points: rows.filter((r) => r.family === family && r.kind === k && value(r) !== null).map((r): [number, number] => [r.size, value(r)!]) })).filter((s) => s.points.length);
  const panels: Panel[] = [
    { title: `CrowdModelling2D (H=${GRID_H}): memory`, xLabel: 'grid side n (n×n states)', yLabel: 'bytes (log)', logX: true, series: series('grid', (r) => r.memoryBytes) },
    { title: 'CrowdModelling2D: mean TV to the exact flow', xLabel: 'grid side n', yLabel: 'TV (log)', logX: true, series: series('grid', (r) => r.meanTv, (k) => k !== 'exact') },
    { title: 'CrowdAversionND: W2 to the closed form', xLabel: 'dimension d', yLabel: 'W2 (log)', logX: true, series: series('continuous', (r) => r.meanW2) },
  ];
  const w = 360;
  const h = 300;
  const body = panels.map((p, i) => panelSvg(p, i * w, 20, w, h)).join('\n');
  const title = `mfgym bench/population${quick ? ' (quick)' : ''}: exact vs particles vs generative (uniform/passive fixed policies)`;
  // One legend row under the panels, so no curve is hidden behind it.
  const legend = kinds
    .map((k, i) => {
      const x = 80 + i * 190;
      return `<rect x="${x}" y="${h + 30}" width="14" height="4" fill="${colorOf(k)}"/><text x="${x + 20}" y="${h + 35}" font-size="12">${k === 'generative' ? `generative (${GEN_SAMPLES} samples)` : k}</text>`;
    })
    .join('\n');
  const W = w * panels.length;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${h + 50}" viewBox="0 0 ${W} ${h + 50}" font-family="sans-serif">\n<rect width="100%" height="100%" fill="white"/>\n<text x="${W / 2}" y="16" text-anchor="middle" font-size="14">${title}</text>\n${body}\n${legend}\n</svg>\n`;
}

async function main(): Promise<void> {
  if (process.argv.includes('--plot-only')) {
    // Redraw the figure and the table from a finished run's JSON (no fitting).
    rows.push(...(JSON.parse(fs.readFileSync(OUT_JSON, 'utf8')) as { rows: Row[] }).rows);
    fs.writeFileSync(OUT_SVG, plot());
    process.stdout.write(`${table()}\n`);
    return;
  }
  registerBuiltinEnvs();
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
  if (only !== 'continuous') await gridRows();
  if (only !== 'grid') await continuousRows();
  save();
  fs.writeFileSync(OUT_SVG, plot());
  process.stdout.write(`${table()}\n\nresults: ${path.relative(process.cwd(), OUT_JSON)}, plot: ${path.relative(process.cwd(), OUT_SVG)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:population failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
