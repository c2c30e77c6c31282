import { Rng } from '../../core/rng';
import type { CategoricalDensity } from './categorical-generator';
import type { ContinuousDensity } from './continuous-density';
import type { C2stResult } from './discriminator';
import type { KernelTests } from './consensus';
import { discreteEnergyDistance, energyDistance, gaussianW2, meanCovariance, totalVariation } from './stats';
import {
  combineEpochTests,
  gridPermutationStatsEpochs,
  gridTests,
  honestyVerdict,
  permSeeds,
  pointPermutationStats,
  pointTests,
  pooledTests,
  type GridSpec,
  type PairTest,
  type PermutationStats,
} from './two-sample';

/** Permutations of the kernel tests (smallest p-value 1/200; the verdict needs < alpha/3). */
export const KERNEL_PERMUTATIONS = 199;
/** Held-out (and generator) samples per epoch and side in a finite kernel test; O(N) per permutation. */
export const GRID_KERNEL_MAX = 3000;
/** The same for R^d, whose Gram-matrix tests are O(N^2) per permutation. */
export const POINT_KERNEL_MAX = 200;

/** Largest sample per side for the O(n^2) Euclidean energy distance. */
const ENERGY_MAX = 500;
/** Joint-cell TV is computed when S·A·H stays below this (it needs a forward pass per cell). */
const JOINT_TV_MAX = 2_000_000;

/**
 * One epoch of the honesty report (DESIGN §3): how far the generator is from the population,
 * measured without trusting the generator.
 * - c2stAccuracy / pValue: held-out accuracy of the discriminator, binomial p-value of > 1/2;
 * - nll: the generator's negative log-likelihood of held-out Monte Carlo samples (nats);
 * - distance vs nullDistance: unbiased energy distance MC-vs-generator and MC-vs-MC (two
 *   disjoint halves of the held-out set); both are noise around 0 when the fit is right;
 * - mmd / energy: the kernel two-sample tests of two-sample.ts, held-out Monte Carlo against as
 *   many generator samples (statistic and permutation p-value);
 * - tv (state marginal) and tvJoint (cells s, a): exact total variation to a given exact flow;
 * - w2, meanError, varianceError: against a given Gaussian closed form (continuous).
 */
export interface EpochHonesty {
  readonly population: number;
  readonly t: number;
  readonly c2stAccuracy: number;
  readonly pValue: number;
  readonly nTest: number;
  readonly nll: number;
  readonly distance: number;
  readonly nullDistance: number;
  readonly mmdStatistic?: number;
  readonly mmdPValue?: number;
  readonly energyStatistic?: number;
  readonly energyPValue?: number;
  readonly tv?: number;
  readonly tvJoint?: number;
  readonly w2?: number;
  readonly meanError?: number;
  readonly varianceError?: number;
}

/** A Gaussian closed form of a continuous flow (e.g. the LQ game's exact flow). */
export interface GaussianFlow {
  mean(t: number): ArrayLike<number>;
  /** d×d covariance, row-major. */
  covariance(t: number): Float64Array;
}

export interface HonestySummary {
  readonly c2stAccuracy: number;
  readonly pValue: number;
  /** The C2ST's Bonferroni-combined p-value (pooled + per epoch, over populations). */
  readonly combinedPValue: number;
  /** The kernel tests pooled over epochs (and Bonferroni over populations); Cauchy-combined per-epoch p-values beside them. */
  readonly mmdPValue?: number;
  readonly energyPValue?: number;
  readonly mmdCauchyPValue?: number;
  readonly energyCauchyPValue?: number;
  /** The one verdict: Bonferroni over the C2ST, MMD and energy tests; consensus when >= alpha. */
  readonly verdictPValue: number;
  readonly meanNll: number;
  readonly meanTv?: number;
  readonly maxTv?: number;
  readonly meanW2?: number;
}

