/**
 * Generalised advantage estimation (Schulman et al. 2016) on a batch of N agent-episodes of
 * exactly H steps, stored epoch-major (row t*N + i). A finite-horizon MFG episode ends at epoch
 * H-1 with no continuation, so the value after the last step is 0 (never bootstrapped):
 *   delta_t = r_t + gamma·V_{t+1} - V_t   (V_H = 0),
 *   A_t = delta_t + gamma·lambda·A_{t+1}   (A_H = 0),
 * and the value targets are A_t + V_t (the lambda-returns). With lambda = 1 and gamma = 1 the
 * advantage is the return-to-go minus V_t exactly.
 */
export function generalisedAdvantages(
  rewards: ArrayLike<number>,
  values: ArrayLike<number>,
  H: number,
  N: number,
  gamma: number,
  lambda: number,
): { advantages: Float64Array; targets: Float64Array } {
  const advantages = new Float64Array(H * N);
  const targets = new Float64Array(H * N);
  for (let i = 0; i < N; i++) {
    let next = 0;
    let nextValue = 0;
    for (let t = H - 1; t >= 0; t--) {
      const j = t * N + i;
      const delta = rewards[j]! + gamma * nextValue - values[j]!;
      next = delta + gamma * lambda * next;
      advantages[j] = next;
      targets[j] = next + values[j]!;
      nextValue = values[j]!;
    }
  }
  return { advantages, targets };
}

/** (x - mean)/std over the whole batch, in place (PPO's per-batch advantage normalisation). */
export function normaliseInPlace(x: Float64Array): Float64Array {
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i]!;
  const mean = s / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (x[i]! - mean) ** 2;
  const sd = Math.sqrt(v / Math.max(1, n - 1)) + 1e-8;
  for (let i = 0; i < n; i++) x[i] = (x[i]! - mean) / sd;
  return x;
}

/**
 * (x - mean_t)/std_t within each epoch t, in place, for B batches of H epochs of N agents stored
 * batch-major then epoch-major (row b·H·N + t·N + i): every epoch's advantages get mean 0 and sd 1
 * over its B·N samples. Why: with the whole-rollout normalisation, an epoch's weight in the policy
 * gradient is the raw scale of its advantages, and the late epochs of a finite horizon (few
 * rewards left to sum, so small advantages) get little of it, although their feedback differs
 * (LQ's Riccati gain rises over the last ten epochs). Per-epoch normalisation gives each epoch's
 * decisions the same weight; a per-epoch shift does not bias the gradient (a baseline that
 * depends on the epoch only), the per-epoch scale reweights the epochs.
 */
export function normalisePerEpochInPlace(x: Float64Array, B: number, H: number, N: number): Float64Array {
  if (x.length !== B * H * N) throw new RangeError(`normalisePerEpochInPlace: ${x.length} values, expected ${B}*${H}*${N}`);
  const n = B * N;
  for (let t = 0; t < H; t++) {
    let s = 0;
    for (let b = 0; b < B; b++) for (let i = 0; i < N; i++) s += x[(b * H + t) * N + i]!;
    const mean = s / n;
    let v = 0;
    for (let b = 0; b < B; b++) for (let i = 0; i < N; i++) v += (x[(b * H + t) * N + i]! - mean) ** 2;
    const sd = Math.sqrt(v / Math.max(1, n - 1)) + 1e-8;
    for (let b = 0; b < B; b++) for (let i = 0; i < N; i++) {
      const j = (b * H + t) * N + i;
      x[j] = (x[j]! - mean) / sd;
    }
  }
  return x;
}
