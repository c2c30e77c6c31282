import { MfgError } from './errors';
import type { KernelRow, SparseKernel } from './finite-game';

/**
 * Builds a CSR kernel row by row. `fill(row, emit)` emits (next, prob) pairs for one row;
 * repeated next states in a row are summed (clipping at walls produces them) and zero
 * probabilities are dropped, so rows stay as short as the game's support.
 */
export function buildKernel(numRows: number, fill: (row: number, emit: (next: number, prob: number) => void) => void): SparseKernel {
  const rowStart = new Int32Array(numRows + 1);
  let next = new Int32Array(Math.max(16, numRows * 2));
  let prob = new Float64Array(next.length);
  let n = 0;
  let rowBegin = 0;
  const emit = (s: number, p: number): void => {
    if (p === 0) return;
    for (let k = rowBegin; k < n; k++) {
      if (next[k] === s) {
        prob[k] += p;
        return;
      }
    }
    if (n === next.length) {
      const bigger = new Int32Array(next.length * 2);
      bigger.set(next);
      next = bigger;
      const biggerP = new Float64Array(prob.length * 2);
      biggerP.set(prob);
      prob = biggerP;
    }
    next[n] = s;
    prob[n] = p;
    n++;
  };
  for (let r = 0; r < numRows; r++) {
    rowStart[r] = n;
    rowBegin = n;
    fill(r, emit);
  }
  rowStart[numRows] = n;
  return { numRows, rowStart, next: next.slice(0, n), prob: prob.slice(0, n) };
}

/**
 * One row of the kernel buildKernel(numRows, fill) would build, computed alone: the same
 * emits, merged and filtered the same way, so the entries (and a draw from them) are identical.
 * The returned function reuses one KernelRow and its buffers.
 */
export function kernelRowOf(fill: (row: number, emit: (next: number, prob: number) => void) => void): (row: number) => KernelRow {
  const out = { next: new Int32Array(8), prob: new Float64Array(8), start: 0, end: 0 };
  const emit = (s: number, p: number): void => {
    if (p === 0) return;
    for (let k = 0; k < out.end; k++) {
      if (out.next[k] === s) {
        out.prob[k] += p;
        return;
      }
    }
    if (out.end === out.next.length) {
      const bigger = new Int32Array(out.next.length * 2);
      bigger.set(out.next);
      out.next = bigger;
      const biggerP = new Float64Array(out.prob.length * 2);
      biggerP.set(out.prob);
      out.prob = biggerP;
    }
    out.next[out.end] = s;
    out.prob[out.end] = p;
    out.end++;
  };
  return (row) => {
    out.end = 0;
    fill(row, emit);
    return out;
  };
}

/** Builds a kernel from a dense function P(s' | s, a) over all s' (small games). */
export function denseKernel(numStates: number, numActions: number, p: (s: number, a: number, next: number) => number): SparseKernel {
  return buildKernel(numStates * numActions, (row, emit) => {
    const s = Math.floor(row / numActions);
    const a = row - s * numActions;
    for (let s2 = 0; s2 < numStates; s2++) emit(s2, p(s, a, s2));
  });
}

/** A deterministic kernel: (s, a) -> next(s, a) with probability one. */
export function deterministicKernel(numStates: number, numActions: number, nextState: (s: number, a: number) => number): SparseKernel {
  return buildKernel(numStates * numActions, (row, emit) => {
    const s = Math.floor(row / numActions);
    emit(nextState(s, row - s * numActions), 1);
  });
}

/**
 * Checks every row of a kernel is a distribution over [0, numStates) (game construction and
 * tests use it; hot kernels do not re-check).
 */
export function checkKernel(k: SparseKernel, numStates: number, what: string, tol = 1e-9): void {
  for (let r = 0; r < k.numRows; r++) {
    let total = 0;
    for (let j = k.rowStart[r]!; j < k.rowStart[r + 1]!; j++) {
      const s = k.next[j]!;
      const q = k.prob[j]!;
      if (!(s >= 0 && s < numStates) || !(q >= 0)) {
        throw new MfgError('MFG_ERR_GAME_INVALID', `${what}: row ${r} has entry (${s}, ${q}) outside [0, ${numStates}) x [0, inf)`);
      }
      total += q;
    }
    if (Math.abs(total - 1) > tol) {
      throw new MfgError('MFG_ERR_GAME_INVALID', `${what}: row ${r} sums to ${total}, expected 1`);
    }
  }
}
