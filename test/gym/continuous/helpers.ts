import { expect } from 'chai';
import { MfgError } from '../../../src/core/errors';
import { LQ_CONTINUOUS_DEFAULTS, lqClosedForm, type LqContinuousKwargs } from '../../../envs/linear-quadratic-continuous';
import type { ContinuousVectorEnv } from '../../../src/gym/continuous/continuous-vector-env';

export function expectError(f: () => unknown, code: string): MfgError {
  try {
    f();
  } catch (e) {
    expect(e).to.be.instanceOf(MfgError);
    expect((e as MfgError).code).to.equal(code);
    return e as MfgError;
  }
  throw new Error(`expected ${code}`);
}

/** The closed-form control a = (q + eta_t)(m_0 - x), read from observation rows (x, t). */
export function lqControl(kwargs: Partial<LqContinuousKwargs>): (obs: ArrayLike<number>, N: number) => Float64Array {
  const p = { ...LQ_CONTINUOUS_DEFAULTS, ...kwargs };
  const { eta } = lqClosedForm(kwargs);
  return (obs, N) => {
    const a = new Float64Array(N);
    for (let i = 0; i < N; i++) {
      const t = obs[2 * i + 1]!;
      a[i] = t < eta.length ? (p.q + eta[t]!) * (p.mean0 - obs[2 * i]!) : 0;
    }
    return a;
  };
}

/** Sample mean and unbiased variance of column 0 of rows of width w. */
export function columnMoments(obs: ArrayLike<number>, N: number, w: number): { mean: number; variance: number } {
  let m = 0;
  for (let i = 0; i < N; i++) m += obs[i * w]!;
  m /= N;
  let v = 0;
  for (let i = 0; i < N; i++) v += (obs[i * w]! - m) ** 2;
  return { mean: m, variance: v / (N - 1) };
}

/** Runs one episode of the LQ env under the closed-form control; returns the obs of every epoch. */
export function lqEpisode(env: ContinuousVectorEnv, kwargs: Partial<LqContinuousKwargs>, seed: number): (Float32Array | Float64Array)[] {
  const control = lqControl(kwargs);
  const N = env.numAgents;
  let obs = env.reset(seed).obs;
  const seen = [obs];
  for (let t = 0; t + 1 < env.horizon; t++) {
    obs = env.step(control(obs, N)).obs;
    seen.push(obs);
  }
  return seen;
}
