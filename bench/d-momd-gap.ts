/**
 * bench/d-momd-gap: where deep Munchausen OMD loses to exact MOMD on one game (default FourRooms).
 * Runs exact MOMD (alpha = 1/tau) and D-MOMD with the exact population (exactFlow 1), and after
 * every D-MOMD iteration k -> k+1 compares the trained network with the exact target of the
 * regression it was trained on. With Munchausen alpha = 1 that target is tabular:
 *   Q*_{k+1}(t, s, a) = tau·log max(pi_k(a|s), 1e-6) + Q^{pi_k}(t, s, a; Gamma(pi_k))
 * (d-momd.ts: the log term of the next state cancels against the one inside Q_target), pi_k
 * being the network's previous policy, so the step's error splits into
 *   - ideal: exploitability of softmax(Q*_{k+1}/tau), the exact mirror step from the deep pi_k
 *     (what a perfect regression would have given; the gap to exact MOMD's own iterate is the
 *     error carried from earlier steps);
 *   - net: exploitability of the network's softmax(Q_{k+1}/tau);
 *   - fit: RMSE of Q_{k+1} - Q*_{k+1} over the state-action visits of the training policy
 *     (mu_k(s)·uniform over legal a), raw and with each (t, s) row's mean removed (only the
 *     centred part moves the softmax), and the total-variation distance between the two policies
 *     weighted by the flow of the ideal one; the centred RMSE on the ideal's visits too; also the centred RMSE at t < H/2 and t >= H/2 (bootstrapped
 *     values reach early epochs last).
 *
 *   node dist/bench/d-momd-gap.js --iters 3 --seeds 0,1,2 --params '{"tau":10,...}'
 */
import { registerBuiltinEnvs } from '../envs/index';
import type { FiniteGame } from '../src/core/finite-game';
import { evaluatePolicy, exploitability } from '../src/core/tabular/exploitability';
import { softmaxPolicy } from '../src/core/tabular/best-response';
import { meanFieldFlow } from '../src/core/tabular/forward-flow';
import { uniformPolicy } from '../src/core/tabular/policy';
import { MfgVectorEnv } from '../src/gym/vector-env';
import { MunchausenLearner } from '../src/learning/d-momd';
import { learningSolverDefinition } from '../src/learning/learning-solvers';
import { exactMunchausenTarget } from '../src/learning/munchausen-target';
import { runSampledFictitiousPlay, type BestResponseLearner } from '../src/learning/sampled-fictitious-play';
import { ExactPopulation } from '../src/populations/exact-population';
import { makeGame } from '../src/registry/registry';
import { createSolver, runSolver } from '../src/solvers/index';
import { resolveParams } from '../src/solvers/solver';
import * as os from 'node:os';

const argv = process.argv.slice(2);
const arg = (flag: string): string | null => {
  const i = argv.indexOf(flag);
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : null;
};
const ITERS = Number(arg('--iters') ?? 3);
const SEEDS = (arg('--seeds') ?? '0').split(',').map(Number);
const GAME = arg('--game') ?? 'FourRooms-v0';
const PARAMS = { tau: 10, ...(JSON.parse(arg('--params') ?? '{}') as Record<string, unknown>), exactFlow: 1, generative: 0 };

interface StepReport {
  ideal: number;
  net: number;
  rmse: number;
  centred: number;
  centredEarly: number;
  centredLate: number;
  tv: number;
  /** Centred RMSE weighted by the ideal policy's visits (where pi_{k+1} should go) instead of pi_k's. */
  centredIdeal: number;
}

/** The step report of network Q against the exact target from pi_k (tabulated, population 0). */
function stepReport(game: FiniteGame, learner: MunchausenLearner, piK: Float64Array, tau: number): StepReport {
  const pop = game.populations[0]!;
  const { numStates: S, numActions: A, legal } = pop;
  const H = game.horizon;
  const LK = meanFieldFlow(game, [piK])[0]!;
  const target = exactMunchausenTarget(game, piK, tau);
  const ideal = softmaxPolicy(target, 1 / tau, H, S, A, legal);
  const q = new Float64Array(A);
  const isLegal = (s: number, a: number): boolean => legal === null || legal[s * A + a] === 1;
  const net = learner.playedPolicy();
  const evIdeal = evaluatePolicy(game, [ideal]);
  const LI = evIdeal.flow[0]!;
  let se = 0;
  let sc = 0;
  const scHalf = [0, 0];
  const wHalf = [0, 0];
  let w = 0;
  let tv = 0;
  let scI = 0;
  let wI = 0;
  for (let t = 0; t < H; t++) {
    for (let s = 0; s < S; s++) {
      const row = (t * S + s) * A;
      let mu = 0;
      let muI = 0;
      let n = 0;
      for (let a = 0; a < A; a++) {
        mu += LK[row + a]!;
        muI += LI[row + a]!;
        if (isLegal(s, a)) n++;
      }
      learner.q.values(s, t, q);
      let mean = 0;
      for (let a = 0; a < A; a++) if (isLegal(s, a)) mean += (q[a]! - target[row + a]!) / n;
      let d = 0;
      for (let a = 0; a < A; a++) {
        if (!isLegal(s, a)) continue;
        const e = q[a]! - target[row + a]!;
        se += (mu / n) * e * e;
        sc += (mu / n) * (e - mean) ** 2;
        scI += (muI / n) * (e - mean) ** 2;
        scHalf[t < H / 2 ? 0 : 1]! += (mu / n) * (e - mean) ** 2;
        d += Math.abs(net[row + a]! - ideal[row + a]!);
      }
      wHalf[t < H / 2 ? 0 : 1]! += mu;
      w += mu;
      wI += muI;
      tv += (muI * d) / 2;
    }
  }
  return {
    ideal: evIdeal.exploitability,
    net: exploitability(game, [net]),
    rmse: Math.sqrt(se / w),
    centred: Math.sqrt(sc / w),
    centredEarly: Math.sqrt(scHalf[0]! / wHalf[0]!),
    centredLate: Math.sqrt(scHalf[1]! / wHalf[1]!),
    tv: tv / H,
    centredIdeal: Math.sqrt(scI / wI),
  };
}