/** Per-epoch report of a finite population p; `exact` is its flow L (layout t*S*A + s*A + a). */
export function finiteHonesty(p: number, g: CategoricalDensity, heldOut: readonly Int32Array[], c2st: C2stResult, seed: number, exact?: Float64Array, kernel?: KernelTests | null): EpochHonesty[] {
  const { horizon: H, numStates: S, numActions: A } = g.config;
  const rng = new Rng(seed);
  const out: EpochHonesty[] = [];
  for (let t = 0; t < H; t++) {
    const mc = heldOut[t]!;
    let nll = 0;
    for (let i = 0; i < mc.length; i++) nll -= g.logCellMass(t, mc[i]!);
    nll /= Math.max(mc.length, 1);
    const half = mc.length >> 1;
    const a = mc.subarray(0, half);
    const b = mc.subarray(half, 2 * half);
    const gen = g.sampleCells(t, half, rng);
    const e: { -readonly [K in keyof EpochHonesty]: EpochHonesty[K] } = {
      population: p,
      t,
      c2stAccuracy: c2st.epochs[t]!.accuracy,
      pValue: c2st.epochs[t]!.pValue,
      nTest: c2st.epochs[t]!.n,
      nll,
      distance: half > 1 ? discreteEnergyDistance(a, gen) : NaN,
      nullDistance: half > 1 ? discreteEnergyDistance(a, b) : NaN,
      ...kernelFields(kernel, t),
    };
    if (exact) {
      const L = exact.subarray(t * S * A, (t + 1) * S * A);
      let tv = 0;
      for (let s = 0; s < S; s++) {
        let m = 0;
        for (let k = 0; k < A; k++) m += L[s * A + k]!;
        tv += Math.abs(Math.exp(g.logStateMass(t, s)) - m);
      }
      e.tv = tv / 2;
      if (S * A * H <= JOINT_TV_MAX) {
        const q = new Float64Array(S * A);
        for (let c = 0; c < S * A; c++) q[c] = Math.exp(g.logCellMass(t, c));
        e.tvJoint = totalVariation(L, q);
      }
    }
    out.push(e);
  }
  return out;
}

/** Per-epoch report of a continuous population (held-out points n×d per epoch). */
export function continuousHonesty(g: ContinuousDensity, heldOut: readonly Float64Array[], c2st: C2stResult, seed: number, closedForm?: GaussianFlow, kernel?: KernelTests | null): EpochHonesty[] {
  const { horizon: H, dim: d } = g.config;
  const rng = new Rng(seed);
  const out: EpochHonesty[] = [];
  for (let t = 0; t < H; t++) {
    const mc = heldOut[t]!;
    const n = mc.length / d;
    let nll = 0;
    for (let i = 0; i < n; i++) nll -= g.logDensity(t, mc, i * d);
    nll /= Math.max(n, 1);
    const half = Math.min(n >> 1, ENERGY_MAX);
    const a = mc.subarray(0, half * d);
    const b = mc.subarray(half * d, 2 * half * d);
    const gen = g.sample(t, half, rng);
    const e: { -readonly [K in keyof EpochHonesty]: EpochHonesty[K] } = {
      population: 0,
      t,
      c2stAccuracy: c2st.epochs[t]!.accuracy,
      pValue: c2st.epochs[t]!.pValue,
      nTest: c2st.epochs[t]!.n,
      nll,
      distance: half > 1 ? energyDistance(a, gen, d) : NaN,
      nullDistance: half > 1 ? energyDistance(a, b, d) : NaN,
      ...kernelFields(kernel, t),
    };
    if (closedForm) {
      // Moments of a large generator sample against the closed form.
      const big = g.sample(t, 20000, rng);
      const { mean, cov } = meanCovariance(big, d);
      const m = closedForm.mean(t);
      const C = closedForm.covariance(t);
      e.w2 = gaussianW2(mean, cov, m, C, d);
      let me = 0;
      let ve = 0;
      for (let k = 0; k < d; k++) {
        me = Math.max(me, Math.abs(mean[k]! - m[k]!));
        ve = Math.max(ve, Math.abs(cov[k * d + k]! - C[k * d + k]!));
      }
      e.meanError = me;
      e.varianceError = ve;
    }
    out.push(e);
  }
  return out;
}

function kernelFields(kernel: KernelTests | null | undefined, t: number): Partial<EpochHonesty> {
  const e = kernel?.epochs[t];
  return e ? { mmdStatistic: e.mmd.statistic, mmdPValue: e.mmd.pValue, energyStatistic: e.energy.statistic, energyPValue: e.energy.pValue } : {};
}

/** Kernel tests of a finite generator: per epoch, up to GRID_KERNEL_MAX held-out cells against as many generator cells. */
export function finiteKernelTests(sample: (t: number, n: number, rng: Rng) => Int32Array, heldOut: readonly Int32Array[], grid: GridSpec, rng: Rng, permutations = KERNEL_PERMUTATIONS): KernelTests {
  return runFiniteKernelTests(drawFiniteKernelTests(sample, heldOut, grid, rng, permutations));
}

