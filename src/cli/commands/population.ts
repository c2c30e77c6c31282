import * as fs from 'node:fs';
import * as path from 'node:path';
import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import type { ContinuousGame } from '../../core/continuous-game';
import { MfgError } from '../../core/errors';
import type { FiniteGame } from '../../core/finite-game';
import type { Game } from '../../core/game';
import { checkSeed, Rng } from '../../core/rng';
import type { TabularPolicy } from '../../core/tabular/index';
import { lqClosedForm, lqEquilibriumPolicy } from '../../../envs/linear-quadratic-continuous';
import { ContinuousParticleFlow } from '../../populations/continuous-particles';
import { ExactPopulation } from '../../populations/exact-population';
import { ParticlePopulation } from '../../populations/particle-population';
import type { ContinuousFlowSamples, FiniteFlowSamples, FinitePopulationFlow } from '../../populations/population';
import { simulateAgents, simulateAgentsFrom } from '../../populations/simulate-agents';
import { tabularPolicySource, uniformPolicySource } from '../../core/streaming/index';
import { DEFAULT_MEMORY_BUDGET, parseMemoryBudget } from '../../solvers/memory-budget';
import { passivePolicy, simulateContinuous, type ContinuousPolicy } from '../../populations/simulate-continuous';
import type * as Generative from '../../populations/generative/index';
import { addEnvOptions, resolveEnv, type EnvOptions } from '../env-options';
import { runInfo } from '../run-info';
import { parseSettings } from '../settings-option';
import { gaussianW2, meanCovariance } from '../../populations/generative/stats';
import { loadPolicy } from './evaluate';

/** Exit status after SIGINT (128 + 2), as `mfgym solve` uses. */
const EXIT_INTERRUPTED = 130;
const KINDS = ['exact', 'particles', 'generative'] as const;
export type PopulationKindName = (typeof KINDS)[number];

/** Fresh Monte Carlo agents per epoch for the exact/particles honesty figures (capped: the test is O(n)). */
const MAX_HELD_OUT = 10_000;
/** Held-out points per epoch scored by a particle KDE (each query is O(2048·d)). */
const MAX_KDE_QUERIES = 500;
/** Combined C2ST p-value below which the representation and fresh agents are "distinguishable". */
const CONSENSUS_ALPHA = 0.05;

/** One epoch of the report: the same fields for every kind (null where a kind cannot give one). */
export interface EpochRow {
  population: number;
  t: number;
  /** Held-out accuracy of the discriminator (0.5 = indistinguishable). */
  c2stAccuracy: number | null;
  /** One-sided binomial p-value of accuracy > 1/2. */
  pValue: number | null;
  /** Negative log-likelihood (nats) of held-out agents: joint cells (s, a) for finite games, points for continuous. */
  nll: number | null;
  /** Finite games: share of held-out agents on cells the representation gives no mass (their NLL is infinite). */
  zeroMassShare?: number;
  /** Exact total variation of the state marginal to the exact flow (finite games). */
  tv?: number;
  /** Generative: this epoch's kernel two-sample tests against the held-out agents (permutation p-values). */
  mmdStatistic?: number;
  mmdPValue?: number;
  energyStatistic?: number;
  energyPValue?: number;
  /** W2 to the closed-form Gaussian flow (continuous games with one). */
  w2?: number | null;
}

export interface PopulationReport {
  env: string;
  kwargs: Record<string, unknown>;
  population: PopulationKindName;
  /** Which policy's flow: "uniform", a policy file, or the continuous reference control. */
  policy: string;
  samples: number;
  seed: number;
  memoryBytes: number;
  /** Bytes of the exact tabular flow of the same policy (finite games), the cost to beat (computed from the sizes when the reference is not built). */
  exactMemoryBytes: number | null;
  /** Finite games: whether the exact flow was computed as the reference for tv/meanTv ('none': those are null). */
  reference: 'exact' | 'none' | null;
  /** Why: asked for, or decided by the memory budget against exactMemoryBytes. */
  referenceReason: string | null;
  /** Seconds to build the representation (simulation of the agents included; for generative also its honesty report). */
  fitSeconds: number;
  simulateSeconds: number;
  /** C2ST combined p-value >= 0.05 (generative: the consensus loop's verdict); null when no test ran. */
  consensus: boolean | null;
  /** The TensorFlow.js backend that ran the generator / discriminator ("wasm" or "tensorflow"); null when none ran. */
  backend: string | null;
  c2stAccuracy: number | null;
  combinedPValue: number | null;
  meanNll: number | null;
  meanTv: number | null;
  maxTv: number | null;
  meanW2: number | null;
  /** Generative only: Adam steps and training seconds (what a warm start saves). */
  steps: number | null;
  trainSeconds: number | null;
  warmStart: { dir: string; envId: string; kwargs: Record<string, unknown> } | null;
  saved: string | null;
  /** Generative only: the consensus loop's rounds per population (steps, loss, C2ST accuracy, p-value). */
  rounds: Record<string, unknown>[][] | null;
  /**
   * Generative only (null otherwise): the honesty report's kernel two-sample tests pooled over
   * epochs (multi-scale MMD, energy distance) and the one verdict min(1, 3·min p) over them and the
   * C2ST; consensus is verdictPValue >= alpha.
   */
  mmdPValue: number | null;
  energyPValue: number | null;
  verdictPValue: number | null;
  /** Generative only: the same figures for the histogram (finite) or KDE (R^d) of the generator's own training samples. */
  baseline: Record<string, unknown>[] | null;
  /** meanTv / baseline meanTv (finite, with the exact reference) and meanW2 / baseline meanW2 (R^d, with a closed form): below 1 the generator beats its data. */
  tvRatio: number | null;
  w2Ratio: number | null;
  /** Generative with --warm-start on a finite game: per population, the source's transfer quality and whether it was used. */
  transfer: Record<string, unknown>[] | null;
  /**
   * Generative finite fits with settings.correct: which correction ('kernel' or 'logit'), whether
   * the population is corrected, per population the choice held-out likelihood made (kernel:
   * sigma and beta; logit: beta), and the corrected flow's mean TV when the exact reference ran
   * (meanTv and the epoch rows stay the generator's, which the tests judged).
   */
  correction: { kind: 'kernel' | 'logit'; corrected: boolean; choices: Record<string, unknown>[]; correctedMeanTv: number | null } | null;
  epochs: EpochRow[];
  notes: string[];
}

