import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const CLI = path.resolve(__dirname, '../../../src/cli/main.js');

/** `mfgym serve` in its own process on a free loopback port, so its RSS is its own. */
export interface ServeProcess {
  readonly proc: ChildProcess;
  readonly endpoint: string;
  /** Resident set size of the server process, bytes (Linux /proc). */
  rss(): number;
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * glibc raises its mmap threshold after the first large free, after which freed env tables stay
 * in its heap instead of going back to the OS; a fixed threshold (what PROTOCOL.md §7
 * recommends for a long-running server) keeps RSS honest.
 */
export const SERVER_ENV = { MALLOC_MMAP_THRESHOLD_: '131072' };

export async function spawnServe(args: string[] = [], env: Record<string, string> = SERVER_ENV): Promise<ServeProcess> {
  const proc = spawn(process.execPath, [CLI, 'serve', '--bind', 'tcp://127.0.0.1:0', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
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
  return {
    proc,
    endpoint,
    rss: () => rssOf(proc.pid!),
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
