// Simulated fleet hosts for the scale benchmark: `count` FleetAgents in one
// process, each with its own Daemon, NoKernelEnforcer, state directory, host
// name and status lease, sharing one etcd client (one gRPC connection, as a
// process of real agents would not, but etcd serves the same watches, leases
// and writes). With fullApply each agent applies through a real Daemon (check
// and compile); without, the apply is a stub and the figure is distribution.
import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import type { ApplyOutcome } from "../agent/apply-outcome.js";
import type { DaemonStatus } from "../agent/daemon.js";
import type { PolicyMeta } from "../agent/enforcer.js";
import type { PolicyText } from "../agent/policy-files.js";
import type { FleetTarget } from "../fleet/fleet-agent.js";
import { join } from "node:path";
import { pino } from "pino";
import { Daemon } from "../agent/daemon.js";
import { NoKernelEnforcer } from "../agent/no-kernel-enforcer.js";
import { systemResolver } from "../policy/system-resolver.js";
import { FleetAgent } from "../fleet/fleet-agent.js";
import { parseFleetUrl } from "../fleet/fleet-url.js";
import { readEtcdAccess } from "../fleet/etcd-access.js";
import { connectEtcd } from "../fleet/etcd-client.js";
import { loadTrustedKeys } from "../signing/index.js";

export interface SimOptions {
  readonly url: string;
  readonly trustedKeys: string;
  readonly stateRoot: string;
  readonly first: number;
  readonly count: number;
  readonly heartbeatMs: number;
  readonly leaseTtlS: number;
  /**
   * true: each agent checks and compiles the policy through its own Daemon
   * (the per-host cost, serialised here over `count` agents in one process);
   * false: the apply is a stub and only distribution is measured.
   */
  readonly fullApply: boolean;
}

/** Takes the bundle as given: what is left is watch, verify, cache, report. */
class StubTarget implements FleetTarget {
  #meta: PolicyMeta | null = null;
  #generation = 0;

  async applyText(texts: readonly PolicyText[]): Promise<ApplyOutcome> {
    const hash = createHash("sha256")
      .update(texts[0]?.text ?? "")
      .digest("hex");
    this.#meta = { name: "stub", hash, generation: ++this.#generation };
    const time = new Date().toISOString();
    return {
      kind: "applied",
      policy: this.#meta,
      trigger: "fleet",
      time,
      durationMs: 0,
      warnings: [],
    };
  }

  status(): DaemonStatus {
    const m = this.#meta;
    const state = m
      ? ({ kind: "enforcing", policy: m, mode: "enforce" } as const)
      : ({ kind: "idle" } as const);
    const enforcer = {
      kind: "no-kernel",
      state,
      hooks: [],
      decisions: [],
      maps: [],
      eventsDropped: 0,
    } as const;
    return { pid: process.pid, startedAt: "", policyPath: null, enforcer, lastApply: null };
  }
}

async function target(o: SimOptions, stateDir: string): Promise<FleetTarget> {
  if (!o.fullApply) return new StubTarget();
  const log = pino({ level: "silent" });
  const enforcer = new NoKernelEnforcer();
  const daemon = new Daemon({
    enforcer,
    resolver: systemResolver,
    log,
    stateDir,
    policyPath: null,
  });
  await daemon.start();
  return daemon;
}

export const simHostName = (i: number): string => `sim-${String(i).padStart(5, "0")}`;

export async function runSimulatedAgents(o: SimOptions): Promise<() => Promise<void>> {
  const url = parseFleetUrl(o.url);
  const client = connectEtcd(url, readEtcdAccess(url, {}));
  const trusted = loadTrustedKeys(o.trustedKeys);
  const log = pino({ level: "silent" });
  const agents: FleetAgent[] = [];
  for (let i = o.first; i < o.first + o.count; i++) {
    const host = simHostName(i);
    const stateDir = join(o.stateRoot, host);
    mkdirSync(stateDir, { recursive: true });
    const sim = await target(o, stateDir);
    const labels = new Map([["role", i % 2 === 0 ? "db" : "web"]]);
    const agent = new FleetAgent({
      ...{ client, prefix: url.prefix, host, labels, trusted, stateDir, target: sim, log },
      ...{ heartbeatMs: o.heartbeatMs, leaseTtlS: o.leaseTtlS, programs: () => null },
    });
    await agent.start();
    agents.push(agent);
  }
  return async () => {
    await Promise.all(agents.map((a) => a.close()));
    client.close();
  };
}