export interface PopulationRunOptions {
  env: string;
  kwargs: Record<string, unknown>;
  game: Game;
  kind: string;
  /** Finite games: the policy whose flow is represented (default uniform over legal actions). */
  policy?: TabularPolicy;
  policyName?: string;
  samples: number;
  seed: number;
  /** Run the discriminator test for exact/particles too (default true). */
  c2st?: boolean;
  /** Finite games: compute the exact flow as the reference ('exact'), or not ('none'); default: 'exact' when it fits memoryBudget. */
  reference?: 'exact' | 'none';
  /** Bytes the exact reference may take (default DEFAULT_MEMORY_BUDGET, 2 GiB). */
  memoryBudget?: number;
  /** Generative options (steps, batchSize, discriminator, generator, ...). */
  settings?: Readonly<Record<string, unknown>>;
  save?: string;
  warmStart?: string;
  signal?: AbortSignal;
  onProgress?: (stage: string, step: number, total: number) => void;
}

export interface PopulationRun {
  report: PopulationReport;
  /** The fitted representation, for callers that query it (bench/population). */
  finite: FinitePopulationFlow | null;
  continuous: { logDensity(t: number, x: Float64Array): number; memoryBytes(): number } | null;
}

/**
 * `mfgym population --env ID --population exact|particles|generative [...]`: represent the flow
 * of a fixed policy, and report its memory, fit time and honesty per epoch (C2ST accuracy and
 * p-value against fresh agents, held-out NLL, exact TV or W2 to the closed form).
 */
export function populationCommand(): Command {
  return addEnvOptions(new Command('population'))
    .description('fit a population representation (exact, particles or generative) to a policy\'s flow and report its honesty per epoch')
    .requiredOption('--population <kind>', 'representation: exact | particles | generative')
    .option('--policy <uniform|file>', 'finite games: "uniform" over legal actions, or a policy file; continuous games use their reference control (LQ: the closed-form equilibrium, others: a = 0)', 'uniform')
    .option('--samples <n>', 'simulated agents the representation is built from (particles, generative)', '10000')
    .option('--seed <s>', 'seed of the simulation, the fit and the tests', '0')
    .option('--settings <json>', 'generative options as JSON, e.g. \'{"steps": 500, "discriminator": {"steps": 100}}\' (see src/populations/generative/index.ts)')
    .option('--no-c2st', 'exact/particles: skip the discriminator test (it loads TensorFlow.js)')
    .option('--reference <exact|none>', 'finite games: compute the exact flow as the reference for TV (default: exact when it fits --memory-budget)')
    .option('--memory-budget <bytes>', 'bytes the exact reference may take, e.g. 2G or 512M', '2G')
    .option('--save <dir>', 'generative: save the fitted generator (TensorFlow.js model.json + weights.bin) to dir')
    .option('--warm-start <dir>', 'generative: start from a saved generator, or the closest entry of a knowledge-base directory')
    .option('--json', 'print exactly one JSON object on stdout')
    .addHelpText('after', '\nSIGINT (Ctrl-C) stops the fit and exits with status 130.')
    .action(async (opts: EnvOptions & { population: string; policy: string; samples: string; seed: string; settings?: string; c2st: boolean; reference?: string; memoryBudget: string; save?: string; warmStart?: string; json?: boolean }) => {
      const kind = checkKind(opts.population);
      if (opts.reference !== undefined && opts.reference !== 'exact' && opts.reference !== 'none') {
        throw new MfgError('MFG_ERR_CLI_BAD_ARGUMENT', `--reference ${JSON.stringify(opts.reference)} is invalid, expected exact or none`, { details: { flag: '--reference', value: opts.reference } });
      }
      const memoryBudget = parseMemoryBudget(opts.memoryBudget);
      const samples = parseCount('--samples', opts.samples);
      const seed = checkSeed(Number(opts.seed), '--seed');
      const settings = parseSettings(opts.settings);
      const { id, kwargs, game } = await resolveEnv(opts);
      let policy: TabularPolicy | undefined;
      if (game.kind === 'finite') policy = loadPolicy(opts.policy, game, id);
      else if (opts.policy !== 'uniform') {
        throw new MfgError('MFG_ERR_GAME_UNSUPPORTED', `${id} is continuous: policy files are tabular; leave --policy out to use the reference control`, { details: { env: id } });
      }
      if (kind !== 'generative' && (opts.save || opts.warmStart)) {
        throw new MfgError('MFG_ERR_CLI_BAD_ARGUMENT', '--save and --warm-start apply to --population generative only', { details: { population: kind } });
      }

      const controller = new AbortController();
      const onSigint = (): void => {
        process.stderr.write('\nmfgym: interrupted; stopping the fit\n');
        controller.abort();
      };
      process.on('SIGINT', onSigint);
      const bar = !opts.json && process.stderr.isTTY ? new SingleBar({ stream: process.stderr, format: 'population {stage} {bar} {value}/{total} | {duration_formatted}', hideCursor: true }) : null;
      let barStage = '';
      let run: PopulationRun;
      try {
        run = await runPopulation({
          env: id,
          kwargs,
          game,
          kind,
          ...(policy ? { policy, policyName: opts.policy } : {}),
          samples,
          seed,
          c2st: opts.c2st,
          ...(opts.reference ? { reference: opts.reference as 'exact' | 'none' } : {}),
          memoryBudget,
          settings,
          ...(opts.save ? { save: opts.save } : {}),
          ...(opts.warmStart ? { warmStart: opts.warmStart } : {}),
          signal: controller.signal,
          onProgress: (stage, step, total) => {
            if (!bar) return;
            if (stage !== barStage) {
              if (barStage) bar.stop();
              bar.start(total, step, { stage: stage.padEnd(10) });
              barStage = stage;
            } else bar.update(step);
          },
        });
      } catch (e) {
        if (controller.signal.aborted) {
          bar?.stop();
          process.stderr.write('mfgym: MFG_ERR_GENERATIVE_ABORTED: population fit interrupted by SIGINT\n');
          process.exitCode = EXIT_INTERRUPTED;
          return;
        }
        throw e;
      } finally {
        bar?.stop();
        process.off('SIGINT', onSigint);
      }
      const out = { ...run.report, ...runInfoFor(run.report) };
      if (opts.json) process.stdout.write(`${JSON.stringify(out)}\n`);
      else process.stdout.write(summary(run.report));
    });
}

