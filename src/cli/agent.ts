// `proofwall agent`: the daemon. Everything it does lives in src/agent/; this
// only maps options.
import type { Command } from "commander";
import { DEFAULT_CONTROL_SOCKET } from "../agent/wire.js";

interface Opts {
  policy?: string;
  kernel: boolean;
  control: string;
  metrics?: string;
  stateDir: string;
  debounce: string;
  pinRoot: string;
  resolveInterval: string;
}

export function register(program: Command): void {
  program
    .command("agent")
    .description(
      "run the enforcement daemon: apply the policy, reload on change, serve the control socket",
    )
    .option(
      "--policy <path>",
      "policy file, or a directory whose *.yaml files are merged in name order",
    )
    .option("--no-kernel", "enforce nothing: validate, compile and keep the policy in memory")
    .option(
      "--control <socket>",
      "control socket path (root-only, mode 0600)",
      DEFAULT_CONTROL_SOCKET,
    )
    .option("--metrics <host:port>", "serve Prometheus metrics at http://host:port/metrics")
    .option("--state-dir <dir>", "where the agent keeps its state", "/var/lib/proofwall")
    .option("--debounce <ms>", "quiet time after a policy file change before reloading", "300")
    .option(
      "--pin-root <dir>",
      "bpffs directory for the pinned programs and maps",
      "/sys/fs/bpf/proofwall",
    )
    .option(
      "--resolve-interval <s>",
      "re-resolve users, services and files this often; 0 disables",
      "10",
    )
    .exitOverride((e) => process.exit(e.exitCode === 0 ? 0 : 2))
    .action(async (o: Opts) => {
      const { runAgent } = await import("../agent/run-agent.js");
      await runAgent({
        policy: o.policy ?? null,
        kernel: o.kernel,
        control: o.control,
        metrics: o.metrics ?? null,
        stateDir: o.stateDir,
        debounceMs: Number(o.debounce),
        pinRoot: o.pinRoot,
        resolveIntervalMs: Number(o.resolveInterval) * 1000,
      });
    });
}
