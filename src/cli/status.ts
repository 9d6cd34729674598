// `proofwall status`: what the agent enforces and how it is doing.
import type { Command } from "commander";
import type { ApplyOutcome } from "../agent/apply-outcome.js";
import type { DaemonStatus } from "../agent/daemon.js";
import { renderSeal } from "../agent/seal-state.js";
import { EXIT, err, out, withControl } from "./control-common.js";

function lastApply(a: ApplyOutcome | null): string[] {
  if (a === null) return ["last apply:   none"];
  const head = `last apply:   ${a.kind} (${a.trigger}) at ${a.time}`;
  if (a.kind !== "rejected") return [head];
  return [
    `${head}, stage ${a.stage}; previous policy stays in force`,
    ...a.problems.map((p) => `  ${p}`),
  ];
}

export function renderStatus(s: DaemonStatus): string[] {
  const e = s.enforcer;
  const policy =
    e.state.kind === "enforcing"
      ? [
          `policy:       ${e.state.policy.name}`,
          `generation:   ${e.state.policy.generation}`,
          `hash:         sha256:${e.state.policy.hash}`,
          `mode:         ${e.state.mode}`,
        ]
      : ["policy:       none (nothing applied)"];
  const hooks =
    e.hooks.length === 0 ? "none" : e.hooks.map((h) => `${h.name} (${h.state})`).join(", ");
  const decisions =
    e.decisions.length === 0
      ? ["decisions:    none"]
      : ["decisions:", ...e.decisions.map((d) => `  ${d.hook} ${d.action} ${d.count}`)];
  const maps = e.maps.map((m) => `  ${m.name} ${m.entries}/${m.max}`);
  return [
    `agent:        pid ${s.pid}, engine ${e.kind}, since ${s.startedAt}`,
    `policy path:  ${s.policyPath ?? "none (control API only)"}`,
    `seal:         ${e.kind === "no-kernel" ? "none (no kernel engine)" : renderSeal(s.seal ?? { kind: "off" })}`,
    ...policy,
    `hooks:        ${hooks}`,
    ...decisions,
    `events lost:  ${e.eventsDropped}`,
    ...(maps.length > 0 ? ["maps:", ...maps] : []),
    ...lastApply(s.lastApply),
  ];
}

export function register(program: Command): void {
  withControl(program.command("status"))
    .description("show the policy in force, its generation and mode, hooks and counters")
    .option("--json", "print the agent's answer as JSON")
    .action(async (o: { control: string; json?: boolean }) => {
      const { ask } = await import("../agent/control-client.js");
      const x = await ask(o.control, { op: "status" });
      if (x.kind === "unreachable") {
        err(`status: ${x.reason}`);
        process.exitCode = EXIT.usage;
      } else if (!x.answer.ok) {
        err(x.answer.error);
        process.exitCode = EXIT.refused;
      } else {
        const status = x.answer["status"] as DaemonStatus;
        if (o.json) out(JSON.stringify(status, null, 2));
        else renderStatus(status).forEach((l) => out(l));
      }
    });
}
