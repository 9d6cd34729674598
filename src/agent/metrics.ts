// The agent's Prometheus metrics (prom-client, own registry: no process
// defaults mixed into an enforcer's scrape unless asked). Counters the engine
// keeps (decisions, drops, map fill) are read from the status at scrape time;
// apply latency and results are observed as applies happen.
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { ApplyOutcome } from "./apply-outcome.js";
import type { DaemonStatus } from "./daemon.js";

const BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class AgentMetrics {
  readonly registry = new Registry();
  readonly #latency = new Histogram({
    name: "proofwall_apply_duration_seconds",
    help: "Time from apply to the atomic switch.",
    buckets: BUCKETS,
    registers: [this.registry],
  });
  readonly #applies = new Counter({
    name: "proofwall_applies_total",
    help: "Apply attempts by result and failing stage.",
    labelNames: ["result", "stage"] as const,
    registers: [this.registry],
  });
  readonly #decisions = new Counter({
    name: "proofwall_decisions_total",
    help: "Decisions reported by the engine, by hook and action.",
    labelNames: ["hook", "action"] as const,
    registers: [this.registry],
  });
  readonly #dropped = new Counter({
    name: "proofwall_events_dropped_total",
    help: "Events lost by the ring buffer or slow readers.",
    registers: [this.registry],
  });
  readonly #entries = new Gauge({
    name: "proofwall_map_entries",
    help: "Entries in each policy map.",
    labelNames: ["map"] as const,
    registers: [this.registry],
  });
  readonly #max = new Gauge({
    name: "proofwall_map_max_entries",
    help: "Capacity of each policy map.",
    labelNames: ["map"] as const,
    registers: [this.registry],
  });
  readonly #generation = new Gauge({
    name: "proofwall_policy_generation",
    help: "Generation of the policy in force (0: none).",
    registers: [this.registry],
  });

  observeApply(outcome: ApplyOutcome): void {
    const stage = outcome.kind === "rejected" ? outcome.stage : "-";
    this.#applies.inc({ result: outcome.kind, stage });
    if (outcome.kind === "applied") this.#latency.observe(outcome.durationMs / 1000);
  }

  /** Copies the engine's own counters from `status`, then renders the text format. */
  async render(status: DaemonStatus): Promise<string> {
    const e = status.enforcer;
    // The engine's counters are totals since its start: set, not increment.
    this.#decisions.reset();
    for (const d of e.decisions) this.#decisions.inc({ hook: d.hook, action: d.action }, d.count);
    this.#dropped.reset();
    this.#dropped.inc(e.eventsDropped);
    this.#entries.reset();
    this.#max.reset();
    for (const m of e.maps) {
      this.#entries.set({ map: m.name }, m.entries);
      this.#max.set({ map: m.name }, m.max);
    }
    this.#generation.set(e.state.kind === "enforcing" ? e.state.policy.generation : 0);
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
