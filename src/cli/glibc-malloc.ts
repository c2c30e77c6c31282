import { spawn } from 'node:child_process';

/**
 * glibc's mmap threshold, fixed at its own starting value (128 KiB). Left dynamic, glibc raises it
 * to the size of the first large block freed (up to 32 MiB), after which every env table below
 * that size comes from the malloc heaps, and freeing it keeps the pages: a killed client's worlds
 * stayed resident (RSS 130 → 308 → 251 MB, 5 s after kill -9). With the threshold fixed, every
 * block over 128 KiB is its own mapping and goes back to the OS when freed (123 → 282 → 123 MB).
 */
export const MMAP_THRESHOLD = 131072;
const TUNABLE = 'glibc.malloc.mmap_threshold';
/** Set in the child's environment to the relaying parent's pid. */
const RELAY_MARK = 'MFGYM_SERVE_RELAY_PARENT';

/** The child's environment: the caller's GLIBC_TUNABLES with the threshold appended. */
export function withMmapThreshold(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const prior = env.GLIBC_TUNABLES;
  const tunable = `${TUNABLE}=${MMAP_THRESHOLD}`;
  return { ...env, GLIBC_TUNABLES: prior ? `${prior}:${tunable}` : tunable };
}

/** Does this process run on glibc with the mmap threshold left to glibc's dynamic rule? */
export function needsMmapThreshold(env: NodeJS.ProcessEnv = process.env): boolean {
  if (process.platform !== 'linux') return false;
  if (env.MALLOC_MMAP_THRESHOLD_ !== undefined || (env.GLIBC_TUNABLES ?? '').includes(TUNABLE)) return false; // the user chose
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  return typeof header?.glibcVersionRuntime === 'string'; // musl and others have no such rule
}

/**
 * Runs this same command again in a child process whose glibc has a fixed mmap threshold (the
 * tunable is read once, when the process starts, so it cannot be set from inside). The parent only
 * relays: SIGINT, SIGTERM and SIGHUP go to the child, and the parent exits with the child's code
 * (or dies of its signal). The child watches an IPC channel so that it also stops if the parent is
 * killed outright. Never resolves: the parent's life ends with process.exit.
 */
export function reexecWithMmapThreshold(log: (line: string) => void): Promise<never> {
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    env: { ...withMmapThreshold(process.env), [RELAY_MARK]: String(process.pid) },
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
  });
  log(`serving from process ${child.pid} with GLIBC_TUNABLES=${TUNABLE}=${MMAP_THRESHOLD} (freed env memory goes back to the OS; set GLIBC_TUNABLES or MALLOC_MMAP_THRESHOLD_ yourself to choose)`);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal));
  return new Promise<never>(() => {
    child.on('exit', (code, signal) => {
      if (signal !== null) {
        process.removeAllListeners(signal);
        process.kill(process.pid, signal);
      }
      process.exit(code ?? 1);
    });
    child.on('error', (e) => {
      log(`could not start the serving process: ${e.message}`);
      process.exit(1);
    });
  });
}

/**
 * In the child: calls `stop` if the relaying parent disappears (its IPC channel closes). Only a
 * child of reexecWithMmapThreshold does this, not a serve that some other program forked.
 */
export function stopWithParent(stop: () => void): void {
  if (!process.channel || process.env[RELAY_MARK] !== String(process.ppid)) return;
  process.channel.unref(); // the channel alone must not keep the server alive after it closes
  process.once('disconnect', stop);
}
