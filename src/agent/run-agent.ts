// `proofwall agent`: wires the Daemon to its Enforcer, the seal, the control
// socket, the metrics endpoint, the policy watcher and the signals. SIGHUP
// reloads; SIGTERM and SIGINT stop without removing pins, so enforcement
// outlives the agent; an uninstall request removes enforcement and exits with
// EXIT_UNINSTALLED, which the systemd unit does not restart. A sealed agent
// ignores SIGTERM and SIGINT (the kernel refuses them from other processes;
// these would come from its own terminal) and takes only signed changes.
import { readFileSync, rmSync } from "node:fs";
import { pino } from "pino";
import { cgroup2Root, systemResolver } from "../policy/system-resolver.js";
import type { SealPolicy } from "../protect/seal.js";
import { systemAccounts } from "./accounts.js";
import { startEngine, type AgentEngine } from "./agent-engine.js";
import { listenControl } from "./control-server.js";
import { Daemon } from "./daemon.js";
import { AgentMetrics } from "./metrics.js";
import { listenMetrics, parseHostPort } from "./metrics-server.js";
import { PathNamer } from "./path-namer.js";
import type { PolicyCheckMode } from "../enforce/gate.js";
import type { FleetDeps, FleetHandle, FleetOptions } from "../fleet/start-fleet.js";
import { loadSignedChanges } from "./signed-changes.js";
import { signedControl } from "./signed-control.js";
import { tamperDecision } from "./tamper-event.js";
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
  /** Seal once a policy is in force (kernel engine only; docs/threat-model.md). */
  readonly seal: boolean;
  /** What the seal refuses besides touching Proofwall: module loading, kexec, lockdown. */
  readonly sealSwitches: readonly SealPolicy[];
  /** Public keys for signed local changes (and fleet bundles); read once, at start. */
  readonly trustedKeys: string;
  /** This host's labels and name, which a signed change's selector must select. */
  readonly labels: string;
  readonly hostName: string | null;
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

function explainDeps() {
  const root = cgroup2Root(readFileSync("/proc/self/mounts", "utf8"));
  return { resolver: systemResolver(), accounts: systemAccounts(), cgroupRoot: root };
}

/** Seals once a policy is in force: after the first successful apply, or at once over adopted pins. */
function sealWhenInForce(engine: AgentEngine): () => void {
  return () => {
    const { seal, guardSet, enforcer } = engine;
    if (!seal?.pendingSeal || !guardSet || enforcer.status().state.kind !== "enforcing") return;
    seal.sealNow(guardSet());
  };
}

export async function runAgent(o: AgentOptions): Promise<void> {
  const log = pino({ name: "proofwall-agent" });
  const metricsAt = o.metrics === null ? null : parseHostPort(o.metrics);
  if (o.metrics !== null && metricsAt === null)
    throw new Error(`agent: --metrics ${o.metrics}: expected host:port`);
  const startFleetLater = await checkFleetFor(o);
  const signed = loadSignedChanges({ ...o, required: o.seal });
  const namer = new PathNamer();
  const engine = await startEngine(o, log, namer);
  const { enforcer, seal } = engine;
  const trySeal = sealWhenInForce(engine);
  const metrics = new AgentMetrics();
  const daemon = new Daemon({
    enforcer,
    resolver: () => systemResolver(),
    log,
    stateDir: o.stateDir,
    policyPath: o.policy,
    onApply: (outcome) => (metrics.observeApply(outcome), trySeal()),
    admit: (trigger) => seal?.admit(trigger) ?? null,
    seal: () => seal?.state() ?? { kind: "off" },
    ...(seal ? { sealSwitches: seal } : {}),
  });
  seal?.onTamper((e) => daemon.report(tamperDecision(e)));
  await daemon.start();
  trySeal();
  const fleet: FleetHandle | null =
    (await startFleetLater?.({ target: daemon, enforcer, stateDir: o.stateDir, log })) ?? null;
  const ctx = {
    daemon,
    enforcer,
    accounts: () => systemAccounts(),
    explainDeps,
    namer,
    afterUninstall: () => void shutdown("uninstall request", EXIT_UNINSTALLED),
    signed: signedControl({ daemon, signed, seal, log }),
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
    await seal?.stop();
    process.exit(code);
  }
  const onStopSignal = (sig: string) => {
    if (seal?.isSealed)
      return log.warn({ signal: sig }, "sealed: ignoring the signal; lift the seal first");
    void shutdown(sig, 0);
  };
  // A restarted service has a new cgroup id, a replaced binary a new inode:
  // re-resolving keeps rules on them; an unchanged result applies nothing.
  const resolveTimer =
    o.resolveIntervalMs > 0
      ? setInterval(() => void daemon.refreshIdentities(), o.resolveIntervalMs).unref()
      : null;
  process.on("SIGHUP", () => void daemon.reload("sighup"));
  process.on("SIGTERM", () => onStopSignal("SIGTERM"));
  process.on("SIGINT", () => onStopSignal("SIGINT"));
  log.info(
    {
      control: o.control,
      metrics: o.metrics,
      policy: o.policy,
      engine: enforcer.kind,
      seal: daemon.status().seal?.kind,
    },
    "agent ready",
  );
}
