// What the enforce_proc hooks report, for the agent's events: the request
// kind of each hook and what the decision was about. An exec names its file;
// anonymous executable memory and the other hooks name an item (a capability, a ptrace mode and target).
import type { PwDecision } from "../abi/decision.js";
import { PwPtraceMode } from "../abi/policy-records.js";
import type { EventResource } from "../agent/enforcer.js";
import { CAPABILITIES } from "../policy/capabilities.js";
import type { RequestKind } from "../policy/index.js";

export const PROC_HOOK_KIND: Readonly<Record<string, RequestKind>> = {
  bprmCheck: "exec",
  capable: "capability",
  ptraceAccess: "ptrace",
  sbMount: "mount",
  moveMount: "mount",
  kernelReadFile: "module-load",
  kernelLoadData: "module-load",
  kernelModuleRequest: "module-load",
  mmapFile: "exec",
  fileMprotect: "exec",
};

const other = (detail: string): EventResource => ({ kind: "other", detail });

/** The resource of a process-class decision; null for hooks that name a file. */
export function procResource(d: PwDecision): EventResource | null {
  switch (d.hook) {
    case "capable":
      return other(CAPABILITIES[d.op] ?? `capability ${d.op}`);
    case "ptraceAccess":
      return other(`${d.op === PwPtraceMode.attach ? "attach" : "read"} pid ${d.file.ino}`);
    case "sbMount":
    case "moveMount":
      return other("mount");
    case "kernelReadFile":
      return other("finit_module");
    case "kernelLoadData":
      return other("init_module");
    case "kernelModuleRequest":
      return other("module request");
    case "mmapFile":
      return other("anonymous memory mapped executable");
    case "fileMprotect":
      return other("anonymous memory made executable");
    default:
      return null;
  }
}