/** The run's machine and versions; the backend is the tfjs one when a network ran. */
function runInfoFor(r: PopulationReport): Record<string, unknown> {
  const info = runInfo();
  return { versions: info.versions, machine: { ...info.backend, name: r.backend ?? 'none' }, date: new Date().toISOString() };
}

/** Builds the representation and its report: the library function behind the command (bench/population uses it too). */
export async function runPopulation(o: PopulationRunOptions): Promise<PopulationRun> {
  const kind = checkKind(o.kind);
  checkSeed(o.seed);
  parseCount('samples', String(o.samples));
  if (o.game.kind === 'finite') return runFinite(o, o.game, kind);
  return runContinuous(o, o.game, kind);
}

async function runFinite(o: PopulationRunOptions, game: FiniteGame, kind: PopulationKindName): Promise<PopulationRun> {
  // The generative path reads the policy epoch by epoch: no H·S·A table unless one was given.
  const source = o.policy ? tabularPolicySource(game, o.policy) : uniformPolicySource(game);
  let table: TabularPolicy | null = o.policy ?? null;
  const tabular = async (): Promise<TabularPolicy> => (table ??= (await import('../../core/tabular/index')).uniformPolicy(game));
  const budget = o.memoryBudget ?? DEFAULT_MEMORY_BUDGET;
  // What ExactPopulation holds: the joint flow and the state marginals.
  const exactMemoryBytes = game.populations.reduce((n, pop) => n + 8 * game.horizon * pop.numStates * (pop.numActions + 1), 0);
  const fits = exactMemoryBytes <= budget;
  const reference: 'exact' | 'none' = kind === 'exact' ? 'exact' : (o.reference ?? (fits ? 'exact' : 'none'));
  const referenceReason =
    kind === 'exact'
      ? 'the exact population is the reference'
      : o.reference
        ? `asked for (--reference ${o.reference})`
        : `${fits ? 'fits' : 'exceeds'} the memory budget: the exact flow takes ${exactMemoryBytes} bytes, the budget is ${budget}`;
  const seeds = new Rng(o.seed);
  const fitSeed = seeds.nextSeed();
  const heldSeed = seeds.nextSeed();
  const testSeed = seeds.nextSeed();
  const notes: string[] = [];

  let t0 = performance.now();
  const exact = reference === 'exact' ? ExactPopulation.fromPolicy(game, await tabular()) : null;
  const exactSeconds = (performance.now() - t0) / 1000;
  if (!exact) notes.push(`no exact reference (${referenceReason}): tv, meanTv and maxTv are null`);

  let population: FinitePopulationFlow;
  let fitSeconds: number;
  let simulateSeconds = 0;
  let epochs: EpochRow[];
  let consensus: boolean | null = null;
  let backend: string | null = null;
  let combinedPValue: number | null = null;
  let gen: { steps: number; trainSeconds: number; rounds: Record<string, unknown>[][]; honesty: HonestyFields } | null = null;
  let warmStart: PopulationReport['warmStart'] = null;
  let saved: string | null = null;

  if (kind === 'exact') {
    population = exact!;
    fitSeconds = exactSeconds;
  } else {
    o.onProgress?.('simulate', 0, 1);
    t0 = performance.now();
    const samples = simulateAgentsFrom(game, source, o.samples, new Rng(fitSeed));
    simulateSeconds = (performance.now() - t0) / 1000;
    o.onProgress?.('simulate', 1, 1);
    if (kind === 'particles') {
      t0 = performance.now();
      population = ParticlePopulation.fromSamples(game, samples);
      fitSeconds = simulateSeconds + (performance.now() - t0) / 1000;
    } else {
      const g = await import('../../populations/generative/index');
      const warm = o.warmStart ? await loadWarmStart(g, o.warmStart, o.env, o.kwargs) : null;
      if (warm) warmStart = { dir: warm.dir, envId: warm.metadata.envId, kwargs: { ...warm.metadata.kwargs } };
      const fit = await g.fitGenerativePopulation(game, samples, {
        ...g.optionsFromSettings(o.settings ?? {}),
        seed: fitSeed,
        ...(exact ? { exact: exact.flow } : {}),
        ...(warm ? { warmStart: warm.models } : {}),
        ...(o.signal ? { signal: o.signal } : {}),
        onProgress: (e) => o.onProgress?.(`${e.stage} r${e.round}`, e.step, e.totalSteps),
      });
      population = fit.population;
      fitSeconds = simulateSeconds + fit.fitSeconds;
      consensus = fit.report.consensus;
      backend = fit.backend;
      combinedPValue = fit.report.combinedPValue;
      gen = { steps: fit.steps, trainSeconds: fit.trainSeconds, rounds: roundsOf(fit.report.rounds), honesty: honestyOf(fit.report) };
      epochs = fit.report.epochs.map((e) => ({ ...epochTests(e), population: e.population, t: e.t, c2stAccuracy: e.c2stAccuracy, pValue: e.pValue, nll: e.nll, ...(exact ? { tv: e.tv ?? tvAt(game, population, exact, e.population, e.t) } : {}) }));
      if (o.save) {
        await g.saveGenerator(o.save, fit.models, { envId: o.env, kwargs: o.kwargs, fitStats: { consensus: fit.report.consensus, c2stAccuracy: fit.report.c2stAccuracy, meanTv: fit.report.meanTv ?? NaN, steps: fit.steps, samples: o.samples } });
        saved = path.resolve(o.save);
      }
      const memoryBytes = fit.memoryBytes;
      return finish(memoryBytes);
    }
  }

  // Measured before the figures below, which may materialise tables (a particle histogram's L_t).
  const builtBytes = population.memoryBytes();
  const policy = await tabular();
  // exact / particles: the same figures the generative report gives, measured on fresh agents.
  const H = game.horizon;
  const nHeld = Math.min(MAX_HELD_OUT, Math.max(4, Math.round(0.3 * (kind === 'exact' ? o.samples : o.samples))));
  const held = simulateAgents(game, policy, nHeld, new Rng(heldSeed));
  epochs = [];
  for (let p = 0; p < game.populations.length; p++) {
    for (let t = 0; t < H; t++) {
      const L = population.meanFieldAt(t)![p]!;
      const cells = held.cells[p]![t]!;
      let nll = 0;
      let zero = 0;
      for (let i = 0; i < cells.length; i++) {
        const m = L[cells[i]!]!;
        if (m > 0) nll -= Math.log(m);
        else zero++;
      }
      epochs.push({
        population: p,
        t,
        c2stAccuracy: null,
        pValue: null,
        nll: zero > 0 ? null : nll / cells.length,
        zeroMassShare: zero / cells.length,
        ...(exact ? { tv: tvAt(game, population, exact, p, t) } : {}),
      });
    }
  }
  if (zeroShareOf(epochs) > 0) notes.push('nll is null at epochs where some held-out agents fall on cells of zero estimated mass (a histogram gives them probability 0)');
  if (o.c2st !== false) {
    const g = await import('../../populations/generative/index');
    const h = await g.loadTf();
    backend = h.backend;
    let pooled = 1;
    for (let p = 0; p < game.populations.length; p++) {
      const pop = game.populations[p]!;
      const rng = new Rng(testSeed + p);
      const fromRep = Array.from({ length: H }, (_x, t) => sampleCells(population, policy, game, p, t, held.cells[p]![t]!.length, rng));
      const c2st = await g.classifierTwoSampleTest(h, { kind: 'finite', horizon: H, axes: [...pop.stateShape, pop.numActions], hidden: 32 }, held.cells[p]!, fromRep, {
        seed: testSeed + 7 * p,
        ...(o.signal ? { signal: o.signal } : {}),
        onStep: (step, total) => o.onProgress?.('c2st', step, total),
      });
      pooled = Math.min(pooled, c2st.combinedPValue);
      for (const e of c2st.epochs) {
        const row = epochs.find((r) => r.population === p && r.t === e.t)!;
        row.c2stAccuracy = e.accuracy;
        row.pValue = e.pValue;
      }
    }
    combinedPValue = Math.min(1, game.populations.length * pooled);
    consensus = combinedPValue >= CONSENSUS_ALPHA;
  } else {
    notes.push('c2stAccuracy/pValue are null: the discriminator test was skipped (--no-c2st)');
  }
  return finish(builtBytes);

  function finish(memoryBytes: number): PopulationRun {
    const tvs = exact ? epochs.map((e) => e.tv!) : [];
    const report: PopulationReport = {
      env: o.env,
      kwargs: o.kwargs,
      population: kind,
      policy: o.policyName ?? 'uniform',
      samples: o.samples,
      seed: o.seed,
      memoryBytes,
      exactMemoryBytes,
      reference,
      referenceReason,
      fitSeconds,
      simulateSeconds,
      consensus,
      backend,
      c2stAccuracy: pooledAccuracy(epochs),
      combinedPValue,
      meanNll: meanOf(epochs.map((e) => e.nll)),
      meanTv: exact ? meanOf(tvs) : null,
      maxTv: exact ? Math.max(...tvs) : null,
      meanW2: null,
      steps: gen?.steps ?? null,
      trainSeconds: gen?.trainSeconds ?? null,
      warmStart,
      saved,
      rounds: gen?.rounds ?? null,
      ...(gen?.honesty ?? NO_HONESTY),
      epochs,
      notes,
    };
    return { report, finite: population, continuous: null };
  }
}

