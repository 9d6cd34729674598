// Reads a BPF ring buffer without blocking Node's event loop. A worker thread
// (koffi's async call) waits on the ring buffer's epoll fd; when it wakes,
// ring_buffer__consume runs on the main thread, so record callbacks run there
// too and never race with JavaScript.
import { callInt, callPtr } from "./call.js";
import { native, copyFrom, registerSampleCallback, type Ptr } from "./ffi/libbpf.js";
import type { BpfMap } from "./map.js";

const WAIT_SLICE_MS = 100; // how long one worker wait lasts; bounds close() latency

export type RecordHandler = (record: Buffer) => void;

export class RingBufferReader implements AsyncDisposable {
  private handle: Ptr;
  private readonly release: () => void;
  private readonly epollFd: number;
  private readonly events = Buffer.alloc(12); // one struct epoll_event
  private running: Promise<void> | undefined;
  private stopping = false;
  /** Errors thrown by the handler; reading goes on. */
  readonly handlerErrors: unknown[] = [];

  constructor(
    readonly map: BpfMap,
    private readonly onRecord: RecordHandler,
  ) {
    const cb = registerSampleCallback((data, size) => {
      try {
        this.onRecord(copyFrom(data, size));
      } catch (err) {
        this.handlerErrors.push(err);
      }
      return 0;
    });
    this.release = cb.release;
    try {
      this.handle = callPtr(
        `open ring buffer ${map.name}`,
        () => native.ring_buffer__new(map.fd, cb.address, null, null) as Ptr | null,
      );
    } catch (err) {
      cb.release();
      throw err;
    }
    this.epollFd = native.ring_buffer__epoll_fd(this.handle) as number;
  }

  /** Delivers every record already in the buffer; returns how many. */
  consume(): number {
    return callInt(`consume ring buffer ${this.map.name}`, () =>
      native.ring_buffer__consume(this.handle),
    );
  }

  /** Starts delivering records as they arrive. */
  start(): this {
    this.running ??= this.loop();
    return this;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      const ready = await this.waitReadable();
      if (this.stopping) break;
      if (ready > 0) this.consume();
    }
  }

  private waitReadable(): Promise<number> {
    return new Promise((resolve, reject) => {
      native.epoll_wait.async(
        this.epollFd,
        this.events,
        1,
        WAIT_SLICE_MS,
        (err: unknown, n: number) => (err ? reject(err) : resolve(n)),
      );
    });
  }

  /** Stops reading, drains what is left, and frees the buffer. */
  async close(): Promise<void> {
    if (this.handle === 0n) return;
    this.stopping = true;
    await this.running;
    this.consume();
    native.ring_buffer__free(this.handle);
    this.handle = 0n;
    this.release();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
