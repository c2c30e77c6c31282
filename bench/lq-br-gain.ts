/**
 * bench/lq-br-gain: one PPO best response of LinearQuadraticContinuous against its closed-form
 * equilibrium flow (the env's exact Gaussian population, fixed mode), read as a linear feedback:
 * after every `--rounds` block of brIterations PPO iterations it prints the learned gain
 * -(mu(0.5, t) - mu(-0.5, t)) and intercept mu(0, t) at chosen epochs next to the discrete
 * Riccati gain, the effective gain -mu(x)/x at x = ±3 (the tails), and the W2 (max and mean
 * over epochs) of the best response's own flow (8192 paths) to the closed form. It screens the learner's knobs (epoch encoding, budget) for ac-fp
 * faster than a whole fictitious-play run: ac-fp's W2 cannot beat its best responses'.
 *
 *   node dist/bench/lq-br-gain.js --ppo '{"timeEncoding":2}' --rounds 3 --seed 1
 */
import { registerBuiltinEnvs } from '../envs/index';
import { makeEnv } from '../src/gym/make-env';
import { actorReturns } from '../src/learning/continuous-rollout';
import { lqBestResponse } from '../src/learning/lq-best-response';
import { PPO_PARAMS, PpoBestResponse } from '../src/learning/ppo';
import { w2ToGaussian } from '../src/populations/gaussian-population';
import { resolveParams } from '../src/solvers/solver';

const EPOCHS = [0, 10, 30, 50, 70, 90, 95, 97, 98, 99];
const PATHS = 8192;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  registerBuiltinEnvs();
  const given = JSON.parse(arg('--ppo') ?? '{}') as Record<string, number>;
  const rounds = Number(arg('--rounds') ?? 3);
  const seed = Number(arg('--seed') ?? 1);
  const params = resolveParams({ name: 'ppo', params: PPO_PARAMS }, { agents: 256, minibatch: 6400, brIterations: 20, lrAnneal: 1, ...given });
  const N = params['agents']!;
  const env = await makeEnv('LinearQuadraticContinuous-v0', { numAgents: N, population: 'exact', meanField: 'fixed', dtype: 'float64', entropySeed: 1 });
  const H = env.horizon;
  const ppo = await PpoBestResponse.create(env, params, seed);
  const riccati = lqBestResponse(new Float64Array(H)).gain;
  const ref = env.game.exactFlow!();
  const L = ppo.layout;
  console.log(`# lq-br-gain ${JSON.stringify(given)} seed ${seed} · ${new Date().toISOString()} · timeEncoding ${L.timeEncoding}, inputDim ${L.inputDim}`);
  const cpu0 = process.cpuUsage();
  for (let r = 0; r < rounds; r++) {
    await ppo.learn(env, seed * 100 + r, { episodeReturn: [], loss: [] });
    const line: string[] = [];
    const critic: string[] = [];
    const tails: string[] = [];
    for (const t of EPOCHS) {
      // Observation rows as the env sends them (x, t): x = 0.5, -0.5, 0.
      const obs = Float64Array.of(0.5, t, -0.5, t, 0, t);
      const inputs = L.fill(obs, 3, t, new Float64Array(3 * L.inputDim), new Float64Array(3));
      const a = new Float64Array(3);
      ppo.policy.meanAction(inputs, 3, a);
      line.push(`${t}:${(a[1]! - a[0]!).toFixed(3)}/${riccati[t]!.toFixed(3)} ${a[2]!.toFixed(3)}`);
      // The critic's curvature P_t (V_t(y) = -(P_t y² + ...)) next to the exact one, read off the
      // Riccati gain of the epoch before: g_{t-1} = (q + 2 P_t)/(1 + 2 P_t dt) (K = 0).
      const v = ppo.critic.values(inputs, 3, new Float64Array(3));
      const learnedP = -(v[0]! + v[1]! - 2 * v[2]!) / (2 * 0.25);
      const g = t > 0 ? riccati[t - 1]! : NaN;
      const exactP = (g - 0.01) / (2 * (1 - 0.1 * g));
      critic.push(`${t}:${learnedP.toFixed(3)}/${t > 0 ? exactP.toFixed(3) : '-'}`);
      // The effective gain -mu(x)/x in the tails (x = ±3, about 3.5 sd of the flow), where a
      // policy learned from visited states has few samples; the closed-form control is linear.
      const far = L.fill(Float64Array.of(3, t, -3, t), 2, t, new Float64Array(2 * L.inputDim), new Float64Array(2));
      const af = ppo.policy.meanAction(far, 2, new Float64Array(2));
      tails.push(`${t}:${(-af[0]! / 3).toFixed(3)}/${(af[1]! / 3).toFixed(3)}`);
    }
    const points = Array.from({ length: H }, () => new Float64Array(Math.ceil(PATHS / N) * N));
    let b = 0;
    actorReturns(env, L, ppo.actor(), Math.ceil(PATHS / N), 77, (s) => {
      points[s.t]!.set(s.obs, b * N);
      if (s.t === H - 1) b++;
    });
    let max = 0;
    let at = 0;
    let mean = 0;
    for (let t = 0; t < H; t++) {
      const w = w2ToGaussian(points[t]!, 1, ref.mean[t]!, ref.variance[t]!);
      if (w > max) [max, at] = [w, t];
      mean += w / H;
    }
    const cpu = process.cpuUsage(cpu0);
    console.log(`round ${r + 1} (${(r + 1) * params['brIterations']!} PPO iterations): W2 of its own flow max ${max.toFixed(4)} at t = ${at}, mean ${mean.toFixed(4)}; cpu ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s`);
    console.log(`  t:gain learned/Riccati, intercept  ${line.join('  ')}`);
    console.log(`  t:effective gain -mu(x)/x at x = +3 / -3 (Riccati as above)  ${tails.join('  ')}`);
    console.log(`  t:critic curvature P learned/exact  ${critic.join('  ')}  · policy std ${Math.exp(ppo.policy.logStd()[0]!).toFixed(3)}`);
  }
  env.close();
}

void main();
