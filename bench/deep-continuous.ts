/**
 * The continuous rows of bench/deep: ac-fp (continuous fictitious play, PPO best responses) on
 * LinearQuadraticContinuous (W2 of the averaged flow to the closed-form equilibrium flow per
 * iteration, and at the end the exploitability with the EXACT best response, by discrete Riccati
 * on the flow's means) and on CrowdAversionND d = 10 (the estimated exploitability per iteration).
 */
import type { ContinuousGame } from '../src/core/continuous-game';
import { ContinuousVectorEnv } from '../src/gym/continuous/continuous-vector-env';
import { ContinuousInput, actorReturns, estimate } from '../src/learning/continuous-rollout';
import { lqBestResponse } from '../src/learning/lq-best-response';
import { runContinuousLearningSolver } from '../src/learning/run-continuous-learning';
import { ContinuousParticleFlow } from '../src/populations/continuous-particles';
import { gaussianW2 } from '../src/populations/gaussian-population';

export interface ContinuousRow {
  game: string;
  kwargs: Record<string, unknown>;
  exploitability: number[];
  standardError: number[];
  w2Max: number[] | null;
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
  if (r.w2ToEquilibrium && game.exactFlow) {
    log(`${id.padEnd(28)} ac-fp  W2 to the closed-form equilibrium flow (max over epochs) per iteration: ${r.w2ToEquilibrium.map((w) => w.toFixed(4)).join(' ')}`);
    const ref = game.exactFlow();
    const pool = r.run.pool;
    let s = 0;
    for (let t = 0; t < game.horizon; t++) {
      const pts = pool.points[t]!;
      let m = 0;
      for (const v of pts) m += v / pts.length;
      let v2 = 0;
      for (const v of pts) v2 += (v - m) ** 2 / (pts.length - 1);
      s += gaussianW2([m], [v2], ref.mean[t]!, ref.variance[t]!) / game.horizon;
    }
    w2MeanLast = s;
    // The exact best response to the final averaged flow (LQ reads only its means), against the
    // output policy's value under that flow by simulation.
    const means = pool.means().map((m) => m[0]!);
    const br = lqBestResponse(means, kwargs).bestResponse;
    const env = new ContinuousVectorEnv(game, { numAgents: 1024, meanField: 'fixed', population: new ContinuousParticleFlow({ horizon: game.horizon, dim: 1, points: pool.points.map((p) => p.slice()) }), dtype: 'float64', entropySeed: 1 });
    const value = estimate(actorReturns(env, new ContinuousInput(env), r.run.policy.actor(), 4, 99));
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
