// Collects decoded ring-buffer records and lets callers wait for one that
// matches, whether it already arrived or is still to come.
export class EventLog<T> {
  readonly events: T[] = [];
  private readonly waiters = new Set<() => void>();

  push(event: T): void {
    this.events.push(event);
    for (const wake of this.waiters) wake();
    this.waiters.clear();
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
