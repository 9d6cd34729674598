// `proofwall agent`: the daemon. Everything it does lives in src/agent/; this
// only maps options.
import { Option, type Command } from "commander";
import { DEFAULT_CONTROL_SOCKET } from "../agent/wire.js";
import type { PolicyCheckMode } from "../enforce/gate.js";
import {
  FLEET_URL_HELP,
  accessFiles,
  addFleetAccessOptions,
  type FleetAccessOpts,
} from "./fleet-options.js";
import type { SealPolicy } from "../protect/seal.js";
import type { SealRelaxation } from "../policy/index.js";
import { SWITCH_OF, switchesInForce } from "../agent/seal-switches.js";

interface Opts extends FleetAccessOpts {
  policy?: string;
  kernel: boolean;
  control: string;
  metrics?: string;
  stateDir: string;
  debounce: string;
  pinRoot: string;
  resolveInterval: string;
  policyCheck: PolicyCheckMode;
  allowUnverified?: boolean;
  maxRules: string;
  maxObjects: string;
  fleet?: string;
  labels: string;
  hostName?: string;
  trustedKeys: string;
  fleetHeartbeat: string;
  fleetTtl: string;
  seal?: boolean;
  sealAllow: string;
}

/** Every switch but those `--seal-allow` names; throws naming a word it does not know. */
export function sealSwitches(allow: string): SealPolicy[] {
  const words = allow
    .split(",")
    .map((w) => w.trim())
    .filter(Boolean);
  const bad = words.filter((w) => !Object.hasOwn(SWITCH_OF, w));
  if (bad.length > 0)
    throw new Error(
      `--seal-allow ${allow}: unknown ${bad.join(", ")} (expected modules, kexec, lockdown)`,
    );
  return switchesInForce(Object.values(SWITCH_OF), words as SealRelaxation[]);
}

function capacity(text: string, option: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 1 << 26) {
    console.error(`agent: ${option} ${text}: expected an integer from 1 to ${1 << 26}`);
    process.exit(2);
  }
  return n;
}

function fleetOptions(o: Opts) {
  if (o.fleet === undefined) return null;
  return {
    url: o.fleet,
    access: accessFiles(o),
    labels: o.labels,
    host: o.hostName ?? null,
    trustedKeys: o.trustedKeys,
    heartbeatMs: Number(o.fleetHeartbeat),
    leaseTtlS: Number(o.fleetTtl),
  };
}

export function register(program: Command): void {
  const agent = program
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
    .addOption(
      new Option(
        "--policy-check <solver>",
        "prove each compiled policy equals the YAML before writing it (auto: the z3 process if installed, else the embedded one)",
      )
        .choices(["auto", "embedded", "z3", "off"])
        .default("auto"),
    )
    .option(
      "--allow-unverified",
      "load programs whose verification certificate is missing, stale or unproved (logged as errors)",
    )
    .option(
      "--max-rules <n>",
      "capacity of the rule map, shared by the policy in force and the next one (at load; pinned maps keep theirs)",
      String(1 << 18),
    )
    .option(
      "--max-objects <n>",
      "capacity of the object map (files, executables, cgroups, gids), shared like --max-rules",
      String(1 << 16),
    )
    .option(
      "--resolve-interval <s>",
      "re-resolve users, services and files this often; 0 disables",
      "10",
    )
    .option("--fleet <url>", `take signed policy bundles from ${FLEET_URL_HELP}`)
    .option(
      "--labels <k=v,...>",
      "this host's labels, matched by the selectors of bundles and signed changes",
      "",
    )
    .option("--host-name <name>", "the name this host reports to the fleet (default: hostname)")
    .option(
      "--trusted-keys <file>",
      "public keys that sign fleet bundles and local signed changes (read once, at start)",
      "/etc/proofwall/trusted-keys",
    )
    .option(
      "--seal",
      "once a policy is in force, let no other process (root included) touch Proofwall; then only signed changes apply",
    )
    .option(
      "--seal-allow <what>",
      "what the seal leaves allowed, comma-separated: modules, kexec, lockdown (default: none)",
      "",
    )
    .option("--fleet-heartbeat <ms>", "how often the fleet status is rewritten", "5000")
    .option("--fleet-ttl <s>", "status lease: a host silent this long shows as dead", "15");
  addFleetAccessOptions(agent)
    .exitOverride((e) => process.exit(e.exitCode === 0 ? 0 : 2))
    .action(async (o: Opts) => {
      const { runAgent } = await import("../agent/run-agent.js");
      let switches: SealPolicy[];
      try {
        switches = sealSwitches(o.sealAllow);
      } catch (e) {
        console.error((e as Error).message);
        return process.exit(2);
      }
      await runAgent({
        policy: o.policy ?? null,
        kernel: o.kernel,
        control: o.control,
        metrics: o.metrics ?? null,
        stateDir: o.stateDir,
        debounceMs: Number(o.debounce),
        pinRoot: o.pinRoot,
        resolveIntervalMs: Number(o.resolveInterval) * 1000,
        policyCheck: o.policyCheck,
        allowUnverified: o.allowUnverified === true,
        mapCapacity: {
          maxRules: capacity(o.maxRules, "--max-rules"),
          maxObjects: capacity(o.maxObjects, "--max-objects"),
        },
        seal: o.seal === true,
        sealSwitches: switches,
        trustedKeys: o.trustedKeys,
        labels: o.labels,
        hostName: o.hostName ?? null,
        fleet: fleetOptions(o),
      }).catch((e: unknown) => {
        // Bad options (--metrics, --fleet, --labels, trusted keys) or a failed
        // start: the message, without a stack; exit 1 as an uncaught error would.
        console.error(e instanceof Error ? e.message : String(e));
        process.exit(1);
      });
    });
}
