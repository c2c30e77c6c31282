/**
 * The continuous rows of bench/deep: ac-fp (continuous fictitious play, PPO best responses) on
 * LinearQuadraticContinuous (W2 of the averaged flow to the closed-form equilibrium flow per
 * iteration, and at the end the exploitability with the EXACT best response, by discrete Riccati
 * on the flow's means) and on CrowdAversionND d = 10 (the estimated exploitability per iteration).
 *
 * The W2 of a pool of M trajectories is a Monte Carlo estimate: even M paths of the closed-form
 * flow itself sit at a W2 of order sqrt(log log M / M) from it, and the max over H epochs is
 * larger still. So the LQ row also prints that floor: the same estimators (max and mean over
 * epochs) on M paths simulated under the closed-form control, over FLOOR_SEEDS seeds (mean ± sd).
 * A pool's W2 reads against it; the difference is the solver's.
 */
import type { ContinuousGame } from '../src/core/continuous-game';
import { ContinuousVectorEnv } from '../src/gym/continuous/continuous-vector-env';
import { ContinuousInput, actorReturns, estimate } from '../src/learning/continuous-rollout';
import { lqBestResponse, lqDiscreteEquilibriumVariance } from '../src/learning/lq-best-response';
import { runContinuousLearningSolver } from '../src/learning/run-continuous-learning';
import { Rng } from '../src/core/rng';
import { ContinuousParticleFlow } from '../src/populations/continuous-particles';
import { gaussianW2, w2ToGaussian } from '../src/populations/gaussian-population';
import { simulateContinuous } from '../src/populations/simulate-continuous';

const FLOOR_SEEDS = 5;

interface W2Floor {
  samples: number;
  max: { mean: number; sd: number };
  mean: { mean: number; sd: number };
}

/** W2 (max and mean over epochs) of M paths of the closed-form flow itself, simulated under its control, to that flow. */
function w2Floor(game: ContinuousGame, samples: number): W2Floor {
  const ref = game.exactFlow!();
  const maxes: number[] = [];
  const means: number[] = [];
  for (let s = 0; s < FLOOR_SEEDS; s++) {
    const sim = simulateContinuous(game, game.referencePolicy!, samples, new Rng(1000 + s));
    const w = sim.points.map((p, t) => w2ToGaussian(p, sim.dim, ref.mean[t]!, ref.variance[t]!));
    maxes.push(Math.max(...w));
    means.push(w.reduce((a, b) => a + b, 0) / w.length);
  }
  const stats = (x: number[]): { mean: number; sd: number } => {
    const m = x.reduce((a, b) => a + b, 0) / x.length;
    return { mean: m, sd: Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / (x.length - 1)) };
  };
  return { samples, max: stats(maxes), mean: stats(means) };
}

export interface ContinuousRow {
  game: string;
  kwargs: Record<string, unknown>;
  exploitability: number[];
  standardError: number[];
  w2Max: number[] | null;
  /** LQ only: the same W2 averaged over epochs, per iteration; and the estimator's floor at the pool's size. */
  w2Mean: number[] | null;
  w2Floor: W2Floor | null;
  /** LQ only: W2 per epoch at the end, mean over epochs; and the exploitability with the exact best response. */
  w2MeanLast: number | null;
  exactBrExploitability: { mean: number; standardError: number } | null;
  secondsPerIteration: number;
  cpuSecondsPerIteration: number;
  backend: string;
  params: Record<string, number | null>;
}

