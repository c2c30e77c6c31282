import * as os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { registerBuiltinEnvs } from '../../envs/index';
import { MfgError, toMfgError } from '../core/errors';
import type { AnyVectorEnv } from '../gym/make-env';
import { loadEnvModule } from '../registry/load-module';
import { encodeReplyFrame } from './reply-encoder';
import { collectGarbageSoon } from './collect-garbage';
import type { EnvAccess, HandlerContext } from './handler-context';
import { HANDLERS } from './handlers/index';
import { buildMake, type MakePlan } from './handlers/make';
import type { ServerLimits } from './limits';
import { PROTOCOL_VERSION } from './protocol-version';
import type { Session } from './session-table';

/** How much nicer than the receive loop a worker runs (relative: a server started under `nice` keeps the gap). */
const WORKER_NICE = 10;

/** What the pool sends a worker: an op on one of its envs (or a make that creates one there). */
export interface WorkerJob {
  job: number;
  op: 'make' | 'reset' | 'step' | 'population_update' | 'population_report' | 'close';
  id: number | null;
  handle: string;
  msg?: Record<string, unknown>;
  plan?: MakePlan;
  /** The session as logs name it. */
  key: string;
}

/** A worker's answer: the encoded reply frame of a success, or the error. */
export interface WorkerResult {
  job: number;
  frame?: Uint8Array;
  error?: { code: string; message: string; details: Record<string, unknown> };
}

export interface WorkerInit {
  modules: string[];
  registerBuiltins: boolean;
  limits: ServerLimits;
  serverVersion: string;
}

/**
 * A worker thread of the server's pool: it owns the envs made in it (by handle), runs the same
 * op handlers as the main thread, and answers with the encoded reply, so the main thread only
 * forwards bytes. The main thread has already checked the request, the token and the handle.
 */
async function main(): Promise<void> {
  const init = workerData as WorkerInit;
  // On Linux the nice value is per thread: this worker's heavy work yields the CPU to the
  // receive loop (and to other connections' pings), which otherwise compete with it for a core.
  try {
    // getPriority() is this thread's nice value, inherited from the main thread at creation.
    os.setPriority(Math.min(19, os.getPriority() + WORKER_NICE));
  } catch {
    // not permitted or not supported: run at the normal priority
  }
  if (init.registerBuiltins) registerBuiltinEnvs();
  for (const m of init.modules) await loadEnvModule(m);
  const envs = new Map<string, AnyVectorEnv>();
  const access: EnvAccess = {
    env: (_s, handle) => {
      const env = envs.get(handle);
      if (!env) throw new MfgError('MFG_ERR_SESSION_CLOSED', `handle ${handle} is not open in its worker`, { details: { handle, reason: 'worker' } });
      return env;
    },
    close: (_s, handle) => {
      envs.get(handle)?.close();
      envs.delete(handle);
    },
    add: () => {
      throw new MfgError('MFG_ERR_INTERNAL', 'an env is added only by a make job');
    },
  };
  const log = (line: string): void => parentPort!.postMessage({ log: line });
  parentPort!.on('message', (job: WorkerJob) => void run(job));

  async function run(job: WorkerJob): Promise<void> {
    if (job.op === 'close') {
      access.close(null as unknown as Session, job.handle);
      collectGarbageSoon(); // the main thread cannot collect this thread's heap
      return;
    }
    const session = { key: job.key } as Session;
    // A make registers its env under the handle the main thread chose (makes may interleave at awaits).
    const sessions: EnvAccess = job.op !== 'make' ? access : { ...access, add: (_s, env) => (envs.set(job.handle, env), job.handle) };
    const ctx: HandlerContext = { session, sessions, limits: init.limits, serverVersion: init.serverVersion, log };
    let out: WorkerResult;
    try {
      let result: Record<string, unknown>;
      if (job.op === 'make') {
        result = await buildMake(job.msg!, ctx, job.plan!);
      } else {
        result = await HANDLERS[job.op](job.msg!, ctx);
      }
      // its own buffer (large bins copied once), then transferred, not cloned again
      const frame = encodeReplyFrame({ v: PROTOCOL_VERSION, id: job.id, ok: true, result });
      parentPort!.postMessage({ job: job.job, frame } satisfies WorkerResult, [frame.buffer]);
      return;
    } catch (e) {
      const err = toMfgError(e);
      out = { job: job.job, error: { code: err.code, message: err.message, details: err.details } };
    }
    parentPort!.postMessage(out);
  }
  parentPort!.postMessage({ ready: true });
}

void main().catch((e) => parentPort!.postMessage({ fatal: e instanceof Error ? e.message : String(e) }));
