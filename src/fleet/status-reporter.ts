// Keeps this host's report in etcd under a lease: rewritten on every heartbeat
// and after every change, so `fleet status` sees the heartbeat move, and gone
// when the lease expires, so a dead agent drops out of the live set. A lost
// lease (etcd down longer than its TTL, or restarted) is granted afresh.
import type { Etcd3, Lease } from "etcd3";
import type { Logger } from "pino";
import * as layout from "./layout.js";
import type { HostRecord, HostStatus } from "./model.js";

export interface ReporterOptions {
  readonly client: Etcd3;
  readonly prefix: string;
  readonly host: string;
  readonly leaseTtlS: number;
  readonly heartbeatMs: number;
  readonly log: Logger;
  readonly snapshot: () => HostStatus;
  /**
   * Says why etcd failed in terms of the option to fix (wrong CA, no client
   * certificate); null when the error adds nothing (the client backing off).
   */
  readonly describeFailure?: (e: unknown) => Promise<string | null>;
}

export class StatusReporter {
  readonly #o: ReporterOptions;
  #lease: Lease | null = null;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #again = false;
  #registered = false;
  #closed = false;
  /** The failure last logged: a new reason or a recovery is logged, a repeat is not. */
  #failure: string | null = null;

  constructor(o: ReporterOptions) {
    this.#o = o;
  }

  start(): void {
    this.#timer = setInterval(() => this.report(), this.#o.heartbeatMs);
    this.report();
  }

  /** Writes the current snapshot now, or right after the write in flight. */
  report(): void {
    if (this.#closed) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#write().finally(() => {
      this.#running = null;
      if (this.#again) {
        this.#again = false;
        this.report();
      }
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#running;
    // Revoked, not left to expire: a stopped agent is not running, at once.
    await this.#lease?.revoke().catch(() => undefined);
    this.#lease = null;
  }

  async #write(): Promise<void> {
    const o = this.#o;
    const status = o.snapshot();
    try {
      if (!this.#registered) await this.#register(status);
      const lease = this.#lease ?? this.#grant();
      await lease.put(layout.statusKey(o.prefix, o.host)).value(JSON.stringify(status));
      if (this.#failure !== null) o.log.info("fleet: status reported to etcd again");
      this.#failure = null;
    } catch (e) {
      this.#drop();
      await this.#noteFailure(e);
    }
  }

  async #noteFailure(e: unknown): Promise<void> {
    const describe = this.#o.describeFailure ?? ((x: unknown) => Promise.resolve(String(x)));
    const why = await describe(e);
    if (why === null) return;
    if (why !== this.#failure)
      this.#o.log.warn({ err: why }, "fleet: cannot report status to etcd; enforcing what we have");
    this.#failure = why;
  }

  #grant(): Lease {
    const lease = this.#o.client.lease(this.#o.leaseTtlS);
    lease.on("lost", (err) => {
      this.#o.log.warn({ err: String(err) }, "fleet: status lease lost; granting a new one");
      if (this.#lease === lease) this.#drop();
    });
    this.#lease = lease;
    return lease;
  }

  #drop(): void {
    this.#lease?.release();
    this.#lease = null;
  }

  async #register(s: HostStatus): Promise<void> {
    const key = layout.hostKey(this.#o.prefix, s.host);
    const record: HostRecord = { host: s.host, labels: s.labels, registeredAt: s.heartbeat };
    await this.#o.client.put(key).value(JSON.stringify(record));
    this.#registered = true;
  }
}
