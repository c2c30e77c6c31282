import type { FiniteGame } from '../core/finite-game';
import { meanFieldFlow, type TabularPolicy, type TimeTable } from '../core/tabular/index';

/**
 * Where a solver gets the mean field of a policy (DESIGN §5, issue 7): the exact forward
 * equation, or an estimate (simulated agents fitted by particles or a generator). Solvers take
 * it as a dependency instead of calling meanFieldFlow, so GD-MFRL's gd-fp is fp with an
 * estimator and gd-omd is omd with one.
 */
export interface FlowSource {
  /** 'exact' for the forward equation; otherwise the population kind that estimates flows. */
  readonly kind: string;
  /** True when flowOf is Gamma(pi) itself: the evaluation the solver sees is then the exact one. */
  readonly exact: boolean;
  /**
   * True when the flow of a flow-weighted mixture of two policies may be taken as the same
   * mixture of their flows instead of asking flowOf again. That is an identity only when the
   * dynamics ignore the mean field; estimators use it to avoid a fit (and average out their
   * noise). The exact source never does, so exact FP evaluates every iterate by the forward
   * equation.
   */
  readonly averagesMixtures: boolean;
  /** L = Gamma(pi) or an estimate of it; writes into `out` when given (the policy's layout). */
  flowOf(policy: TabularPolicy, out?: TimeTable): TimeTable | Promise<TimeTable>;
}

/** The forward equation: L = Gamma(pi), synchronous and deterministic. */
export function exactFlowSource(game: FiniteGame): FlowSource {
  return {
    kind: 'exact',
    exact: true,
    averagesMixtures: false,
    flowOf: (policy, out) => meanFieldFlow(game, policy, out),
  };
}

/** (1-w)·a + w·b, table by table, into fresh tables (a and b may be shared with the caller). */
export function mixFlows(a: TimeTable, b: TimeTable, w: number): TimeTable {
  return a.map((x, p) => {
    const y = b[p]!;
    const out = new Float64Array(x.length);
    for (let j = 0; j < x.length; j++) out[j] = (1 - w) * x[j]! + w * y[j]!;
    return out;
  });
}

/** Mean over populations and epochs of the total variation between two flows' state marginals. */
export function meanStateTv(game: FiniteGame, a: TimeTable, b: TimeTable): number {
  let total = 0;
  let count = 0;
  game.populations.forEach((pop, p) => {
    const { numStates: S, numActions: A } = pop;
    const x = a[p]!;
    const z = b[p]!;
    for (let t = 0; t < game.horizon; t++) {
      let tv = 0;
      for (let s = 0; s < S; s++) {
        const row = (t * S + s) * A;
        let d = 0;
        for (let k = 0; k < A; k++) d += x[row + k]! - z[row + k]!;
        tv += Math.abs(d);
      }
      total += tv / 2;
      count++;
    }
  });
  return total / count;
}
