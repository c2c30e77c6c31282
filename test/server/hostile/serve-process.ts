import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const CLI = path.resolve(__dirname, '../../../src/cli/main.js');

/** `mfgym serve` in its own process on a free loopback port, so its RSS is its own. */
export interface ServeProcess {
  readonly proc: ChildProcess;
  readonly endpoint: string;
  /**
   * The process that serves: on glibc `mfgym serve` re-runs itself in a child with a fixed mmap
   * threshold (src/cli/glibc-malloc.ts) and says so on stderr; elsewhere it is `proc` itself.
   */
  readonly servingPid: number;
  /** Resident set size of the serving process, bytes (Linux /proc). */
  rss(): number;
  stderr(): string;
  stop(): Promise<void>;
}

/** The malloc settings a user might have exported: removed, so the server runs as `mfgym serve` does by itself. */
const MALLOC_VARS = ['MALLOC_MMAP_THRESHOLD_', 'MALLOC_TRIM_THRESHOLD_', 'MALLOC_ARENA_MAX', 'GLIBC_TUNABLES'];

/** Runs `mfgym serve` as a user would: the caller's environment without malloc settings, plus `env`. */
export async function spawnServe(args: string[] = [], env: Record<string, string> = {}): Promise<ServeProcess> {
  const base = { ...process.env };
  for (const k of MALLOC_VARS) delete base[k];
  const proc = spawn(process.execPath, [CLI, 'serve', '--bind', 'tcp://127.0.0.1:0', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...base, ...env } });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<void>((resolve) => proc.on('exit', () => resolve()));
  const t0 = Date.now();
  while (!/listening (\S+)\n/.test(out)) {
    if (proc.exitCode !== null || Date.now() - t0 > 20_000) throw new Error(`mfgym serve did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const endpoint = /listening (\S+)\n/.exec(out)![1]!;
  const relayed = /serving from process (\d+)/.exec(err);
  const servingPid = relayed ? Number(relayed[1]) : proc.pid!;
  return {
    proc,
    endpoint,
    servingPid,
    rss: () => rssOf(servingPid),
    stderr: () => err,
    stop: async () => {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      await exit;
    },
  };
}

export function rssOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) * 1024 : NaN;
}

export const MB = 1024 * 1024;
