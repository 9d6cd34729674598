// `proofwall agent`: wires the Daemon to its Enforcer, the control socket, the
// metrics endpoint, the policy watcher and the signals. SIGHUP reloads;
// SIGTERM and SIGINT stop without removing pins, so enforcement outlives the
// agent; an uninstall request removes enforcement and exits with
// EXIT_UNINSTALLED, which the systemd unit does not restart.
import { readFileSync, rmSync } from "node:fs";
import { pino, type Logger } from "pino";
import { cgroup2Root, systemResolver } from "../policy/system-resolver.js";
import { systemAccounts } from "./accounts.js";
import { listenControl } from "./control-server.js";
import { Daemon } from "./daemon.js";
import type { Enforcer } from "./enforcer.js";
import { AgentMetrics } from "./metrics.js";
import { listenMetrics, parseHostPort } from "./metrics-server.js";
import { NoKernelEnforcer } from "./no-kernel-enforcer.js";
import { PathNamer } from "./path-namer.js";
import type { PolicyCheckMode } from "../enforce/gate.js";
import type { FleetDeps, FleetHandle, FleetOptions } from "../fleet/start-fleet.js";
import { watchPolicyPath, type PolicyWatch } from "./watch.js";

export const EXIT_UNINSTALLED = 10;

export interface AgentOptions {
  readonly policy: string | null;
  readonly kernel: boolean;
  readonly control: string;
  readonly metrics: string | null;
  readonly stateDir: string;
  readonly debounceMs: number;
  /** bpffs directory of the kernel engine's pins. */
  readonly pinRoot: string;
  /** The SMT check of each compiled policy before it is written. */
  readonly policyCheck: PolicyCheckMode;
  /** Load objects without a valid verification certificate, loudly. */
  readonly allowUnverified: boolean;
  /** Capacity of pw_rules and pw_objects when the kernel engine loads fresh. */
  readonly mapCapacity?: { readonly maxRules: number; readonly maxObjects: number };
  /** How often identities (cgroup ids, inodes, uids) are re-resolved; 0: never. */
  readonly resolveIntervalMs: number;
  /** Policy from a fleet (src/fleet/) instead of --policy; null without one. */
  readonly fleet?: FleetOptions | null;
}

/**
 * Loaded only with --fleet: the etcd client is heavy and most agents have no
 * fleet. Checks every fleet option now; returns what starts the fleet later.
 */
async function checkFleetFor(o: AgentOptions) {
  if (!o.fleet) return null;
  if (o.policy !== null) throw new Error("agent: --fleet and --policy exclude each other");
  const { checkFleetOptions, startFleet } = await import("../fleet/start-fleet.js");
  const checked = checkFleetOptions(o.fleet);
  return (d: FleetDeps) => startFleet(checked, d);
}

async function kernelEnforcer(o: AgentOptions, log: Logger, namer: PathNamer): Promise<Enforcer> {
  // Imported only here: the no-kernel agent never loads libbpf.
  const { createKernelEnforcer } = await import("../enforce/index.js");
  return createKernelEnforcer({
    stateDir: o.stateDir,
    log,
    pinRoot: o.pinRoot,
    namer,
    policyCheck: o.policyCheck,
    allowUnverified: o.allowUnverified,
    ...(o.mapCapacity ? { engine: o.mapCapacity } : {}),
  });
}

function explainDeps() {
  const root = cgroup2Root(readFileSync("/proc/self/mounts", "utf8"));
  return { resolver: systemResolver(), accounts: systemAccounts(), cgroupRoot: root };
}

export async function runAgent(o: AgentOptions): Promise<void> {
  const log = pino({ name: "proofwall-agent" });
  const metricsAt = o.metrics === null ? null : parseHostPort(o.metrics);
  if (o.metrics !== null && metricsAt === null)
    throw new Error(`agent: --metrics ${o.metrics}: expected host:port`);
  const startFleetLater = await checkFleetFor(o);
  const namer = new PathNamer();
  const enforcer = o.kernel ? await kernelEnforcer(o, log, namer) : new NoKernelEnforcer();
  const metrics = new AgentMetrics();
  const daemon = new Daemon({
    enforcer,
    resolver: () => systemResolver(),
    log,
    stateDir: o.stateDir,
    policyPath: o.policy,
    onApply: (outcome) => metrics.observeApply(outcome),
  });
  await daemon.start();
  const fleet: FleetHandle | null =
    (await startFleetLater?.({ target: daemon, enforcer, stateDir: o.stateDir, log })) ?? null;
  const ctx = {
    daemon,
    enforcer,
    accounts: () => systemAccounts(),
    explainDeps,
    namer,
    afterUninstall: () => void shutdown("uninstall request", EXIT_UNINSTALLED),
  };
  const control = await listenControl(o.control, ctx, log);
  const http = metricsAt
    ? await listenMetrics(metricsAt.host, metricsAt.port, () => metrics.render(daemon.status()))
    : null;
  const watch: PolicyWatch | null =
    o.policy === null
      ? null
      : watchPolicyPath(o.policy, o.debounceMs, () => void daemon.reload("file-change"));

  let stopping = false;
  async function shutdown(why: string, code: number): Promise<void> {
    if (stopping) return;
    stopping = true;
    log.info({ why }, "agent stopping; pinned enforcement stays unless uninstalled");
    watch?.close();
    if (resolveTimer) clearInterval(resolveTimer);
    http?.close();
    await fleet?.close();
    await control.close();
    rmSync(o.control, { force: true });
    await daemon.stop();
    process.exit(code);
  }
  // A restarted service has a new cgroup id, a replaced binary a new inode:
  // re-resolving keeps rules on them; an unchanged result applies nothing.
  const resolveTimer =
    o.resolveIntervalMs > 0
      ? setInterval(() => void daemon.refreshIdentities(), o.resolveIntervalMs).unref()
      : null;
  process.on("SIGHUP", () => void daemon.reload("sighup"));
  process.on("SIGTERM", () => void shutdown("SIGTERM", 0));
  process.on("SIGINT", () => void shutdown("SIGINT", 0));
  log.info(
    { control: o.control, metrics: o.metrics, policy: o.policy, engine: enforcer.kind },
    "agent ready",
  );
}