/** Exact TV of population p's state marginal at epoch t (queried state by state: no table of the representation). */
function tvAt(game: FiniteGame, rep: FinitePopulationFlow, exact: ExactPopulation, p: number, t: number): number {
  if (rep === exact) return 0;
  const mu = exact.stateDistribution(p, t);
  const S = game.populations[p]!.numStates;
  const batch = (rep as { logStateMassBatch?: (p: number, t: number, s: Int32Array) => Float64Array }).logStateMassBatch;
  let tv = 0;
  if (batch) {
    const states = new Int32Array(S);
    for (let s = 0; s < S; s++) states[s] = s;
    const logs = batch.call(rep, p, t, states);
    for (let s = 0; s < S; s++) tv += Math.abs(Math.exp(logs[s]!) - mu[s]!);
  } else {
    for (let s = 0; s < S; s++) tv += Math.abs(rep.stateMass(p, t, s) - mu[s]!);
  }
  return tv / 2;
}

/** n joint cells s*A + a drawn from a representation's state marginal and the policy. */
function sampleCells(rep: FinitePopulationFlow, policy: TabularPolicy, game: FiniteGame, p: number, t: number, n: number, rng: Rng): Int32Array {
  const { numStates: S, numActions: A } = game.populations[p]!;
  const states = rep.sampleStates(p, t, n, rng);
  const pi = policy[p]!;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const s = states[i]!;
    out[i] = s * A + rng.categorical(pi, (t * S + s) * A, A);
  }
  return out;
}

