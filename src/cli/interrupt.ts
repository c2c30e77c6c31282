/** Exit status of a run stopped by SIGINT (128 + 2, the shell's convention), after writing results. */
export const EXIT_INTERRUPTED = 130;

/** An AbortSignal that Ctrl-C trips, and the release of the handler once the run is over. */
export interface Interrupt {
  readonly signal: AbortSignal;
  release(): void;
}

/**
 * Ctrl-C for long runs (solve, the learning solvers, reproduce): the first SIGINT aborts the
 * signal, so the run stops after its current iteration and still writes its results; a second
 * quits at once with EXIT_INTERRUPTED. Install it before the line that says the run started, so
 * whoever waits for that line may interrupt cleanly.
 */
export function interruptOnSigint(): Interrupt {
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts += 1;
    if (interrupts > 1) process.exit(EXIT_INTERRUPTED);
    process.stderr.write('\nmfgym: interrupted; stopping after the current iteration (Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  return { signal: controller.signal, release: () => process.off('SIGINT', onSigint) };
}
