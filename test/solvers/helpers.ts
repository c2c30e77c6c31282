/** Shared by the solver tests: LeftRight's P(left) at t=0 and the regularised fixed points. */
import type { TabularPolicy } from '../../src/core/tabular/index';

/** pi_0(left | center), LeftRight's one decision that matters. */
export function pLeft(pi: TabularPolicy): number {
  return pi[0]![0]!;
}

/**
 * On LeftRight, Q_0(center, left) - Q_0(center, right) = -x + 2(1-x) = 2 - 3x for P(left) = x,
 * so a softmax at inverse temperature k has its fixed point at x = sigmoid(k·(2 - 3x)).
 * Found by bisection (the left side minus the right is increasing in x): an independent check
 * of where BPI and the softmax best responses must end.
 */
export function leftRightSoftmaxPoint(k: number): number {
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 200; i++) {
    const x = (lo + hi) / 2;
    const f = x - 1 / (1 + Math.exp(-k * (2 - 3 * x)));
    if (f > 0) hi = x;
    else lo = x;
  }
  return (lo + hi) / 2;
}