/** A Gaussian flow N(mean_t, var_t·I) in closed form, the reference of a continuous game. */
interface GaussianReference {
  readonly name: string;
  mean(t: number): Float64Array;
  covariance(t: number): Float64Array;
}

/**
 * The continuous reference: LQ under its closed-form equilibrium control (Gaussian with the
 * explicit variance recursion); any game under the passive control a = 0 whose dynamics are a
 * pure diffusion x' = x + sigma·sqrt(dt)·xi from N(mean0, I) (CrowdAversionND: variance
 * 1 + t·sigma²·dt per axis). Other games have no closed form here (w2 null).
 */
export function continuousReference(env: string, kwargs: Record<string, unknown>, game: ContinuousGame): { policy: ContinuousPolicy; policyName: string; reference: GaussianReference | null } {
  const d = game.stateSpace.size;
  const diag = (v: number): Float64Array => {
    const c = new Float64Array(d * d);
    for (let k = 0; k < d; k++) c[k * d + k] = v;
    return c;
  };
  if (env === 'LinearQuadraticContinuous-v0') {
    const cf = lqClosedForm(kwargs);
    return {
      policy: lqEquilibriumPolicy(kwargs),
      policyName: 'lq-equilibrium (closed-form control)',
      reference: { name: 'closed-form equilibrium flow', mean: (t) => Float64Array.of(cf.mean[t]!), covariance: (t) => diag(cf.variance[t]!) },
    };
  }
  if (env === 'CrowdAversionND-v0') {
    const dt = kwargs['dt'] as number;
    const sigma = kwargs['sigma'] as number;
    return {
      policy: passivePolicy(game),
      policyName: 'passive (a = 0)',
      reference: { name: 'N(0, (1 + t·sigma²·dt) I)', mean: () => new Float64Array(d), covariance: (t) => diag(1 + t * sigma * sigma * dt) },
    };
  }
  return { policy: passivePolicy(game), policyName: 'passive (a = 0)', reference: null };
}

