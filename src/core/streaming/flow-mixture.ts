import type { FiniteGame } from '../finite-game';
import { uniformRow } from '../tabular/policy';
import type { PolicySource } from './policy-source';
import type { StateFlow } from './state-flow';

/** One component of a mixture: a policy, its flow's state marginals, and its weight. */
export interface MixtureComponent {
  readonly policy: PolicySource;
  readonly flow: StateFlow;
  readonly weight: number;
}

/**
 * Fictitious play's average policy kept as the mixture of its best responses in the sense of
 * flows (Perrin et al. 2020; OpenSpiel fictitious_play.py's MergedPolicy weighted by each
 * policy's distribution): with weights c_j summing to 1,
 *   pi_bar_t(a | s) = sum_j c_j mu^j_t(s) pi^j_t(a | s) / sum_j c_j mu^j_t(s),
 * uniform over legal actions where every component has zero mass (mixPolicies' rule). When the
 * dynamics ignore the mean field, Gamma(pi_bar) = sum_j c_j Gamma(pi^j) (MixtureStateFlow), so
 * nothing of size S·A·H is held: the components are compact best responses (MaskPolicy) and
 * their flows (exact marginals, H·S each, or a fitted generator).
 */
export class FlowMixturePolicy implements PolicySource {
  private readonly uniform: Float64Array[];
  private readonly mu: Float64Array[];
  private readonly rows: Float64Array[];
  private readonly den: Float64Array[];

  constructor(
    readonly game: FiniteGame,
    readonly components: readonly MixtureComponent[],
  ) {
    this.uniform = game.populations.map((pop) => uniformRow(pop));
    this.mu = game.populations.map((pop) => new Float64Array(pop.numStates));
    this.rows = game.populations.map((pop) => new Float64Array(pop.numStates * pop.numActions));
    this.den = game.populations.map((pop) => new Float64Array(pop.numStates));
  }

  get horizon(): number {
    return this.game.horizon;
  }

  /** The same mixture with one more component: old weights scaled by (1 - w), the new one w. */
  extend(component: Omit<MixtureComponent, 'weight'>, w: number): FlowMixturePolicy {
    const scaled = this.components.map((c) => ({ ...c, weight: (1 - w) * c.weight }));
    return new FlowMixturePolicy(this.game, [...scaled, { ...component, weight: w }]);
  }

  epoch(p: number, t: number, out: Float64Array): Float64Array {
    const { numStates: S, numActions: A } = this.game.populations[p]!;
    const den = this.den[p]!.fill(0);
    out.fill(0);
    for (const c of this.components) {
      const mu = c.flow.statesAt(p, t, this.mu[p]!);
      const pi = c.policy.epoch(p, t, this.rows[p]!);
      for (let s = 0; s < S; s++) {
        const m = c.weight * mu[s]!;
        if (m === 0) continue;
        den[s]! += m;
        const row = s * A;
        for (let a = 0; a < A; a++) out[row + a]! += m * pi[row + a]!;
      }
    }
    const uniform = this.uniform[p]!;
    for (let s = 0; s < S; s++) {
      const row = s * A;
      const d = den[s]!;
      if (d === 0) for (let a = 0; a < A; a++) out[row + a] = uniform[row + a]!;
      else for (let a = 0; a < A; a++) out[row + a]! /= d;
    }
    return out;
  }

  /** Bytes held: every distinct leaf (best response, flow) once, though nested mixtures share them. */
  memoryBytes(): number {
    return leafBytes(this);
  }
}

/** Bytes of the distinct leaves of a (nested) mixture: nested mixtures share their flows. */
function leafBytes(x: PolicySource | StateFlow): number {
  const leaves = new Set<{ memoryBytes(): number }>();
  collectLeaves(x, leaves);
  let bytes = 0;
  for (const leaf of leaves) bytes += leaf.memoryBytes();
  return bytes;
}

/** The non-mixture policies and flows a (nested) mixture reads, each once. */
export function collectLeaves(x: PolicySource | StateFlow, into: Set<{ memoryBytes(): number }>): void {
  if (x instanceof FlowMixturePolicy) {
    for (const c of x.components) {
      collectLeaves(c.policy, into);
      collectLeaves(c.flow, into);
    }
  } else if (x instanceof MixtureStateFlow) {
    for (const c of x.components) collectLeaves(c.flow, into);
  } else into.add(x);
}

/** sum_j c_j mu^j_t: the flow of a FlowMixturePolicy when the dynamics ignore the mean field. */
export class MixtureStateFlow implements StateFlow {
  private readonly buf: Float64Array[];

  constructor(
    readonly game: FiniteGame,
    readonly components: readonly Pick<MixtureComponent, 'flow' | 'weight'>[],
  ) {
    this.buf = game.populations.map((pop) => new Float64Array(pop.numStates));
  }

  statesAt(p: number, t: number, out: Float64Array): Float64Array {
    out.fill(0);
    for (const c of this.components) {
      const mu = c.flow.statesAt(p, t, this.buf[p]!);
      for (let s = 0; s < out.length; s++) out[s]! += c.weight * mu[s]!;
    }
    return out;
  }

  memoryBytes(): number {
    return leafBytes(this);
  }
}

/** The uniform-over-legal policy as a source: one epoch row held, no table. */
export function uniformPolicySource(game: FiniteGame): PolicySource {
  const rows = game.populations.map((pop) => uniformRow(pop));
  return { horizon: game.horizon, epoch: (p) => rows[p]!, memoryBytes: () => rows.reduce((n, r) => n + r.byteLength, 0) };
}
