import * as v8 from 'node:v8';
import * as vm from 'node:vm';

let gc: (() => void) | null | undefined;
let timer: NodeJS.Timeout | null = null;

/**
 * Asks for a major GC shortly (50 ms after the last call) once a dead or idle session's envs were
 * closed, so their typed arrays (hundreds of MB for a large grid) go back to the OS now rather
 * than whenever V8 next feels pressure. Node exposes gc() only with --expose-gc; setting the
 * flag at run time and reading gc from a fresh context is the V8 way to get it without a
 * command-line flag. Each worker thread asks for its own heap.
 */
export function collectGarbageSoon(): void {
  if (gc === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      gc = vm.runInNewContext('gc') as () => void;
    } catch {
      gc = null;
    }
  }
  if (gc === null) return;
  if (timer) clearTimeout(timer);
  timer = setTimeout(() => {
    timer = null;
    gc!();
  }, 50);
  timer.unref();
}
