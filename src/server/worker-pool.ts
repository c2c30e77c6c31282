import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { MfgError } from '../core/errors';
import type { WorkerInit, WorkerJob, WorkerResult } from './env-worker';
import type { Closable } from './session-table';

interface Slot {
  worker: Worker;
  /** Bumped each time the slot's worker is replaced: refs of an older generation are dead. */
  generation: number;
  envs: number;
  jobs: Map<number, { resolve: (r: WorkerResult) => void; reject: (e: MfgError) => void; timer: NodeJS.Timeout }>;
  ready: Promise<void>;
}

/** A handle's env living in a pool worker: closing it tells the worker. */
export class WorkerEnvRef implements Closable {
  constructor(
    private readonly pool: WorkerPool,
    readonly slot: number,
    readonly generation: number,
    readonly handle: string,
  ) {}

  close(): void {
    this.pool.closeEnv(this);
  }
}

/**
 * The worker threads that build and step envs, so the receive loop and other connections never
 * wait for a long make, fit or step. An env lives in the worker that made it and every op on
 * its handle goes there. A job past its deadline stops its worker (the only way to stop
 * synchronous work): its envs are lost (`onLost`) and a fresh worker takes the slot.
 */
export class WorkerPool {
  private readonly slots: Slot[] = [];
  private nextJob = 0;
  private stopped = false;

  constructor(
    size: number,
    private readonly init: WorkerInit,
    private readonly log: (line: string) => void,
    private readonly onLost: (slot: number, generation: number) => void,
  ) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn(i, 0));
  }

  /** Resolves once every worker has registered its envs. */
  async ready(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.ready));
  }

  get size(): number {
    return this.slots.length;
  }

  private spawn(index: number, generation: number): Slot {
    const worker = new Worker(path.join(__dirname, 'env-worker.js'), { workerData: this.init });
    let readyResolve!: () => void;
    let readyReject!: (e: Error) => void;
    const ready = new Promise<void>((res, rej) => ((readyResolve = res), (readyReject = rej)));
    const slot: Slot = { worker, generation, envs: 0, jobs: new Map(), ready };
    worker.on('message', (m: WorkerResult & { ready?: boolean; log?: string; fatal?: string }) => {
      if (m.ready) return readyResolve();
      if (m.log !== undefined) return this.log(m.log);
      if (m.fatal !== undefined) return readyReject(new MfgError('MFG_ERR_REGISTRY_BAD_MODULE', `a worker could not register the envs: ${m.fatal}`));
      const j = slot.jobs.get(m.job);
      if (!j) return;
      slot.jobs.delete(m.job);
      clearTimeout(j.timer);
      j.resolve(m);
    });
    worker.on('error', (e) => this.log(`worker ${index} failed: ${e.message}`));
    worker.on('exit', () => {
      if (this.stopped || this.slots[index] !== slot) return;
      this.replace(index, 'its worker thread exited');
    });
    return slot;
  }

  /** The slot for a new env: the one with the fewest envs and jobs. */
  pick(): number {
    let best = 0;
    for (let i = 1; i < this.slots.length; i++) {
      const a = this.slots[i]!;
      const b = this.slots[best]!;
      if (a.envs + a.jobs.size < b.envs + b.jobs.size) best = i;
    }
    return best;
  }

  generation(slot: number): number {
    return this.slots[slot]!.generation;
  }

  /** Runs one job on a slot; past deadlineMs the worker is stopped and MFG_ERR_SESSION_DEADLINE thrown. */
  run(slotIndex: number, job: Omit<WorkerJob, 'job'>, deadlineMs: number): Promise<WorkerResult> {
    const slot = this.slots[slotIndex]!;
    const id = this.nextJob++;
    return new Promise<WorkerResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        slot.jobs.delete(id);
        reject(
          new MfgError('MFG_ERR_SESSION_DEADLINE', `${job.op} ran past its deadline of ${deadlineMs / 1000} s; its worker was stopped`, {
            details: { op: job.op, deadline_s: deadlineMs / 1000 },
          }),
        );
        this.replace(slotIndex, `a ${job.op} ran past its ${deadlineMs / 1000} s deadline`);
      }, deadlineMs);
      slot.jobs.set(id, { resolve, reject, timer });
      slot.worker.postMessage({ ...job, job: id } satisfies WorkerJob);
    });
  }

  /** Counts an env made in a slot (for pick). */
  added(ref: WorkerEnvRef): void {
    const slot = this.slots[ref.slot]!;
    if (slot.generation === ref.generation) slot.envs++;
  }

  closeEnv(ref: WorkerEnvRef): void {
    const slot = this.slots[ref.slot]!;
    if (this.stopped || slot.generation !== ref.generation) return;
    slot.envs = Math.max(0, slot.envs - 1);
    slot.worker.postMessage({ job: -1, op: 'close', id: null, handle: ref.handle, key: '' } satisfies WorkerJob);
  }

  /** Stops a slot's worker and starts a fresh one; its pending jobs fail and its envs are lost. */
  private replace(index: number, why: string): void {
    const old = this.slots[index]!;
    this.log(`worker ${index} replaced: ${why}; its ${old.envs} envs are closed`);
    const fresh = this.spawn(index, old.generation + 1);
    this.slots[index] = fresh;
    fresh.ready.catch(() => {});
    void old.worker.terminate();
    for (const [, j] of old.jobs) {
      clearTimeout(j.timer);
      j.reject(new MfgError('MFG_ERR_SESSION_CLOSED', `the worker running this request was stopped (${why})`, { details: { reason: 'worker' } }));
    }
    old.jobs.clear();
    this.onLost(index, old.generation);
  }

  async close(): Promise<void> {
    this.stopped = true;
    for (const s of this.slots) for (const [, j] of s.jobs) clearTimeout(j.timer);
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
