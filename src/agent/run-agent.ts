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
import type { CreateEnforcer, Enforcer } from "./enforcer.js";
import { AgentMetrics } from "./metrics.js";
import { listenMetrics, parseHostPort } from "./metrics-server.js";
import { NoKernelEnforcer } from "./no-kernel-enforcer.js";
import { watchPolicyPath, type PolicyWatch } from "./watch.js";

export const EXIT_UNINSTALLED = 10;

export interface AgentOptions {
  readonly policy: string | null;
  readonly kernel: boolean;
  readonly control: string;
  readonly metrics: string | null;
  readonly stateDir: string;
  readonly debounceMs: number;
}

async function kernelEnforcer(stateDir: string, log: Logger): Promise<Enforcer> {
  const spec = "../enforce/index.js"; // built by the kernel engine; absent until then
  const mod = (await import(spec).catch(() => ({}))) as { createKernelEnforcer?: CreateEnforcer };
  if (!mod.createKernelEnforcer)
    throw new Error("agent: the kernel engine (src/enforce/) is not built; run with --no-kernel");
  return mod.createKernelEnforcer({ stateDir, log });
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
  const enforcer = o.kernel ? await kernelEnforcer(o.stateDir, log) : new NoKernelEnforcer();
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
  const ctx = {
    daemon,
    enforcer,
    accounts: () => systemAccounts(),
    explainDeps,
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
    http?.close();
    await control.close();
    rmSync(o.control, { force: true });
    await daemon.stop();
    process.exit(code);
  }
  process.on("SIGHUP", () => void daemon.reload("sighup"));
  process.on("SIGTERM", () => void shutdown("SIGTERM", 0));
  process.on("SIGINT", () => void shutdown("SIGINT", 0));
  log.info(
    { control: o.control, metrics: o.metrics, policy: o.policy, engine: enforcer.kind },
    "agent ready",
  );
}
