import type { Rng } from '../core/rng';

/** A legal action drawn uniformly from row i of a mask [N*A]. */
export function randomLegal(mask: Uint8Array, i: number, A: number, rng: Rng): number {
  let n = 0;
  for (let a = 0; a < A; a++) n += mask[i * A + a]!;
  let k = rng.int(n);
  for (let a = 0; a < A; a++) if (mask[i * A + a] === 1 && k-- === 0) return a;
  return 0;
}

/**
 * argmax over the legal actions of values[off .. off+A), exact ties broken uniformly with rng
 * (DESIGN §1: every maximiser equally likely; no rng means the first maximiser).
 */
export function argmaxLegal(values: ArrayLike<number>, off: number, mask: Uint8Array, maskOff: number, A: number, rng: Rng | null): number {
  let best = -Infinity;
  let count = 0;
  let arg = -1;
  for (let a = 0; a < A; a++) {
    if (mask[maskOff + a] !== 1) continue;
    const v = values[off + a]!;
    if (v > best) {
      best = v;
      arg = a;
      count = 1;
    } else if (v === best) {
      count++;
      if (rng !== null && rng.int(count) === 0) arg = a;
    }
  }
  return arg < 0 ? 0 : arg;
}

/** max over the legal actions of values[off .. off+A). */
export function maxLegal(values: ArrayLike<number>, off: number, mask: Uint8Array, maskOff: number, A: number): number {
  let best = -Infinity;
  for (let a = 0; a < A; a++) if (mask[maskOff + a] === 1 && values[off + a]! > best) best = values[off + a]!;
  return best;
}

/** A value that moves linearly from `start` to `end` over `duration` units, then stays at `end`. */
export function linearSchedule(start: number, end: number, duration: number, x: number): number {
  if (duration <= 0 || x >= duration) return end;
  return start + (end - start) * (x / duration);
}
