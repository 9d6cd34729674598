// `proofwall apply <path>`: check the policy here first (so typos never reach
// the agent), then hand it to the agent, which checks again against its own
// machine and applies atomically. `proofwall apply --signed <envelope>` sends
// a policy signed with `proofwall sign-policy`, the only kind a sealed agent
// takes. Exit 0: applied (or already in force); 1: rejected, with the
// reasons; 2: usage error or no agent to talk to.
import type { Command } from "commander";
import { readFileSync } from "node:fs";
import type { ApplyOutcome } from "../agent/apply-outcome.js";
import type { ControlRequest } from "../agent/wire.js";
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

/** The request for a policy path, checked here first; null when it must not be sent. */
async function plainRequest(path: string): Promise<ControlRequest | null> {
  const { readPolicyPath } = await import("../agent/policy-files.js");
  const { loadPolicy } = await import("../agent/policy-load.js");
  const { systemResolver } = await import("../policy/system-resolver.js");
  const read = readPolicyPath(path);
  if (read.kind === "error") {
    err(`apply: ${read.reason}`);
    process.exitCode = EXIT.usage;
    return null;
  }
  const local = loadPolicy(read.texts, systemResolver());
  if (local.kind === "error") {
    local.problems.forEach(out);
    out(`rejected: ${path} is invalid here; nothing was sent to the agent`);
    process.exitCode = EXIT.refused;
    return null;
  }
  return { op: "apply", files: read.texts.map((t) => ({ ...t })) };
}

/** The request for a signed envelope; the agent verifies it, this only reads it. */
function signedRequest(file: string): ControlRequest | null {
  try {
    return { op: "apply-signed", envelope: readFileSync(file, "utf8") };
  } catch (e) {
    err(`apply: read ${file}: ${(e as { code?: string }).code ?? String(e)}`);
    process.exitCode = EXIT.usage;
    return null;
  }
}

export function register(program: Command): void {
  withControl(program.command("apply"))
    .description("validate a policy (file or directory) here, then apply it through the agent")
    .argument("[policy]", "policy YAML file, or a directory of them")
    .option("--signed <envelope>", "apply a policy signed with `proofwall sign-policy` instead")
    .action(async (path: string | undefined, o: { control: string; signed?: string }) => {
      if ((path === undefined) === (o.signed === undefined)) {
        err("apply: give a policy path or --signed <envelope> (one of them)");
        return void (process.exitCode = EXIT.usage);
      }
      const req = o.signed !== undefined ? signedRequest(o.signed) : await plainRequest(path ?? "");
      if (req === null) return;
      const { ask } = await import("../agent/control-client.js");
      const x = await ask(o.control, req);
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
