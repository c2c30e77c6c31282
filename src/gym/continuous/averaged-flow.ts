import type { ContinuousMeanField } from '../../core/continuous-game';
import { MfgError } from '../../core/errors';
import { Rng } from '../../core/rng';
import { ContinuousParticles, type KdeOptions } from '../../populations/continuous-particles';
import type { ContinuousFlowSamples, ContinuousPopulationFlow } from '../../populations/population';
import { offsetSeed } from '../agent-seeds';

/** Seed of the draws that turn a non-particle flow into particles at the first fictitious update (fixed: updates are deterministic). */
export const AVERAGE_SEED = 0x5eed;
/** Seed of the row order a refit's samples come in (fixed: refits are deterministic). */
const SHUFFLE_SEED = 0x5f1e;

/**
 * The fictitious-play average of a continuous flow, carried per epoch either by the original
 * representation (epochs never averaged) or by M particles. The FP mixture
 * (1 - w)·mu_t + w·muhat_t is represented by M points: round(w·M) (at least 1) taken from the
 * visits and the rest from the current epoch's points, each part by an even stride through its
 * points (deterministic, no random numbers, proportions kept exactly up to rounding).
 */
export class AveragedContinuousFlow implements ContinuousPopulationFlow {
  readonly kind = 'particles' as const;
  readonly horizon: number;
  readonly dim: number;
  private readonly epochs: ContinuousMeanField[];

  constructor(
    readonly base: ContinuousPopulationFlow,
    readonly particles: number,
    private readonly kde: KdeOptions = {},
  ) {
    this.horizon = base.horizon;
    this.dim = base.dim;
    this.epochs = Array.from({ length: this.horizon }, (_, t) => base.at(t));
  }

  at(t: number): ContinuousMeanField {
    return this.epochs[t]!;
  }

  /** Mixes the visits of epoch t (n rows of d) into its mean field with weight w. */
  mix(t: number, visits: Float64Array, w: number): void {
    const d = this.dim;
    const M = this.particles;
    const nVisits = visits.length / d;
    if (nVisits === 0) return;
    const nNew = Math.min(M, Math.max(1, Math.round(w * M)));
    const current = this.pointsOf(t);
    const out = new Float64Array(M * d);
    strideCopy(current, d, M - nNew, out, 0);
    strideCopy(visits, d, nNew, out, M - nNew);
    this.epochs[t] = new ContinuousParticles(out, d, this.kde);
  }

  /**
   * Every epoch's M points, the average a refit fits (epochs never averaged: M seeded samples of
   * the original), each epoch's rows in a seeded random order: the points are laid out old part
   * first, visits last, and a fit holds out its last share as i.i.d. agents, which these would not be.
   */
  samples(): ContinuousFlowSamples {
    const points = Array.from({ length: this.horizon }, (_, t) => shuffledRows(this.pointsOf(t), this.dim, new Rng(offsetSeed(SHUFFLE_SEED, t))));
    return { horizon: this.horizon, dim: this.dim, points };
  }

  memoryBytes(): number {
    let bytes = 0;
    for (const e of this.epochs) if (e instanceof ContinuousParticles) bytes += e.memoryBytes();
    return bytes + this.base.memoryBytes();
  }

  /** The epoch's points: its particles, or M samples of the original representation (seeded per epoch). */
  private pointsOf(t: number): Float64Array {
    const e = this.epochs[t]!;
    if (e instanceof ContinuousParticles) return e.points;
    if (!e.samples) {
      throw new MfgError('MFG_ERR_GAME_UNSUPPORTED', `mean-field mode 'fictitious' averages samples of the flow, and this '${this.base.kind}' population gives none`, {
        details: { meanField: 'fictitious', population: this.base.kind },
      });
    }
    return e.samples(this.particles, new Rng(offsetSeed(AVERAGE_SEED, t)));
  }
}

/** The rows (of d numbers) of x in a Fisher-Yates order drawn from rng, as a new array. */
function shuffledRows(x: Float64Array, d: number, rng: Rng): Float64Array {
  const n = x.length / d;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = order[i]!;
    order[i] = order[j]!;
    order[j] = tmp;
  }
  const out = new Float64Array(x.length);
  for (let i = 0; i < n; i++) out.set(x.subarray(order[i]! * d, (order[i]! + 1) * d), i * d);
  return out;
}

/** n rows of src (m rows of d) at an even stride, floor(j·m/n), into out from row `at`. */
function strideCopy(src: Float64Array, d: number, n: number, out: Float64Array, at: number): void {
  const m = src.length / d;
  for (let j = 0; j < n; j++) {
    const i = Math.floor((j * m) / n);
    for (let k = 0; k < d; k++) out[(at + j) * d + k] = src[i * d + k]!;
  }
}
