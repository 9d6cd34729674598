// Prometheus text exposition (format 0.0.4) of the agent's state. Counters the
// engine keeps (decisions, drops, map fill) are read from status at scrape
// time; apply latency and results are observed as applies happen. Written by
// hand: five metric families do not justify a dependency.
import type { ApplyOutcome } from "./apply-outcome.js";
import type { DaemonStatus } from "./daemon.js";

const BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

type Labels = Readonly<Record<string, string>>;

const escape = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

function sample(name: string, labels: Labels, value: number): string {
  const l = Object.entries(labels).map(([k, v]) => `${k}="${escape(v)}"`);
  return `${name}${l.length > 0 ? `{${l.join(",")}}` : ""} ${value}`;
}

function family(name: string, type: string, help: string, samples: readonly string[]): string[] {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...samples];
}

export class AgentMetrics {
  readonly #bucketCounts = BUCKETS.map(() => 0);
  #latencySum = 0;
  #latencyCount = 0;
  readonly #results = new Map<string, number>();

  observeApply(outcome: ApplyOutcome): void {
    const key = outcome.kind === "rejected" ? `rejected ${outcome.stage}` : `${outcome.kind} -`;
    this.#results.set(key, (this.#results.get(key) ?? 0) + 1);
    if (outcome.kind !== "applied") return;
    const s = outcome.durationMs / 1000;
    BUCKETS.forEach((b, i) => {
      if (s <= b) this.#bucketCounts[i] = (this.#bucketCounts[i] ?? 0) + 1;
    });
    this.#latencySum += s;
    this.#latencyCount += 1;
  }

  render(status: DaemonStatus): string {
    const e = status.enforcer;
    const gen = e.state.kind === "enforcing" ? e.state.policy.generation : 0;
    const hist = [
      ...BUCKETS.map((b, i) =>
        sample(
          "proofwall_apply_duration_seconds_bucket",
          { le: String(b) },
          this.#bucketCounts[i] ?? 0,
        ),
      ),
      sample("proofwall_apply_duration_seconds_bucket", { le: "+Inf" }, this.#latencyCount),
      sample("proofwall_apply_duration_seconds_sum", {}, this.#latencySum),
      sample("proofwall_apply_duration_seconds_count", {}, this.#latencyCount),
    ];
    const results = [...this.#results].map(([k, n]) => {
      const [result = "", stage = "-"] = k.split(" ");
      return sample("proofwall_applies_total", { result, stage }, n);
    });
    return (
      [
        ...family(
          "proofwall_decisions_total",
          "counter",
          "Decisions reported by the engine, by hook and action.",
          e.decisions.map((d) =>
            sample("proofwall_decisions_total", { hook: d.hook, action: d.action }, d.count),
          ),
        ),
        ...family(
          "proofwall_events_dropped_total",
          "counter",
          "Events lost by the ring buffer or slow readers.",
          [sample("proofwall_events_dropped_total", {}, e.eventsDropped)],
        ),
        ...family(
          "proofwall_apply_duration_seconds",
          "histogram",
          "Time from apply to the atomic switch.",
          hist,
        ),
        ...family(
          "proofwall_applies_total",
          "counter",
          "Apply attempts by result and failing stage.",
          results,
        ),
        ...family(
          "proofwall_map_entries",
          "gauge",
          "Entries in each policy map.",
          e.maps.map((m) => sample("proofwall_map_entries", { map: m.name }, m.entries)),
        ),
        ...family(
          "proofwall_map_max_entries",
          "gauge",
          "Capacity of each policy map.",
          e.maps.map((m) => sample("proofwall_map_max_entries", { map: m.name }, m.max)),
        ),
        ...family(
          "proofwall_policy_generation",
          "gauge",
          "Generation of the policy in force (0: none).",
          [sample("proofwall_policy_generation", {}, gen)],
        ),
      ].join("\n") + "\n"
    );
  }
}