/**
 * Everything random in finiteKernelTests, drawn in its order: the permutation seeds, then per
 * epoch the held-out cells tested and as many generator cells. The statistics need nothing
 * else, so runFiniteKernelTests may compute them later (the baseline does, on demand) from
 * copies small enough to keep: at most GRID_KERNEL_MAX cells per epoch and side.
 */
export interface FiniteKernelDraws {
  readonly seeds: readonly number[];
  readonly grid: GridSpec;
  readonly pairs: readonly (readonly [Int32Array, Int32Array])[];
}

export function drawFiniteKernelTests(sample: (t: number, n: number, rng: Rng) => Int32Array, heldOut: readonly Int32Array[], grid: GridSpec, rng: Rng, permutations = KERNEL_PERMUTATIONS): FiniteKernelDraws {
  const seeds = permSeeds(permutations, rng);
  const pairs = heldOut.map((mc, t) => {
    const n = Math.min(mc.length, GRID_KERNEL_MAX);
    return [mc.slice(0, n), sample(t, n, rng)] as const;
  });
  return { seeds, grid, pairs };
}

export function runFiniteKernelTests(d: FiniteKernelDraws): KernelTests {
  return kernelTests(gridPermutationStatsEpochs(d.pairs, d.grid, d.seeds), gridTests);
}

/** Per-epoch, pooled and Cauchy-combined results from the epochs' permutation statistics. */
export function kernelTests(stats: readonly PermutationStats[], test: (ps: PermutationStats) => PairTest): KernelTests {
  const epochs = stats.map(test);
  const pooled = pooledTests(stats, test);
  const cauchy = combineEpochTests(epochs);
  return {
    epochs,
    mmdStatistic: pooled.mmd.statistic,
    mmdPValue: pooled.mmd.pValue,
    energyStatistic: pooled.energy.statistic,
    energyPValue: pooled.energy.pValue,
    mmdCauchyPValue: cauchy.mmdPValue,
    energyCauchyPValue: cauchy.energyPValue,
  };
}

/** Kernel tests of a continuous generator: per epoch, up to POINT_KERNEL_MAX held-out points against as many generated. */
export function continuousKernelTests(sample: (t: number, n: number, rng: Rng) => Float64Array, heldOut: readonly Float64Array[], d: number, rng: Rng, permutations = KERNEL_PERMUTATIONS): KernelTests {
  const seeds = permSeeds(permutations, rng);
  const stats = heldOut.map((mc, t) => {
    const n = Math.min(mc.length / d, POINT_KERNEL_MAX);
    return pointPermutationStats(mc.subarray(0, n * d), sample(t, n, rng), d, seeds);
  });
  return kernelTests(stats, pointTests);
}

export function summarise(epochs: readonly EpochHonesty[], c2st: readonly C2stResult[], kernels: readonly (KernelTests | null)[] = []): HonestySummary {
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);
  let k = 0;
  let n = 0;
  for (const e of epochs) {
    k += e.c2stAccuracy * e.nTest;
    n += e.nTest;
  }
  const tvs = epochs.flatMap((e) => (e.tv === undefined ? [] : [e.tv]));
  const w2s = epochs.flatMap((e) => (e.w2 === undefined ? [] : [e.w2]));
  const combinedPValue = Math.min(1, c2st.length * Math.min(...c2st.map((c) => c.combinedPValue)));
  const ks = kernels.filter((x): x is KernelTests => x !== null);
  const pops = (ps: number[]): number => Math.min(1, ps.length * Math.min(...ps));
  const kernel =
    ks.length === kernels.length && ks.length > 0
      ? {
          mmdPValue: pops(ks.map((x) => x.mmdPValue)),
          energyPValue: pops(ks.map((x) => x.energyPValue)),
          mmdCauchyPValue: pops(ks.map((x) => x.mmdCauchyPValue)),
          energyCauchyPValue: pops(ks.map((x) => x.energyCauchyPValue)),
        }
      : null;
  return {
    c2stAccuracy: n > 0 ? k / n : 0.5,
    pValue: Math.min(...c2st.map((c) => c.pValue)),
    combinedPValue,
    ...(kernel ?? {}),
    verdictPValue: honestyVerdict(kernel ? [combinedPValue, kernel.mmdPValue, kernel.energyPValue] : [combinedPValue], 0.5).pValue,
    meanNll: mean(epochs.map((e) => e.nll)),
    ...(tvs.length ? { meanTv: mean(tvs), maxTv: Math.max(...tvs) } : {}),
    ...(w2s.length ? { meanW2: mean(w2s) } : {}),
  };
}