export async function continuousRow(id: string, game: ContinuousGame, kwargs: Record<string, unknown>, iterations: number, seed: number, params: Record<string, unknown>, log: (line: string) => void): Promise<ContinuousRow> {
  const cpu0 = process.cpuUsage();
  const r = await runContinuousLearningSolver(game, 'ac-fp', {
    iterations,
    seed,
    params,
    onIteration: (i, e, se) => log(`${id.padEnd(28)} ac-fp  iteration ${i}: exploitability (estimated by simulation, ± 1 standard error) ${e.toPrecision(4)} ± ${se.toPrecision(2)}`),
  });
  const cpu = process.cpuUsage(cpu0);
  const n = Math.max(1, r.iterations);
  let w2MeanLast: number | null = null;
  let exactBr: ContinuousRow['exactBrExploitability'] = null;
  let floor: W2Floor | null = null;
  if (r.w2ToEquilibrium && game.exactFlow && game.referencePolicy) {
    log(`${id.padEnd(28)} ac-fp  W2 to the closed-form equilibrium flow (max over epochs) per iteration: ${r.w2ToEquilibrium.map((w) => w.toFixed(4)).join(' ')}`);
    log(`${id.padEnd(28)} ac-fp  W2 to the closed-form equilibrium flow (mean over epochs) per iteration: ${r.w2MeanToEquilibrium!.map((w) => w.toFixed(4)).join(' ')}`);
    floor = w2Floor(game, r.run.pool.size);
    log(
      `${id.padEnd(28)} ac-fp  floor of that estimator: ${floor.samples} paths of the closed-form flow itself, ${FLOOR_SEEDS} seeds: ` +
        `W2 max over epochs ${floor.max.mean.toFixed(4)} ± ${floor.max.sd.toFixed(4)}, mean over epochs ${floor.mean.mean.toFixed(4)} ± ${floor.mean.sd.toFixed(4)} (mean ± sd)`,
    );
    const ref = game.exactFlow();
    // The game as stepped has its own equilibrium (discrete Riccati gains), a little off the
    // closed form's continuous-time one: a W2 that even an exact solver of the stepped game keeps.
    const discrete = lqDiscreteEquilibriumVariance(kwargs);
    let gap = 0;
    let gapAt = 0;
    for (let t = 0; t < game.horizon; t++) {
      const w = gaussianW2(ref.mean[t]!, [discrete[t]!], ref.mean[t]!, ref.variance[t]!);
      if (w > gap) [gap, gapAt] = [w, t];
    }
    log(`${id.padEnd(28)} ac-fp  the stepped game's own equilibrium flow (discrete Riccati) is at W2 ${gap.toFixed(4)} from the closed form (max over epochs, at epoch ${gapAt}): what an exact solver of the stepped game would keep`);
    const pool = r.run.pool;
    // The pool's mean and sd per epoch (LQ is one-dimensional).
    const means: number[] = [];
    const sds: number[] = [];
    let s = 0;
    for (let t = 0; t < game.horizon; t++) {
      const pts = pool.points[t]!;
      let m = 0;
      for (const v of pts) m += v / pts.length;
      let v2 = 0;
      for (const v of pts) v2 += (v - m) ** 2 / (pts.length - 1);
      means.push(m);
      sds.push(Math.sqrt(v2));
      s += gaussianW2([m], [v2], ref.mean[t]!, ref.variance[t]!) / game.horizon;
    }
    w2MeanLast = s;
    // Where the W2 comes from: the mean and sd of the averaged flow at a few epochs, next to the closed form's.
    const shown = [0, Math.floor(game.horizon / 2), game.horizon - 10, game.horizon - 5, game.horizon - 1].filter((t, i, a) => t >= 0 && a.indexOf(t) === i);
    // Moments or shape: at the worst epoch, the W2 to a Gaussian with the pool's own mean and sd is
    // what no mean or variance can fix (heavy tails: a feedback learned flat where few states are).
    let worst = 0;
    let worstW2 = -1;
    for (let t = 0; t < game.horizon; t++) {
      const w = w2ToGaussian(pool.points[t]!, 1, ref.mean[t]!, ref.variance[t]!);
      if (w > worstW2) [worst, worstW2] = [t, w];
    }
    const own = w2ToGaussian(pool.points[worst]!, 1, [means[worst]!], [sds[worst]! ** 2]);
    log(`${id.padEnd(28)} ac-fp  worst epoch ${worst}: W2 ${worstW2.toFixed(4)}; to the Gaussian of its own mean and sd ${own.toFixed(4)} (the shape's part)`);
    log(`${id.padEnd(28)} ac-fp  final averaged flow, epoch: mean / sd (closed form): ${shown.map((t) => `${t}: ${means[t]!.toFixed(3)} / ${sds[t]!.toFixed(3)} (${ref.mean[t]![0]!.toFixed(3)} / ${Math.sqrt(ref.variance[t]![0]!).toFixed(3)}; stepped game's equilibrium sd ${Math.sqrt(discrete[t]!).toFixed(3)})`).join(', ')}`);
    // The exact best response to the final averaged flow (LQ reads only its means), against the
    // output policy's value under that flow by simulation.
    const br = lqBestResponse(means, kwargs).bestResponse;
    const env = new ContinuousVectorEnv(game, { numAgents: 1024, meanField: 'fixed', population: new ContinuousParticleFlow({ horizon: game.horizon, dim: 1, points: pool.points.map((p) => p.slice()) }), dtype: 'float64', entropySeed: 1 });
    const value = estimate(actorReturns(env, new ContinuousInput(env, r.run.layout.timeEncoding), r.run.policy.actor(), 4, 99));
    env.close();
    exactBr = { mean: br - value.mean, standardError: value.standardError };
    log(`${id.padEnd(28)} ac-fp  final: Gaussian-moment W2 averaged over epochs ${s.toFixed(4)}; exploitability with the exact (Riccati) best response ${exactBr.mean.toFixed(4)} ± ${exactBr.standardError.toFixed(4)}`);
  }
  const row: ContinuousRow = {
    game: id,
    kwargs,
    exploitability: r.exploitability,
    standardError: r.exploitabilityStandardError,
    w2Max: r.w2ToEquilibrium,
    w2Mean: r.w2MeanToEquilibrium,
    w2Floor: floor,
    w2MeanLast,
    exactBrExploitability: exactBr,
    secondsPerIteration: r.seconds[r.seconds.length - 1]! / n,
    cpuSecondsPerIteration: (cpu.user + cpu.system) / 1e6 / n,
    backend: r.backend,
    params: r.params,
  };
  log(`${id.padEnd(28)} ac-fp  ${row.secondsPerIteration.toFixed(2)} s/it (cpu ${row.cpuSecondsPerIteration.toFixed(2)})  exploitability per iteration (estimated, mean±standard error) ${r.exploitability.map((x, i) => `${x.toPrecision(3)}±${r.exploitabilityStandardError[i]!.toPrecision(2)}`).join(' ')}`);
  return row;
}
