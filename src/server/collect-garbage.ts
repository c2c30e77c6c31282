import * as v8 from 'node:v8';
import * as vm from 'node:vm';

let gc: (() => void) | null | undefined;
let last = 0;

/**
 * A major GC after a dead or idle session's envs were closed, so their typed arrays (hundreds
 * of MB for a large grid) go back to the OS now rather than whenever V8 next feels pressure.
 * Node exposes gc() only with --expose-gc; setting the flag at run time and reading gc from a
 * fresh context is the documented V8 way to get it without a command-line flag. At most one
 * collection per 200 ms.
 */
export function collectGarbage(): void {
  if (gc === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      gc = vm.runInNewContext('gc') as () => void;
    } catch {
      gc = null;
    }
  }
  const now = Date.now();
  if (gc === null || now - last < 200) return;
  last = now;
  gc();
}
