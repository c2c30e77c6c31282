/**
 * bench/honesty: calibration and power of the honesty report's kernel two-sample tests.
 *
 *   npm run bench:honesty                      # 20 seeds, CrowdModelling2D 128x128, H = 50
 *   npm run bench:honesty -- --quick           # 32x32, H = 10, 5 seeds (smoke run)
 *   node dist/bench/honesty.js --seeds 20 --size 128 --H 50 --n 3000 --perms 99
 *   node dist/bench/honesty.js --plot-only     # redraw the SVG from the JSON
 *
 * The reference is the exact flow of a fictitious-play policy (3 FP iterations from the uniform
 * policy, everyone starting uniform: a flow with broad support drifting to the centre). Per seed
 * and epoch, n "held-out" cells are drawn from the exact state marginal p_t and n cells from a
 * candidate q_t, and the multi-scale MMD and discrete energy tests of src/populations/generative/
 * two-sample.ts run with P label permutations shared by the epochs; the epochs are pooled (the
 * report's test). The C2ST (discriminator.ts: a classifier trained on half of each epoch's two
 * samples, its held-out accuracy's binomial p-value, Bonferroni over pooled + per epoch) runs on
 * the same samples, and the verdict is the library's Bonferroni rule min(1, 3·min(p_c2st, p_mmd,
 * p_energy)) < alpha; each test's rejection rate is printed beside the verdict's. --no-c2st skips
 * the classifier (p_c2st = 1; no training, the fast run). The Cauchy combination of per-epoch
 * p-values is reported beside it.
 * Candidates: the exact flow itself (the null: false alarms), and controlled errors of several
 * sizes: 10% of the mass shifted by k cells, blur, sharpening, a wrong epoch, multiplicative
 * histogram noise, and the histogram of N particles (10^4, 10^5). No generator is trained (only the C2ST's classifier).
 * Writes bench/results/honesty.json and bench/results/honesty.svg (power against mean TV).
 *
 *   node dist/bench/honesty.js --refit     # blind vs discriminator-weighted refit, same budget
 *
 * --refit: the consensus loop on a 6x6 torus walk (H = 4, 30,000 agents, autoregressive
 * generator, 10 + 20 + 40 Adam steps over 3 rounds, alpha = 0.999 so that every round refits),
 * once with refit 'blind' and once 'weighted', 4 seeds; mean exact TV of each. Writes
 * bench/results/honesty-refit.json.
 *
 *   node dist/bench/honesty.js --generator 10000   # the generator against its own training histogram
 *
 * --generator N: the library-default generative fit (one consensus round) of N agents of the same
 * FP flow at --size (128) and --H (50), against the exact flow: the generator's mean TV, the
 * baseline histogram's, their ratio and the verdict. Writes bench/results/honesty-generator-N.json.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { registerBuiltinEnvs } from '../envs/index';
import type { FiniteGame } from '../src/core/finite-game';
import { Rng } from '../src/core/rng';
import { makeGame } from '../src/registry/registry';
import { runSolver } from '../src/solvers/run-solver';
import { fictitiousPlay } from '../src/solvers/fictitious-play';
import { sampleFromCdf, tvToJointEpoch } from '../src/populations/state-mass';
import { totalVariation } from '../src/populations/generative/stats';
import { kernelTests } from '../src/populations/generative/honesty';
import { gridPermutationStats, gridTests, honestyVerdict, permSeeds } from '../src/populations/generative/two-sample';
import { loadTf } from '../src/populations/generative/backend';
import { classifierTwoSampleTest } from '../src/populations/generative/discriminator';
import { runInfo } from '../src/cli/run-info';

const ALPHA_ = 0.05;
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const arg = (name: string, d: number): number => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : d;
};
const SIZE = arg('size', quick ? 32 : 128);
const H = arg('H', quick ? 10 : 50);
const SEEDS = arg('seeds', quick ? 5 : 20);
const N = arg('n', 3000);
const PERMS = arg('perms', 99);
if (PERMS < 3 / ALPHA_) throw new Error(`--perms ${PERMS}: the verdict min(1, 3 min p) cannot fall below alpha with fewer than ${3 / ALPHA_} permutations`);
const ALPHA = ALPHA_;
/**
 * The C2ST (a classifier trained on half of each epoch's two samples, scored on the other half:
 * discriminator.ts) runs beside the kernel tests on the same samples, so the verdict is the
 * library's min(1, 3·min(p_c2st, p_mmd, p_energy)). --no-c2st puts p_c2st = 1 (kernel tests only,
 * no training: the fast run).
 */
