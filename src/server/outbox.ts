import type { Router } from 'zeromq';

/** A reply waiting for its peer: an encoded frame, or (busy replies) the frame built when sent. */
type Item = { frame: Buffer; counted: boolean };

/** One ZeroMQ connection (routing identity): its requests in order and the replies it has not taken yet. */
export class Connection {
  /** Requests received whose reply has not been handed to ZeroMQ yet (the in-flight count). */
  inFlight = 0;
  /** The tail of this connection's request chain: requests run one after the other. */
  chain: Promise<void> = Promise.resolve();
  lastActivity = Date.now();
  private items: Item[] = [];
  private head = 0;

  constructor(
    readonly identity: Buffer,
    readonly hex: string,
  ) {}

  get queued(): number {
    return this.items.length - this.head;
  }

  push(frame: Buffer, counted: boolean): void {
    this.items.push({ frame, counted });
  }

  peek(): Item | undefined {
    return this.items[this.head];
  }

  shift(): void {
    this.items[this.head++] = undefined as unknown as Item;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }
}

/**
 * Every reply goes through here. The ROUTER is `mandatory` with a zero send timeout, so a send
 * either hands the frame to ZeroMQ, fails EAGAIN (that peer's pipe is full: the reply waits
 * here and is retried, other peers are not held up), or fails EHOSTUNREACH (the peer is gone:
 * `onGone` frees its sessions). Nothing is dropped silently.
 */
export class Outbox {
  private readonly pending = new Set<Connection>();
  private flushing = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly sock: Router,
    private readonly onGone: (c: Connection) => void,
    private readonly log: (line: string) => void,
  ) {}

  /** Queues a reply; `counted` replies release one in-flight slot when handed to ZeroMQ. */
  send(c: Connection, frame: Buffer, counted: boolean): void {
    c.push(frame, counted);
    this.pending.add(c);
    void this.flush();
  }

  /**
   * An empty frame to a connection with nothing queued: a liveness probe (clients ignore empty
   * frames). Resolves false when the peer is gone.
   */
  async probe(c: Connection): Promise<boolean> {
    if (c.queued > 0 || this.flushing) return true;
    try {
      await this.sock.send([c.identity, Buffer.alloc(0)]);
      return true;
    } catch (e) {
      return errno(e) !== 'EHOSTUNREACH';
    }
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    let blocked = false;
    try {
      for (const c of [...this.pending]) {
        for (let item = c.peek(); item !== undefined; item = c.peek()) {
          try {
            await this.sock.send([c.identity, item.frame]);
          } catch (e) {
            const code = errno(e);
            if (code === 'EAGAIN') {
              blocked = true;
              break;
            }
            if (code === 'EHOSTUNREACH') {
              c.clear();
              c.inFlight = 0;
              this.onGone(c);
              break;
            }
            this.log(`could not reply to ${c.hex}: ${e instanceof Error ? e.message : String(e)}`);
            if (code === 'ETERM' || code === 'ENOTSOCK') {
              c.clear();
              break;
            }
          }
          c.shift();
          if (item.counted) c.inFlight--;
        }
        if (c.queued === 0) this.pending.delete(c);
      }
    } finally {
      this.flushing = false;
    }
    if (this.pending.size > 0 && this.retry === null) {
      // Some peer is not reading: try again shortly (others were served meanwhile).
      this.retry = setTimeout(
        () => {
          this.retry = null;
          void this.flush();
        },
        blocked ? 10 : 0,
      );
    }
  }

  close(): void {
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    this.pending.clear();
  }
}

function errno(e: unknown): string {
  return (e as { code?: string }).code ?? '';
}