async function runContinuous(o: PopulationRunOptions, game: ContinuousGame, kind: PopulationKindName): Promise<PopulationRun> {
  if (kind === 'exact') {
    throw new MfgError('MFG_ERR_GAME_UNSUPPORTED', `${o.env} is continuous: there is no exact tabular flow; use --population particles or generative (the closed form, where there is one, is the reference)`, {
      details: { env: o.env, population: kind },
    });
  }
  const { policy, policyName, reference } = continuousReference(o.env, o.kwargs, game);
  const notes: string[] = reference ? [`w2: to ${reference.name}`] : ['w2 is null: this game has no closed-form flow under the reference control'];
  const seeds = new Rng(o.seed);
  const fitSeed = seeds.nextSeed();
  const heldSeed = seeds.nextSeed();
  const testSeed = seeds.nextSeed();
  const H = game.horizon;
  const d = game.stateSpace.size;

  o.onProgress?.('simulate', 0, 1);
  let t0 = performance.now();
  const samples = simulateContinuous(game, policy, o.samples, new Rng(fitSeed));
  const simulateSeconds = (performance.now() - t0) / 1000;
  o.onProgress?.('simulate', 1, 1);

  if (kind === 'generative') {
    const g = await import('../../populations/generative/index');
    const warm = o.warmStart ? await loadWarmStart(g, o.warmStart, o.env, o.kwargs) : null;
    const fit = await g.fitGenerativePopulation(game, samples, {
      ...g.optionsFromSettings(o.settings ?? {}),
      seed: fitSeed,
      ...(reference ? { closedForm: reference } : {}),
      ...(warm ? { warmStart: warm.models } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
      onProgress: (e) => o.onProgress?.(`${e.stage} r${e.round}`, e.step, e.totalSteps),
    });
    let saved: string | null = null;
    if (o.save) {
      await g.saveGenerator(o.save, fit.models, { envId: o.env, kwargs: o.kwargs, fitStats: { consensus: fit.report.consensus, c2stAccuracy: fit.report.c2stAccuracy, steps: fit.steps, samples: o.samples } });
      saved = path.resolve(o.save);
    }
    const epochs: EpochRow[] = fit.report.epochs.map((e) => ({ ...epochTests(e), population: 0, t: e.t, c2stAccuracy: e.c2stAccuracy, pValue: e.pValue, nll: e.nll, w2: e.w2 ?? null }));
    const pop = fit.population;
    return {
      report: continuousReport(o, kind, policyName, fit.memoryBytes, simulateSeconds + fit.fitSeconds, simulateSeconds, fit.report.consensus, fit.backend, fit.report.combinedPValue, epochs, notes, {
        steps: fit.steps,
        trainSeconds: fit.trainSeconds,
        warmStart: warm ? { dir: warm.dir, envId: warm.metadata.envId, kwargs: { ...warm.metadata.kwargs } } : null,
        saved,
        rounds: roundsOf(fit.report.rounds),
        honesty: honestyOf(fit.report),
      }),
      finite: null,
      continuous: { logDensity: (t, x) => pop.logDensity(t, x), memoryBytes: () => pop.memoryBytes() },
    };
  }

  t0 = performance.now();
  const flow = new ContinuousParticleFlow(samples);
  const fitSeconds = simulateSeconds + (performance.now() - t0) / 1000;
  // The particles themselves; the KDE built for the NLL below adds its centres when they are a subsample.
  const builtBytes = flow.memoryBytes();
  const nHeld = Math.min(MAX_HELD_OUT, Math.max(4, Math.round(0.3 * o.samples)));
  const held = simulateContinuous(game, policy, nHeld, new Rng(heldSeed));
  const epochs: EpochRow[] = [];
  for (let t = 0; t < H; t++) {
    const pts = held.points[t]!;
    const m = Math.min(MAX_KDE_QUERIES, nHeld);
    let nll = 0;
    const x = new Float64Array(d);
    for (let i = 0; i < m; i++) {
      x.set(pts.subarray(i * d, (i + 1) * d));
      nll -= flow.logDensity(t, x);
    }
    const row: EpochRow = { population: 0, t, c2stAccuracy: null, pValue: null, nll: nll / m };
    if (reference) row.w2 = gaussianW2Of(samples.points[t]!, d, reference, t);
    epochs.push(row);
  }
  let consensus: boolean | null = null;
  let backend: string | null = null;
  let combinedPValue: number | null = null;
  if (o.c2st !== false) {
    const g = await import('../../populations/generative/index');
    const h = await g.loadTf();
    backend = h.backend;
    const rng = new Rng(testSeed);
    const fromRep = Array.from({ length: H }, (_x, t) => flow.sample(t, nHeld, rng));
    const { shift, scale } = standardise(held.points, d);
    const c2st = await g.classifierTwoSampleTest(h, { kind: 'continuous', horizon: H, dim: d, shift, scale, hidden: 32 }, held.points, fromRep, {
      seed: testSeed,
      ...(o.signal ? { signal: o.signal } : {}),
      onStep: (step, total) => o.onProgress?.('c2st', step, total),
    });
    for (const e of c2st.epochs) {
      epochs[e.t]!.c2stAccuracy = e.accuracy;
      epochs[e.t]!.pValue = e.pValue;
    }
    combinedPValue = c2st.combinedPValue;
    consensus = combinedPValue >= CONSENSUS_ALPHA;
  } else notes.push('c2stAccuracy/pValue are null: the discriminator test was skipped (--no-c2st)');
  notes.push(`nll: Scott-bandwidth KDE of the particles on ${Math.min(MAX_KDE_QUERIES, nHeld)} held-out points per epoch`);
  return {
    report: continuousReport(o, kind, policyName, builtBytes, fitSeconds, simulateSeconds, consensus, backend, combinedPValue, epochs, notes, { steps: null, trainSeconds: null, warmStart: null, saved: null, rounds: null }),
    finite: null,
    continuous: { logDensity: (t, x) => flow.logDensity(t, x), memoryBytes: () => flow.memoryBytes() },
  };
}

function continuousReport(
  o: PopulationRunOptions,
  kind: PopulationKindName,
  policyName: string,
  memoryBytes: number,
  fitSeconds: number,
  simulateSeconds: number,
  consensus: boolean | null,
  backend: string | null,
  combinedPValue: number | null,
  epochs: EpochRow[],
  notes: string[],
  gen: { steps: number | null; trainSeconds: number | null; warmStart: PopulationReport['warmStart']; saved: string | null; rounds: Record<string, unknown>[][] | null; honesty?: HonestyFields },
): PopulationReport {
  const { honesty, ...genFields } = gen;
  const w2s = epochs.map((e) => e.w2 ?? null);
  return {
    env: o.env,
    kwargs: o.kwargs,
    population: kind,
    policy: policyName,
    samples: o.samples,
    seed: o.seed,
    memoryBytes,
    exactMemoryBytes: null,
    reference: null,
    referenceReason: null,
    fitSeconds,
    simulateSeconds,
    consensus,
    backend,
    c2stAccuracy: pooledAccuracy(epochs),
    combinedPValue,
    meanNll: meanOf(epochs.map((e) => e.nll)),
    meanTv: null,
    maxTv: null,
    meanW2: meanOf(w2s),
    ...genFields,
    ...(honesty ?? NO_HONESTY),
    epochs,
    notes,
  };
}

/** W2 between the moment-matched Gaussian of n×d points and the reference at epoch t. */
function gaussianW2Of(points: Float64Array, d: number, ref: GaussianReference, t: number): number {
  const { mean, cov } = meanCovariance(points, d);
  return gaussianW2(mean, cov, ref.mean(t), ref.covariance(t), d);
}

function standardise(points: readonly Float64Array[], d: number): { shift: number[]; scale: number[] } {
  const shift = new Array<number>(d).fill(0);
  const sq = new Array<number>(d).fill(0);
  let n = 0;
  for (const p of points) for (let i = 0; i < p.length; i += d, n++) for (let k = 0; k < d; k++) shift[k]! += p[i + k]!;
  for (let k = 0; k < d; k++) shift[k]! /= n;
  for (const p of points) for (let i = 0; i < p.length; i += d) for (let k = 0; k < d; k++) sq[k]! += (p[i + k]! - shift[k]!) ** 2;
  return { shift, scale: sq.map((s) => Math.max(Math.sqrt(s / Math.max(n - 1, 1)), 1e-6)) };
}

/** A saved generator directory (model.json) or the closest entry of a knowledge-base root. */
async function loadWarmStart(g: typeof Generative, dir: string, envId: string, kwargs: Record<string, unknown>): Promise<Generative.SavedGenerator> {
  if (fs.existsSync(path.join(dir, 'model.json'))) return g.loadGenerator(dir);
  if (!fs.existsSync(dir)) {
    throw new MfgError('MFG_ERR_GENERATIVE_BAD_MODEL_FILE', `--warm-start ${dir} does not exist (expected a saved generator or a knowledge-base directory)`, { details: { dir } });
  }
  const entry = await new g.KnowledgeBase(dir).closest({ envId, kwargs });
  if (!entry) {
    throw new MfgError('MFG_ERR_GENERATIVE_BAD_MODEL_FILE', `--warm-start ${dir} holds no generator saved for ${envId}`, { details: { dir, envId } });
  }
  return entry;
}

/** The consensus rounds without their per-window learning curves (kept short for the JSON line). */
type HonestyFields = Pick<PopulationReport, 'mmdPValue' | 'energyPValue' | 'verdictPValue' | 'baseline' | 'tvRatio' | 'w2Ratio' | 'transfer' | 'correction'>;

/** Exact and particle reports run no kernel tests and have no training samples of their own to compare with. */
const NO_HONESTY: HonestyFields = { mmdPValue: null, energyPValue: null, verdictPValue: null, baseline: null, tvRatio: null, w2Ratio: null, transfer: null, correction: null };

/** The honesty report's kernel tests, verdict, baseline and transfer, as plain JSON. */
function honestyOf(r: Generative.HonestyReport): HonestyFields {
  return {
    mmdPValue: r.mmdPValue ?? null,
    energyPValue: r.energyPValue ?? null,
    verdictPValue: r.verdictPValue,
    baseline: r.baseline.map((b) => ({ ...b })),
    tvRatio: r.tvRatio ?? null,
    w2Ratio: r.w2Ratio ?? null,
    transfer: r.transfer ? r.transfer.map((x) => ({ ...x })) : null,
    correction: correctionOf(r),
  };
}

function correctionOf(r: Generative.HonestyReport): PopulationReport['correction'] {
  const choices = r.kernelCorrection ?? r.correction;
  if (!choices) return null;
  return { kind: r.kernelCorrection ? 'kernel' : 'logit', corrected: r.corrected === true, choices: choices.map((c) => ({ ...c })), correctedMeanTv: r.correctedMeanTv ?? null };
}

/** An epoch's kernel-test figures (when the fit ran them). */
function epochTests(e: Generative.EpochHonesty): Pick<EpochRow, 'mmdStatistic' | 'mmdPValue' | 'energyStatistic' | 'energyPValue'> {
  return {
    ...(e.mmdStatistic !== undefined ? { mmdStatistic: e.mmdStatistic } : {}),
    ...(e.mmdPValue !== undefined ? { mmdPValue: e.mmdPValue } : {}),
    ...(e.energyStatistic !== undefined ? { energyStatistic: e.energyStatistic } : {}),
    ...(e.energyPValue !== undefined ? { energyPValue: e.energyPValue } : {}),
  };
}

function roundsOf(rounds: readonly (readonly object[])[]): Record<string, unknown>[][] {
  return rounds.map((rs) =>
    rs.map((r) => {
      const { curve: _curve, ...rest } = r as Record<string, unknown>;
      return rest;
    }),
  );
}

function checkKind(kind: string): PopulationKindName {
  if (!(KINDS as readonly string[]).includes(kind)) {
    throw new MfgError('MFG_ERR_POPULATION_UNKNOWN_KIND', `--population ${JSON.stringify(kind)} is not a population kind; expected one of ${KINDS.join(', ')}`, { details: { kind, known: KINDS } });
  }
  return kind as PopulationKindName;
}

function parseCount(flag: string, text: string): number {
  const v = Number(text);
  if (!(Number.isInteger(v) && v >= 4)) {
    throw new MfgError('MFG_ERR_POPULATION_BAD_PARAM', `${flag} ${JSON.stringify(text)} is invalid, expected an integer >= 4 (number of simulated agents)`, { details: { flag, value: text } });
  }
  return v;
}

function meanOf(xs: readonly (number | null | undefined)[]): number | null {
  const v = xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  return v.length === xs.length && v.length > 0 ? v.reduce((a, b) => a + b, 0) / v.length : null;
}

function pooledAccuracy(epochs: readonly EpochRow[]): number | null {
  const v = epochs.map((e) => e.c2stAccuracy);
  return v.every((x) => x !== null) && v.length ? (v as number[]).reduce((a, b) => a + b, 0) / v.length : null;
}

function zeroShareOf(epochs: readonly EpochRow[]): number {
  return Math.max(0, ...epochs.map((e) => e.zeroMassShare ?? 0));
}

function correctionLine(c: NonNullable<PopulationReport['correction']>, f: (x: number | null, digits?: number) => string): string {
  const each = c.choices.map((x) => (c.kind === 'kernel' ? `sigma ${String(x['sigma'])}, beta ${String(x['scale'])}` : `beta ${String(x['scale'])}`) + `, held-out NLL ${f(x['heldOutNllChange'] as number, 3)} nats/agent`);
  return `correction: ${c.kind} (${each.join('; ')}) · ${c.corrected ? 'on' : 'off'}` + (c.correctedMeanTv !== null ? ` · corrected mean TV ${f(c.correctedMeanTv)}` : '');
}

function summary(r: PopulationReport): string {
  const f = (x: number | null, digits = 4): string => (x === null ? 'n/a' : x.toPrecision(digits));
  const lines = [
    `${r.env} ${JSON.stringify(r.kwargs)} · ${r.population} population of the ${r.policy} policy's flow · ${r.samples} agents · seed ${r.seed}`,
    `memory ${r.memoryBytes} bytes${r.exactMemoryBytes ? ` (${((100 * r.memoryBytes) / r.exactMemoryBytes).toPrecision(3)}% of the exact table's ${r.exactMemoryBytes})` : ''} · fit ${r.fitSeconds.toFixed(3)} s` +
      (r.backend ? ` · tfjs ${r.backend}` : ''),
    ...(r.reference ? [`reference: ${r.reference} (${r.referenceReason})`] : []),
    ...(r.verdictPValue !== null
      ? [
          `verdict p ${f(r.verdictPValue)} (C2ST ${f(r.combinedPValue)}, MMD ${f(r.mmdPValue)}, energy ${f(r.energyPValue)})` +
            (r.tvRatio !== null ? ` · TV ${f(r.tvRatio, 3)}x its training histogram's` : '') +
            (r.w2Ratio !== null ? ` · W2 ${f(r.w2Ratio, 3)}x its training KDE's` : ''),
        ]
      : []),
    `consensus ${r.consensus === null ? 'n/a' : r.consensus} · C2ST accuracy ${f(r.c2stAccuracy)} (combined p ${f(r.combinedPValue)}) · mean NLL ${f(r.meanNll)}` +
      (r.meanTv !== null ? ` · mean TV ${f(r.meanTv)} (max ${f(r.maxTv)})` : '') +
      (r.meanW2 !== null ? ` · mean W2 ${f(r.meanW2)}` : ''),
    '',
    ' pop     t  c2st acc   p-value       nll  ' + (r.meanTv !== null ? '       tv' : '       w2'),
    ...r.epochs.map(
      (e) => `${String(e.population).padStart(4)} ${String(e.t).padStart(5)} ${f(e.c2stAccuracy).padStart(9)} ${f(e.pValue, 3).padStart(9)} ${f(e.nll).padStart(9)}  ${f(e.tv ?? e.w2 ?? null).padStart(9)}`,
    ),
    ...(r.correction ? [correctionLine(r.correction, f)] : []),
    ...r.notes.map((n) => `note: ${n}`),
  ];
  if (r.saved) lines.push(`generator saved to ${r.saved}`);
  if (r.warmStart) lines.push(`warm-started from ${r.warmStart.dir} (${r.warmStart.envId} ${JSON.stringify(r.warmStart.kwargs)})`);
  return `${lines.join('\n')}\n`;
}
