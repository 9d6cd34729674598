// Collects decoded ring-buffer records and lets callers wait for one that
// matches, whether it already arrived or is still to come. A long-running
// agent keeps only the newest `limit`: refusals are cheap to cause, and
// memory must not grow with them.
export class EventLog<T> {
  readonly events: T[] = [];
  /** Every event pushed, including those no longer kept. */
  total = 0;
  private readonly waiters = new Set<() => void>();
  private readonly listeners = new Set<(event: T) => void>();

  constructor(private readonly limit = Infinity) {}

  push(event: T): void {
    this.total++;
    this.events.push(event);
    if (this.events.length > this.limit) this.events.shift();
    for (const f of this.listeners) f(event);
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }

  /** Calls `listener` for every event from now on. */
  subscribe(listener: (event: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async waitFor(match: (e: T) => boolean, timeoutMs = 5000): Promise<T> {
    for (;;) {
      const hit = this.events.find(match);
      if (hit !== undefined) return hit;
      const arrived = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => (this.waiters.delete(wake), resolve(false)), timeoutMs);
        const wake = (): void => (clearTimeout(timer), resolve(true));
        this.waiters.add(wake);
      });
      if (!arrived) throw new Error(`event log: no matching event within ${timeoutMs} ms`);
    }
  }
}