const C2ST = !argv.includes('--no-c2st');
const VERDICT_RULE = C2ST ? 'min(1, 3 min(p_c2st, p_mmd, p_energy)) < alpha (Bonferroni over the three tests)' : 'min(1, 3 min(p_c2st = 1, p_mmd, p_energy)) < alpha (C2ST not run: --no-c2st)';
const OUT_DIR = path.resolve(__dirname, '../../bench/results');
const OUT = path.join(OUT_DIR, quick ? 'honesty-quick' : 'honesty');

type Epochs = Float64Array[];
interface Condition {
  readonly type: string;
  readonly size: number;
  readonly label: string;
  /** The candidate flow; rng for the random errors (a fresh draw per seed). */
  make(p: Epochs, rng: Rng): Epochs;
}

const W = SIZE;
const normalise = (q: Float64Array): Float64Array => {
  let z = 0;
  for (const v of q) z += v;
  return q.map((v) => v / z);
};
/** (1 - f) p + f p rolled by k cells along x on the torus. */
const shift = (k: number, f: number) => (p: Epochs): Epochs =>
  p.map((pt) => {
    const q = pt.map((v) => (1 - f) * v);
    for (let y = 0; y < W; y++) for (let x = 0; x < W; x++) q[y * W + ((x + k) % W)]! += f * pt[y * W + x]!;
    return q;
  });
