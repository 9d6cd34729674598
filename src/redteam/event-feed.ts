// The agent's decisions as they arrive, over its control socket
// (`proofwall events --follow`). The feed outlives an agent restart: connect()
// again and the new agent first replays what it has, then follows.
import type { NamedEvent } from "../agent/event-names.js";
import { converse } from "../agent/control-client.js";

export class EventFeed {
  readonly #events: NamedEvent[] = [];
  readonly #waiters = new Set<() => void>();
  #closed = false;

  /** Follows the agent behind `socket` until it goes away or close() is called. */
  connect(socket: string): void {
    void converse(socket, { op: "events", follow: true }, (a) => {
      if (this.#closed || !a.ok || a["end"] === true) return "done";
      this.#events.push(a["event"] as NamedEvent);
      for (const w of this.#waiters) w();
      return "more";
    });
  }

  /** Resolves with the first event `match` accepts, or null after `ms`. */
  waitFor(match: (e: NamedEvent) => boolean, ms: number): Promise<NamedEvent | null> {
    const found = () => this.#events.find(match) ?? null;
    const now = found();
    if (now !== null) return Promise.resolve(now);
    return new Promise((resolve) => {
      const check = () => {
        const e = found();
        if (e === null) return;
        done(e);
      };
      const done = (e: NamedEvent | null) => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve(e);
      };
      const timer = setTimeout(() => done(null), ms);
      this.#waiters.add(check);
    });
  }

  /** Every event so far that `match` accepts. */
  all(match: (e: NamedEvent) => boolean): NamedEvent[] {
    return this.#events.filter(match);
  }

  close(): void {
    this.#closed = true;
  }
}
