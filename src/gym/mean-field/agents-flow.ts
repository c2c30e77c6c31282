import type { FiniteGame, MeanFieldAt, MeanFieldQuery } from '../../core/finite-game';
import type { Rng } from '../../core/rng';
import type { FinitePopulationFlow } from '../../populations/population';
import { EpochGroups, type StepBatch } from '../stepping/step-batch';

/**
 * The stepping agents read as a flow (`live` mode): at each epoch t present in the step, L_t of
 * their population is the histogram of their joint cells s*A + a; the other populations follow
 * `others`. Held as each epoch's cells sorted (N integers in all), so a 1024x1024 grid costs what
 * a 3-state one does; tables are built only if a caller asks meanFieldAt.
 *
 * Masses are sum_a (count(s, a) / n_t) in action order, the very sum a game's reward() forms
 * from the table, so reading masses and reading the table give the same rewards bit for bit.
 */
export class AgentsFlow implements FinitePopulationFlow {
  readonly kind = 'particles' as const;
  readonly horizon: number;
  private readonly groups: EpochGroups;
  private cells = new Int32Array(0);

  constructor(
    private readonly game: FiniteGame,
    private readonly p: number,
    private readonly others: FinitePopulationFlow,
  ) {
    this.horizon = game.horizon;
    this.groups = new EpochGroups(game.horizon);
  }

  /** Makes the batch's agents the flow: their cells grouped by epoch, each group sorted. */
  load(batch: StepBatch): void {
    const A = this.game.populations[this.p]!.numActions;
    this.groups.group(batch);
    if (this.cells.length < batch.count) this.cells = new Int32Array(batch.count);
    const { start, order } = this.groups;
    for (let j = 0; j < batch.count; j++) {
      const k = order[j]!;
      this.cells[j] = batch.s[k]! * A + batch.a[k]!;
    }
    for (let t = 0; t < this.horizon; t++) if (start[t + 1]! - start[t]! > 1) this.cells.subarray(start[t]!, start[t + 1]!).sort();
  }

  /** Agents at epoch t in the loaded step. */
  count(t: number): number {
    return this.groups.start[t + 1]! - this.groups.start[t]!;
  }

  /** The sorted cells of epoch t (a view, valid until the next load). */
  epochCells(t: number): Int32Array {
    return this.cells.subarray(this.groups.start[t]!, this.groups.start[t + 1]!);
  }

  stateMass(p: number, t: number, s: number): number {
    if (p !== this.p) return this.others.stateMass(p, t, s);
    return massOfState(this.epochCells(t), s, this.game.populations[p]!.numActions);
  }

  logStateMass(p: number, t: number, s: number): number {
    return Math.log(this.stateMass(p, t, s));
  }

  sampleStates(p: number, t: number, n: number, rng: Rng): Int32Array {
    if (p !== this.p) return this.others.sampleStates(p, t, n, rng);
    const cells = this.epochCells(t);
    const A = this.game.populations[p]!.numActions;
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.floor(cells[rng.int(cells.length)]! / A);
    return out;
  }

  /** L_t of every population, the agents' as a fresh histogram table (S·A). */
  meanFieldAt(t: number): MeanFieldAt {
    const pop = this.game.populations[this.p]!;
    const L0 = new Float64Array(pop.numStates * pop.numActions);
    const cells = this.epochCells(t);
    for (let k = 0; k < cells.length; k++) L0[cells[k]!]! += 1;
    const n = cells.length;
    for (let j = 0; j < L0.length; j++) L0[j] = L0[j]! / n;
    if (this.game.populations.length === 1) return [L0];
    const rest = this.others.meanFieldAt(t)!;
    return rest.map((L, q) => (q === this.p ? L0 : L));
  }

  query(t: number): MeanFieldQuery {
    return { stateMass: (p, s) => this.stateMass(p, t, s) };
  }

  memoryBytes(): number {
    return this.cells.byteLength + this.groups.order.byteLength + this.groups.start.byteLength;
  }
}

/** sum_a count(s*A + a)/n over sorted cells, in action order (two binary searches, then a walk). */
export function massOfState(cells: Int32Array, s: number, A: number): number {
  const n = cells.length;
  let lo = 0;
  let hi = n;
  const first = s * A;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cells[mid]! < first) lo = mid + 1;
    else hi = mid;
  }
  let m = 0;
  for (let a = 0; a < A; a++) {
    let c = 0;
    while (lo < n && cells[lo] === first + a) {
      c++;
      lo++;
    }
    m += c / n;
  }
  return m;
}