/** Separable Gaussian blur of width sigma cells on the torus. */
const blur = (sigma: number) => (p: Epochs): Epochs => {
  const r = Math.ceil(4 * sigma);
  const k = Array.from({ length: 2 * r + 1 }, (_x, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  const z = k.reduce((a, b) => a + b, 0);
  const kern = k.map((v) => v / z);
  return p.map((pt) => {
    const tmp = new Float64Array(pt.length);
    for (let y = 0; y < W; y++) for (let x = 0; x < W; x++) for (let i = -r; i <= r; i++) tmp[y * W + x]! += kern[i + r]! * pt[y * W + ((x + i + W) % W)]!;
    const q = new Float64Array(pt.length);
    for (let y = 0; y < W; y++) for (let x = 0; x < W; x++) for (let i = -r; i <= r; i++) q[y * W + x]! += kern[i + r]! * tmp[((y + i + W) % W) * W + x]!;
    return q;
  });
};
const sharpen = (gamma: number) => (p: Epochs): Epochs => p.map((pt) => normalise(pt.map((v) => v ** gamma)));
const wrongEpoch = (k: number) => (p: Epochs): Epochs => p.map((_pt, t) => p[Math.min(t + k, p.length - 1)]!);
const noise = (eps: number) => (p: Epochs, rng: Rng): Epochs => p.map((pt) => normalise(pt.map((v) => v * Math.max(0, 1 + eps * rng.normal()))));
const particles = (n: number) => (p: Epochs, rng: Rng): Epochs =>
  p.map((pt) => {
    const q = new Float64Array(pt.length);
    for (const c of sampleFromCdf(cdf(pt), n, rng)) q[c]! += 1 / n;
    return q;
  });

function cdf(p: Float64Array): Float64Array {
  const c = new Float64Array(p.length);
  let s = 0;
  for (let i = 0; i < p.length; i++) c[i] = s += p[i]!;
  return c;
}

const ONLY = argv.includes('--only') ? argv[argv.indexOf('--only') + 1]!.split(',') : null;
const ALL_CONDITIONS: Condition[] = [
  { type: 'null', size: 0, label: 'exact flow', make: (p) => p },
  ...[2, 5, 10].map((k) => ({ type: 'shift', size: k, label: `10% of mass shifted ${k} cells`, make: shift(k, 0.1) })),
  ...[0.5, 1].map((s) => ({ type: 'blur', size: s, label: `blur sigma ${s}`, make: blur(s) })),
  ...[1.1, 1.25].map((g) => ({ type: 'sharpen', size: g, label: `sharpen p^${g}`, make: sharpen(g) })),
  ...[1, 2].map((k) => ({ type: 'wrong-epoch', size: k, label: `epoch t+${k}`, make: wrongEpoch(k) })),
  ...[0.1, 0.25].map((e) => ({ type: 'noise', size: e, label: `histogram noise ${e}`, make: noise(e) })),
  ...[10_000, 100_000].map((n) => ({ type: 'particles', size: n, label: `${n} particles`, make: particles(n) })),
];
/** --only shift,null runs a subset of the error types. */
const CONDITIONS = ONLY ? ALL_CONDITIONS.filter((c) => ONLY.includes(c.type)) : ALL_CONDITIONS;

interface Row {
  type: string;
  size: number;
  label: string;
  meanTv: number;
  seeds: number;
  rejectMmd: number;
  rejectEnergy: number;
  rejectVerdict: number;
  /** Rejection rate of the C2ST's combined p-value (pooled + per epoch, Bonferroni); null with --no-c2st. */
  rejectC2st: number | null;
  medianC2stP: number | null;
  meanC2stAccuracy: number | null;
  /** Rejection rates of the Cauchy combinations of per-epoch p-values (reported, not in the verdict). */
  rejectMmdCauchy: number;
  rejectEnergyCauchy: number;
  medianMmdP: number;
  medianEnergyP: number;
  seconds: number;
}

function main(): void {
  registerBuiltinEnvs();
  const t0 = performance.now();
  const game = makeGame('CrowdModelling2D-v0', { size: SIZE, H }) as FiniteGame;
  const solved = runSolver(game, fictitiousPlay.create({ alpha: 0, temperature: 0 }), { iterations: 3 });
  return void solved.then((res) => run(game, res.evaluation.flow[0]!, (performance.now() - t0) / 1000));
}

async function run(game: FiniteGame, L: Float64Array, solveSeconds: number): Promise<void> {
  const A = game.populations[0]!.numActions;
  const S = SIZE * SIZE;
  const p: Epochs = Array.from({ length: H }, (_x, t) => {
    const m = new Float64Array(S);
    for (let s = 0; s < S; s++) for (let a = 0; a < A; a++) m[s]! += L[t * S * A + s * A + a]!;
    return m;
  });
  const pc = p.map(cdf);
  const grid = { shape: [SIZE, SIZE], numActions: 1 };
  const rows: Row[] = [];
  const tf = C2ST ? await loadTf() : null;
  const c2stConfig = { kind: 'finite' as const, horizon: H, axes: [SIZE, SIZE], hidden: 32 };
  process.stderr.write(`bench/honesty: CrowdModelling2D ${SIZE}x${SIZE}, H = ${H}, FP flow solved in ${solveSeconds.toFixed(1)} s; ${SEEDS} seeds, n = ${N} a side, ${PERMS} permutations; verdict ${VERDICT_RULE}\n`);
  for (const c of CONDITIONS) {
    const t1 = performance.now();
    let tv = 0;
    let rm = 0;
    let re = 0;
    let rv = 0;
    let rmc = 0;
    let rec = 0;
    const mp: number[] = [];
    const ep: number[] = [];
    let rc = 0;
    let acc = 0;
    const cp: number[] = [];
    for (let seed = 0; seed < SEEDS; seed++) {
      const rng = new Rng(1_000_003 * (seed + 1));
      const q = c.make(p, new Rng(7 + seed));
      const qc = q.map(cdf);
      tv += p.reduce((s, pt, t) => s + totalVariation(pt, q[t]!), 0) / H / SEEDS;
      const seeds = permSeeds(PERMS, rng);
      const a = p.map((_pt, t) => sampleFromCdf(pc[t]!, N, rng));
      const b = q.map((_qt, t) => sampleFromCdf(qc[t]!, N, rng));
      const comb = kernelTests(p.map((_pt, t) => gridPermutationStats(a[t]!, b[t]!, grid, seeds)), gridTests);
      // The same samples for the C2ST (Bonferroni is valid under any dependence between the tests).
      const c2st = tf ? await classifierTwoSampleTest(tf, c2stConfig, a, b, { seed: 31 * (seed + 1) }) : null;
      const pC2st = c2st ? c2st.combinedPValue : 1;
      if (c2st) {
        if (pC2st < ALPHA) rc++;
        acc += c2st.accuracy / SEEDS;
        cp.push(pC2st);
      }
      if (comb.mmdPValue < ALPHA) rm++;
      if (comb.energyPValue < ALPHA) re++;
      if (comb.mmdCauchyPValue < ALPHA) rmc++;
      if (comb.energyCauchyPValue < ALPHA) rec++;
      if (!honestyVerdict([pC2st, comb.mmdPValue, comb.energyPValue], ALPHA).agree) rv++;
      mp.push(comb.mmdPValue);
      ep.push(comb.energyPValue);
    }
    const median = (xs: number[]): number => xs.sort((a, b) => a - b)[xs.length >> 1]!;
    const row: Row = { type: c.type, size: c.size, label: c.label, meanTv: tv, seeds: SEEDS, rejectMmd: rm / SEEDS, rejectEnergy: re / SEEDS, rejectVerdict: rv / SEEDS, rejectC2st: tf ? rc / SEEDS : null, medianC2stP: tf ? median(cp) : null, meanC2stAccuracy: tf ? acc : null, rejectMmdCauchy: rmc / SEEDS, rejectEnergyCauchy: rec / SEEDS, medianMmdP: median(mp), medianEnergyP: median(ep), seconds: (performance.now() - t1) / 1000 };
    rows.push(row);
    process.stdout.write(`${c.label.padEnd(32)} TV ${row.meanTv.toFixed(4)}  reject: mmd ${row.rejectMmd.toFixed(2)}  energy ${row.rejectEnergy.toFixed(2)}  c2st ${row.rejectC2st === null ? '-' : `${row.rejectC2st.toFixed(2)} (acc ${row.meanC2stAccuracy!.toFixed(3)})`}  verdict ${row.rejectVerdict.toFixed(2)} | per-epoch Cauchy: mmd ${row.rejectMmdCauchy.toFixed(2)} energy ${row.rejectEnergyCauchy.toFixed(2)}  (${row.seconds.toFixed(0)} s)\n`);
    save(rows, solveSeconds);
  }
}

function save(rows: Row[], solveSeconds: number): void {
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const info = runInfo();
  const doc = {
    bench: 'honesty',
    quick,
    setup: { env: 'CrowdModelling2D-v0', size: SIZE, H, policy: 'fictitious play, 3 iterations from uniform (alpha = 1/(i+2), greedy)', samplesPerSide: N, permutations: PERMS, seeds: SEEDS, alpha: ALPHA, verdict: VERDICT_RULE, solveSeconds },
    rows,
    versions: info.versions,
    machine: info.backend,
    date: new Date().toISOString(),
  };
  fs.writeFileSync(`${OUT}.json`, JSON.stringify(doc, null, 1));
  fs.writeFileSync(`${OUT}.svg`, powerSvg(rows));
}

/** Power of the verdict against the mean TV of each error, one line per error type. */
function powerSvg(rows: Row[]): string {
  const w = 720;
  const h = 440;
  const L = { left: 60, right: w - 190, top: 40, bottom: h - 50 };
  const types = [...new Set(rows.filter((r) => r.type !== 'null').map((r) => r.type))];
  const colours = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];
  const tvs = rows.filter((r) => r.type !== 'null').map((r) => r.meanTv);
  const lo = Math.log10(Math.max(1e-4, Math.min(...tvs)));
  const hi = Math.log10(Math.max(...tvs, 1e-3));
  const sx = (tv: number): number => L.left + ((Math.log10(Math.max(tv, 1e-4)) - lo) / (hi - lo || 1)) * (L.right - L.left);
  const sy = (p: number): number => L.bottom - p * (L.bottom - L.top);
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="sans-serif" font-size="12">`, `<rect width="${w}" height="${h}" fill="white"/>`];
  out.push(`<text x="${(L.left + L.right) / 2}" y="22" text-anchor="middle" font-size="14">Power of the honesty verdict (CrowdModelling2D ${SIZE}², H = ${H}, n = ${N}, ${SEEDS} seeds)</text>`);
  for (const v of [0, 0.2, 0.4, 0.6, 0.8, 1]) {
    out.push(`<line x1="${L.left}" y1="${sy(v)}" x2="${L.right}" y2="${sy(v)}" stroke="#e5e5e5"/><text x="${L.left - 6}" y="${sy(v)}" text-anchor="end" dominant-baseline="middle">${v}</text>`);
  }
  for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (Math.log10(v) < lo - 1e-9 || Math.log10(v) > hi + 1e-9) continue;
      out.push(`<line x1="${sx(v).toFixed(1)}" y1="${L.top}" x2="${sx(v).toFixed(1)}" y2="${L.bottom}" stroke="#e5e5e5"/><text x="${sx(v).toFixed(1)}" y="${L.bottom + 16}" text-anchor="middle">${Number(v.toPrecision(2))}</text>`);
    }
  }
  const nul = rows.find((r) => r.type === 'null');
  out.push(`<line x1="${L.left}" y1="${sy(ALPHA)}" x2="${L.right}" y2="${sy(ALPHA)}" stroke="#999" stroke-dasharray="4 3"/><text x="${L.right - 4}" y="${sy(ALPHA) - 4}" text-anchor="end" fill="#666">alpha = ${ALPHA}${nul ? `; null rejected ${nul.rejectVerdict.toFixed(2)}` : ''}</text>`);
  types.forEach((type, i) => {
    const pts = rows.filter((r) => r.type === type).sort((a, b) => a.meanTv - b.meanTv);
    const col = colours[i % colours.length]!;
    out.push(`<polyline fill="none" stroke="${col}" stroke-width="2" points="${pts.map((r) => `${sx(r.meanTv).toFixed(1)},${sy(r.rejectVerdict).toFixed(1)}`).join(' ')}"/>`);
    for (const r of pts) out.push(`<circle cx="${sx(r.meanTv).toFixed(1)}" cy="${sy(r.rejectVerdict).toFixed(1)}" r="3" fill="${col}"/>`);
    out.push(`<rect x="${L.right + 16}" y="${L.top + 20 * i}" width="12" height="12" fill="${col}"/><text x="${L.right + 34}" y="${L.top + 20 * i + 10}">${type}</text>`);
  });
  out.push(`<text x="${(L.left + L.right) / 2}" y="${h - 12}" text-anchor="middle">mean TV of the error to the exact flow (log)</text>`);
  out.push(`<text x="16" y="${(L.top + L.bottom) / 2}" text-anchor="middle" transform="rotate(-90 16 ${(L.top + L.bottom) / 2})">rejection rate at alpha = ${ALPHA}</text>`);
  out.push('</svg>');
  return out.join('\n');
}

async function refitComparison(): Promise<void> {
  const { meanFieldFlow, uniformPolicy } = await import('../src/core/tabular/index');
  const { simulateAgents } = await import('../src/populations/simulate-agents');
  const { fitGenerativePopulation } = await import('../src/populations/generative/index');
  const { torusWalk } = await import('../test/populations/generative/fixtures');
  const game = torusWalk(6, 4);
  const pi = uniformPolicy(game);
  const flow = meanFieldFlow(game, pi)[0]!;
  const runs: { seed: number; refit: string; meanTv: number; steps: number; rounds: number; baselineTv: number }[] = [];
  for (const seed of [1, 2, 3, 4]) {
    const samples = simulateAgents(game, pi, 30_000, new Rng(seed));
    for (const refit of ['blind', 'weighted'] as const) {
      const fit = await fitGenerativePopulation(game, samples, { steps: 10, window: 5, patience: 1000, maxRounds: 3, alpha: 0.999, generator: 'autoregressive', seed, discriminator: { steps: 300 }, exact: [flow], refit });
      const run = { seed, refit, meanTv: fit.report.meanTv!, steps: fit.steps, rounds: fit.report.rounds[0]!.length, baselineTv: fit.report.baseline[0]!.meanTv! };
      runs.push(run);
      process.stdout.write(`seed ${seed} ${refit.padEnd(8)} TV ${run.meanTv.toFixed(4)}  steps ${run.steps}  rounds ${run.rounds}  (histogram of the training samples: ${run.baselineTv.toFixed(4)})\n`);
    }
  }
  const mean = (r: string): number => runs.filter((x) => x.refit === r).reduce((a, x) => a + x.meanTv, 0) / 4;
  process.stdout.write(`mean TV: blind ${mean('blind').toFixed(4)}, weighted ${mean('weighted').toFixed(4)}\n`);
  fs.mkdirSync(OUT_DIR, { recursive: true });
  fs.writeFileSync(path.join(OUT_DIR, 'honesty-refit.json'), JSON.stringify({ bench: 'honesty --refit', runs, meanTv: { blind: mean('blind'), weighted: mean('weighted') }, versions: runInfo().versions, date: new Date().toISOString() }, null, 1));
}

/** --set '{"hidden":128}': extra GenerativeOptions for --generator (recorded in the JSON). */
const SET = argv.includes('--set') ? (JSON.parse(argv[argv.indexOf('--set') + 1]!) as Record<string, unknown>) : {};
/** --tag NAME: suffix of the --generator JSON's file name (several settings side by side). */
const TAG = argv.includes('--tag') ? `-${argv[argv.indexOf('--tag') + 1]!}` : '';

async function generatorAgainstHistogram(n: number): Promise<void> {
  const os = await import('node:os');
  const { simulateAgents } = await import('../src/populations/simulate-agents');
  const { fitGenerativePopulation } = await import('../src/populations/generative/index');
  registerBuiltinEnvs();
  const game = makeGame('CrowdModelling2D-v0', { size: SIZE, H }) as FiniteGame;
  const solved = await runSolver(game, fictitiousPlay.create({ alpha: 0, temperature: 0 }), { iterations: 3 });
  const seed = arg('seed', 1);
  const samples = simulateAgents(game, solved.policy, n, new Rng(seed));
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const load0 = os.loadavg()[0]!;
  const fit = await fitGenerativePopulation(game, samples, { seed, maxRounds: 1, exact: [solved.evaluation.flow[0]!], ...SET });
  const cpu = process.cpuUsage(cpu0);
  const r = fit.report;
  const round = r.rounds[0]![0]!;
  const out = {
    N: n,
    size: SIZE,
    H,
    seed,
    settings: SET,
    seconds: (performance.now() - t0) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    trainSeconds: fit.trainSeconds,
    loadAverage: [load0, os.loadavg()[0]!],
    steps: fit.steps,
    stoppedEarly: round.steps < round.maxSteps,
    meanTv: r.meanTv,
    baselineTv: r.baseline[0]!.meanTv,
    tvRatio: r.tvRatio,
    verdictPValue: r.verdictPValue,
    c2stPValue: r.combinedPValue,
    mmdPValue: r.mmdPValue,
    energyPValue: r.energyPValue,
    consensus: r.consensus,
    baseline: r.baseline[0],
    backend: fit.backend,
    curve: round.curve,
  };
  process.stdout.write(`${JSON.stringify({ ...out, curve: undefined, baseline: undefined })}\n`);
  fs.mkdirSync(OUT_DIR, { recursive: true });
  fs.writeFileSync(path.join(OUT_DIR, `honesty-generator-${SIZE}-${n}${TAG}.json`), JSON.stringify({ bench: 'honesty --generator', ...out, versions: runInfo().versions, date: new Date().toISOString() }, null, 1));
}

/** Mean over epochs of the exact TV of a population's state marginals to the exact flow L (t*S*A + s*A + a). */
function populationTv(pop: { logStateMassBatch(p: number, t: number, states: Int32Array): Float64Array }, L: Float64Array, S: number, A: number, H_: number): number {
  const states = Int32Array.from({ length: S }, (_x, s) => s);
  let total = 0;
  for (let t = 0; t < H_; t++) {
    total += tvToJointEpoch(pop.logStateMassBatch(0, t, states), L, t * S * A, S, A);
  }
  return total / H_;
}

/**
 * --informed: does the discriminator's signal beat a blind refit at the same budget? Per seed,
 * one fit of round 0 (the library defaults), then these arms from it:
 *  - plain: round 0 alone;
 *  - kernel: round 0's generator times the kernel density ratio of the held-out agents against
 *    it, tempered, with the kernel width and beta chosen by held-out likelihood on split halves
 *    (kernel-ratio-correction.ts); its CPU includes the fit;
 *  - pooled (--pooled, a control): the generator trained blind on 95 % of the agents;
 *  - corrected (the logit arm; --no-logit skips it): round 0's generator times its discriminator's density ratio, tempered,
 *    exp(beta·D) normalised, beta chosen on the C2ST's untrained held-out halves by likelihood
 *    (tempered-correction.ts; D is the discriminator round 0's test trains anyway); on --small
 *    also beta = 1 (the untempered ratio);
 *  - blind: maxRounds 2 with alpha 0.999, so round 1 always refits by maximum likelihood
 *    (twice the step cap, warm) and is tested again. Its rounds' steps are recorded: a warm refit
 *    keeps round 0's weights unless a validation window beats them, so blind = round 0 exactly
 *    when round 1 never improved on round 0's validation loss.
 * Reports each arm's mean exact TV and CPU seconds. --size/--H/--samples choose the game
 * (CrowdModelling2D); --small uses the 6x6 torus walk (H = 4) of the CI test instead.
 */
async function informedComparison(): Promise<void> {
  const os = await import('node:os');
  const { simulateAgents } = await import('../src/populations/simulate-agents');
  const { fitGenerativePopulation } = await import('../src/populations/generative/index');
  const small = argv.includes('--small');
  let game: FiniteGame;
  let policy: import('../src/core/tabular/index').TabularPolicy;
  let L: Float64Array;
  if (small) {
    const { meanFieldFlow, uniformPolicy } = await import('../src/core/tabular/index');
    const { torusWalk } = await import('../test/populations/generative/fixtures');
    game = torusWalk(6, 4);
    policy = uniformPolicy(game);
    L = meanFieldFlow(game, policy)[0]!;
  } else {
    registerBuiltinEnvs();
    game = makeGame('CrowdModelling2D-v0', { size: SIZE, H }) as FiniteGame;
    const solved = await runSolver(game, fictitiousPlay.create({ alpha: 0, temperature: 0 }), { iterations: 3 });
    policy = solved.policy;
    L = solved.evaluation.flow[0]!;
  }
  const pop = game.populations[0]!;
  const n = arg('samples', small ? 8000 : 10_000);
  const seeds = arg('seeds', small ? 8 : 2);
  const base = { ...(small ? { generator: 'autoregressive' as const, steps: 1, discriminator: { steps: 300 } } : {}), ...SET };
  const runs: Record<string, unknown>[] = [];
  // --first-seed k: seeds k .. k + seeds - 1 (several runs side by side, with --tag).
  const first = arg('first-seed', 1);
  for (let seed = first; seed < first + seeds; seed++) {
    const samples = simulateAgents(game, policy, n, new Rng(seed));
    const cpu = (): number => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1e6;
    };
    let c0 = cpu();
    // The kernel arm: the same round-0 fit (same seed, so the same generator bit for bit) corrected by the kernel ratio.
    const kern = await fitGenerativePopulation(game, samples, { ...base, seed, maxRounds: 1, exact: [L], correct: true, correction: 'kernel' });
    const kernelTv = populationTv(kern.population, L, pop.numStates, pop.numActions, game.horizon);
    const cpuKernel = cpu() - c0;
    const kernelChoice = kern.report.kernelCorrection![0]!;
    kern.population.corrected = false;
    const plainTv = populationTv(kern.population, L, pop.numStates, pop.numActions, game.horizon);
    // The logit arm (--no-logit skips it: at 512² its exact normaliser over every cell costs ~200 CPU-s).
    let logit: Record<string, unknown> = {};
    if (!argv.includes('--no-logit')) {
      c0 = cpu();
      // No exact flow here: the fit would then also compute the corrected TV, per cell through the MLP.
      const one = await fitGenerativePopulation(game, samples, { ...base, seed, maxRounds: 1, correct: true });
      const cpuOne = cpu() - c0;
      one.population.corrected = false;
      const logitPlainTv = populationTv(one.population, L, pop.numStates, pop.numActions, game.horizon);
      c0 = cpu();
      one.population.corrected = true;
      const correctedTv = populationTv(one.population, L, pop.numStates, pop.numActions, game.horizon);
      const cpuCorrect = cpu() - c0;
      const zErr = Math.max(...Array.from({ length: game.horizon }, (_x, t) => one.population.normaliserError(0, t)));
      const choice = one.report.correction![0]!;
      // The untempered correction (beta = 1) of the same generator and discriminator (same seed), on small games.
      const fullTv = small ? populationTv((await fitGenerativePopulation(game, samples, { ...base, seed, maxRounds: 1, correct: true, correctionScale: 1 })).population, L, pop.numStates, pop.numActions, game.horizon) : null;
      logit = { correctedTv, fullCorrectionTv: fullTv, scale: choice.scale, heldOutNllChange: choice.heldOutNllChange, fullNllChange: choice.fullNllChange, samePlainFit: logitPlainTv === plainTv, plainSteps: one.steps, cpuPlain: cpuOne, cpuCorrected: cpuOne + cpuCorrect, normaliserError: zErr, verdictP: one.report.verdictPValue };
    }
    c0 = cpu();
    const two = await fitGenerativePopulation(game, samples, { ...base, seed, maxRounds: 2, alpha: 0.999, exact: [L] });
    const cpuTwo = cpu() - c0;
    const blindTv = populationTv(two.population, L, pop.numStates, pop.numActions, game.horizon);
    // --pooled: a control, not an arm of the loop: the generator trained on 95 % of the agents (holdout 0.05),
    // i.e. on most of the agents the other arms keep for the tests, blind. It says how much of what the
    // held-out agents carry the kernel correction recovers.
    let pooled: Record<string, unknown> = {};
    if (argv.includes('--pooled')) {
      c0 = cpu();
      const fit = await fitGenerativePopulation(game, samples, { ...base, seed, maxRounds: 1, holdout: 0.05, exact: [L] });
      pooled = { pooledTv: populationTv(fit.population, L, pop.numStates, pop.numActions, game.horizon), cpuPooled: cpu() - c0 };
    }
    const run = { seed, plainTv, kernelTv, ...pooled, kernelSigma: kernelChoice.sigma, kernelScale: kernelChoice.scale, kernelNllChange: kernelChoice.heldOutNllChange, cpuKernel, ...logit, blindTv, blindRounds: two.report.rounds[0]!.map((x) => ({ steps: x.steps, maxSteps: x.maxSteps, pValue: x.pValue })), cpuBlind: cpuTwo, baselineTv: kern.report.baseline[0]!.meanTv, loadAverage: os.loadavg()[0] };
    runs.push(run);
    process.stdout.write(`${JSON.stringify(run)}\n`);
  }
  const mean = (k: string): number => runs.reduce((a, r) => a + (r[k] as number), 0) / runs.length;
  const wins = (k: string): string => `${runs.filter((r) => (r[k] as number) < (r.blindTv as number)).length}/${runs.length}`;
  const summary = {
    plainTv: mean('plainTv'),
    kernelTv: mean('kernelTv'),
    blindTv: mean('blindTv'),
    kernelVsBlind: mean('kernelTv') / mean('blindTv') - 1,
    cpuKernel: mean('cpuKernel'),
    cpuBlind: mean('cpuBlind'),
    kernelBeatsBlind: wins('kernelTv'),
    ...(runs[0]!.pooledTv !== undefined ? { pooledTv: mean('pooledTv'), cpuPooled: mean('cpuPooled'), kernelBeatsPooled: `${runs.filter((r) => (r.kernelTv as number) < (r.pooledTv as number)).length}/${runs.length}` } : {}),
    ...(runs[0]!.correctedTv !== undefined ? { correctedTv: mean('correctedTv'), cpuCorrected: mean('cpuCorrected'), correctedBeatsBlind: wins('correctedTv') } : {}),
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const name = small ? 'honesty-informed-small' : `honesty-informed-${SIZE}-${n}`;
  fs.writeFileSync(path.join(OUT_DIR, `${name}${TAG}.json`), JSON.stringify({ bench: 'honesty --informed', game: small ? 'torusWalk 6x6, H = 4, uniform policy' : `CrowdModelling2D ${SIZE}x${SIZE}, H = ${H}, FP 3 iterations`, samples: n, settings: base, runs, summary, versions: runInfo().versions, date: new Date().toISOString() }, null, 1));
}

if (argv.includes('--plot-only')) {
  // Redraw the SVG from the JSON of an earlier run.
  const doc = JSON.parse(fs.readFileSync(`${OUT}.json`, 'utf8')) as { rows: Row[] };
  fs.writeFileSync(`${OUT}.svg`, powerSvg(doc.rows));
} else if (argv.includes('--refit')) void refitComparison();
else if (argv.includes('--informed')) void informedComparison();
else if (argv.includes('--generator')) void generatorAgainstHistogram(arg('generator', 10_000));
else main();
