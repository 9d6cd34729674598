// A tamper attempt the kernel refused (bpf/self_protect/), as an agent event:
// `proofwall events` shows it beside the policy's decisions, with the
// self-protection hook as its hook, no rule, and the caller's cgroup, so a
// refusal is seen and attributed like any denial.
import { assertNever } from "../policy/issue.js";
import type { ProtectHookName, TamperEvent } from "../protect/records.js";
import type { DecisionEvent } from "./enforcer.js";

/** What was targeted, in words; `target` and `detail` mean something else per hook. */
export function tamperTarget(e: TamperEvent): string {
  const hook = e.hook;
  if (hook.startsWith("unknown(")) return `target ${e.target} detail ${e.detail}`;
  const known = hook as ProtectHookName;
  switch (known) {
    case "bpf":
      return `bpf command ${e.detail} on ${e.target}`;
    case "bpfMap":
      return `map ${e.target}`;
    case "bpfProg":
      return `program ${e.target}`;
    case "inodePermission":
    case "inodeUnlink":
    case "inodeRename":
    case "inodeRmdir":
      return `pin inode ${e.target}`;
    case "sbUmount":
      return "the bpffs of the pins";
    case "taskKill":
      return `signal ${e.detail} to the agent (${e.target})`;
    case "ptrace":
      return `ptrace mode ${e.detail} of the agent (${e.target})`;
    case "kernelReadFile":
    case "kernelLoadData":
      return `kernel code (kind ${e.detail})`;
    case "lockedDown":
      return `lockdown reason ${e.detail}`;
    default:
      return assertNever(known);
  }
}

/** `now`: the agent stamps arrival; the record's own clock counts from boot. */
export function tamperDecision(e: TamperEvent, now = Date.now()): DecisionEvent {
  return {
    time: now,
    hook: e.hook,
    action: "deny",
    ruleId: null,
    generation: 0,
    pid: e.tgid,
    uid: e.uid,
    comm: e.comm,
    exe: null,
    cgroupId: e.cgroupId,
    resource: { kind: "other", detail: tamperTarget(e) },
  };
}
