// `proofwall apply <path>`: check the policy here first (so typos never reach
// the agent), then hand it to the agent, which checks again against its own
// machine and applies atomically. Exit 0: applied (or already in force);
// 1: rejected, with the reasons; 2: usage error or no agent to talk to.
import type { Command } from "commander";
import type { ApplyOutcome } from "../agent/apply-outcome.js";
import { assertNever } from "../policy/issue.js";
import { EXIT, err, out, withControl } from "./control-common.js";

export function renderOutcome(a: ApplyOutcome): string[] {
  switch (a.kind) {
    case "applied":
      return [
        ...a.warnings,
        `applied: ${a.policy.name} generation ${a.policy.generation} sha256:${a.policy.hash.slice(0, 12)} in ${a.durationMs.toFixed(1)} ms`,
      ];
    case "unchanged":
      return [`unchanged: ${a.policy.name} generation ${a.policy.generation} is already in force`];
    case "rejected": {
      const cur = a.current
        ? `${a.current.name} generation ${a.current.generation} stays in force`
        : "nothing was in force";
      return [...a.problems, `rejected at ${a.stage}: ${cur}`];
    }
    default:
      return assertNever(a);
  }
}

export function register(program: Command): void {
  withControl(program.command("apply"))
    .description("validate a policy (file or directory) here, then apply it through the agent")
    .argument("<policy>", "policy YAML file, or a directory of them")
    .action(async (path: string, o: { control: string }) => {
      const { readPolicyPath } = await import("../agent/policy-files.js");
      const { loadPolicy } = await import("../agent/policy-load.js");
      const { systemResolver } = await import("../policy/system-resolver.js");
      const { ask } = await import("../agent/control-client.js");
      const read = readPolicyPath(path);
      if (read.kind === "error") {
        err(`apply: ${read.reason}`);
        return void (process.exitCode = EXIT.usage);
      }
      const local = loadPolicy(read.texts, systemResolver());
      if (local.kind === "error") {
        local.problems.forEach(out);
        out(`rejected: ${path} is invalid here; nothing was sent to the agent`);
        return void (process.exitCode = EXIT.refused);
      }
      const x = await ask(o.control, { op: "apply", files: read.texts.map((t) => ({ ...t })) });
      if (x.kind === "unreachable") {
        err(`apply: ${x.reason}`);
        return void (process.exitCode = EXIT.usage);
      }
      if (!x.answer.ok) {
        err(x.answer.error);
        return void (process.exitCode = EXIT.usage);
      }
      const outcome = x.answer["outcome"] as ApplyOutcome;
      renderOutcome(outcome).forEach(out);
      process.exitCode = outcome.kind === "rejected" ? EXIT.refused : EXIT.ok;
    });
}