async function main(): Promise<void> {
  registerBuiltinEnvs();
  const game = makeGame(GAME, {}) as FiniteGame;
  const load0 = os.loadavg();
  process.stdout.write(`# node dist/bench/d-momd-gap.js ${argv.join(' ')} · ${new Date().toISOString()} · load average ${load0.map((x) => x.toFixed(2)).join(' ')} (${os.cpus().length} cpus)\n`);
  const def = learningSolverDefinition('d-momd');
  const params = resolveParams(def, PARAMS);
  const tau = params['tau']!;
  const exact = await runSolver(game, createSolver('momd', { alpha: 1 / tau }), { iterations: ITERS });
  process.stdout.write(`${GAME} exact momd alpha ${1 / tau}: ${exact.exploitability.map((x) => x.toPrecision(4)).join(' ')}\n`);
  process.stdout.write(`d-momd params ${JSON.stringify(PARAMS)}\n`);
  const finals: number[] = [];
  for (const seed of SEEDS) {
    const env = new MfgVectorEnv(game, { numAgents: params['agents']!, meanField: 'fixed', population: ExactPopulation.fromPolicy(game, uniformPolicy(game)), entropySeed: seed });
    const inner = await MunchausenLearner.create(env, params, seed);
    let piK = uniformPolicy(game)[0]!;
    let k = 0;
    const cpu0 = process.cpuUsage();
    const reports: StepReport[] = [];
    // Same calls in the same order as runLearningSolver's: only outputPolicy is wrapped, to look at the network first.
    const learner: BestResponseLearner = {
      flowUpdate: inner.flowUpdate,
      learn: (e, rng, s, curves) => inner.learn(e, rng, s, curves),
      greedy: (rng) => inner.greedy(rng),
      playedPolicy: () => inner.playedPolicy(),
      saveState: () => inner.saveState(),
      loadState: (st) => inner.loadState(st),
      outputPolicy: async (avg, rng, curves) => {
        const r = stepReport(game, inner, piK, tau);
        reports.push(r);
        k++;
        process.stdout.write(
          `seed ${seed} step ${k - 1}->${k}: exact momd ${exact.exploitability[k]!.toPrecision(4)}  ideal ${r.ideal.toPrecision(4)}  net ${r.net.toPrecision(4)}  ` +
            `fit rmse ${r.rmse.toFixed(3)} centred ${r.centred.toFixed(3)} (t<H/2 ${r.centredEarly.toFixed(3)}, t>=H/2 ${r.centredLate.toFixed(3)}; on the ideal's visits ${r.centredIdeal.toFixed(3)})  tv ${r.tv.toFixed(4)}\n`,
        );
        const out = await inner.outputPolicy();
        piK = out;
        return out;
      },
    };
    const fp = await runSampledFictitiousPlay(env, learner, { iterations: ITERS, popBatches: params['popBatches']!, exactFlow: true, seed });
    env.close();
    const cpu = process.cpuUsage(cpu0);
    finals.push(fp.exploitability[ITERS]!);
    process.stdout.write(`seed ${seed} d-momd: ${fp.exploitability.map((x) => x.toPrecision(4)).join(' ')}  (cpu ${((cpu.user + cpu.system) / 1e6 / ITERS).toFixed(1)} s/it)\n`);
  }
  const mean = finals.reduce((a, b) => a + b, 0) / finals.length;
  process.stdout.write(
    `iteration ${ITERS}: d-momd mean over seeds ${SEEDS.join(',')} = ${mean.toPrecision(4)} (each ${finals.map((x) => x.toPrecision(4)).join(', ')}), exact momd ${exact.exploitability[ITERS]!.toPrecision(4)}, ratio ${(mean / exact.exploitability[ITERS]!).toFixed(3)}\n`,
  );
  process.stdout.write(`load average before ${load0.map((x) => x.toFixed(2)).join(' ')}, after ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
}

void main();
