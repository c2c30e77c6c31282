/**
 * When a training run stops (shared by the tfjs trainer and the plain-JavaScript one, so both
 * follow one rule). Losses arrive per step; every `window` steps the window is judged:
 * - without a validation set, on the window's mean training loss: it must improve on the best
 *   window by `tolerance` nats;
 * - with one (`judge` given the validation loss of the averaged weights at the window's end), on
 *   that validation loss: the best weights are kept and returned, so the fit is the one that
 *   generalised best (training loss alone keeps falling as the model memorises its samples:
 *   at 32², H = 20 the held-out NLL is lowest near 500 steps and worse at 2,000).
 * A window that does not improve halves the learning rate ("reduce on plateau"); after
 * `patience` of them training stops. `targetLoss` stops as soon as a window's mean training
 * loss reaches it.
 */
export type WindowDecision = 'continue' | 'improved' | 'halve' | 'stop';

export class StopRule {
  private best = Infinity;
  private bad = 0;
  private sum = 0;
  private inWindow = 0;
  /** Mean training loss of the last completed (or partial) window. */
  last = NaN;
  /** Best validation loss so far (Infinity until one is judged). */
  bestValid = Infinity;
  readonly curve: number[] = [];
  stoppedEarly = false;

  constructor(
    private readonly window: number,
    private readonly tolerance: number,
    private readonly patience: number,
    private readonly targetLoss?: number,
  ) {}

  /**
   * The validation loss of the starting weights: later windows must beat it to be kept, so a
   * refit (warm start) never returns weights that validate worse than the ones it started from.
   */
  start(valid: number): void {
    if (Number.isFinite(valid)) this.bestValid = this.best = valid;
  }

  /** Records one step's training loss; true when a window just completed (call `judge` then). */
  step(loss: number): boolean {
    this.sum += loss;
    this.inWindow++;
    if (this.inWindow < this.window) return false;
    this.last = this.sum / this.window;
    this.curve.push(this.last);
    this.sum = 0;
    this.inWindow = 0;
    return true;
  }

  /**
   * The decision at a window's end; `valid` is the validation loss when there is a validation
   * set. `snapshot` is true when `valid` is the lowest so far (keep these weights): the kept
   * weights are the best ever seen, while patience only resets on a gain of `tolerance`.
   */
  judge(valid?: number): { decision: WindowDecision; snapshot: boolean } {
    const snapshot = valid !== undefined && Number.isFinite(valid) && valid < this.bestValid;
    if (snapshot) this.bestValid = valid!;
    if (this.targetLoss !== undefined && this.last <= this.targetLoss) {
      this.stoppedEarly = true;
      return { decision: 'stop', snapshot };
    }
    const score = valid ?? this.last;
    if (score < this.best - this.tolerance) {
      this.best = score;
      this.bad = 0;
      return { decision: 'improved', snapshot };
    }
    if (++this.bad >= this.patience) {
      this.stoppedEarly = true;
      return { decision: 'stop', snapshot };
    }
    return { decision: 'halve', snapshot };
  }

  /** Mean of a partial last window when no window completed. */
  finish(): void {
    if (Number.isNaN(this.last) && this.inWindow > 0) this.last = this.sum / this.inWindow;
  }
}
