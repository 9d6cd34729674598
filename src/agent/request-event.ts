// A DecisionEvent for a Request decided in user space: what the no-kernel
// engine reports for simulated requests, shaped like the kernel's reports.
import { formatIp } from "../policy/index.js";
import { assertNever, type Decision, type Request } from "../policy/index.js";
import type { DecisionEvent, EventResource } from "./enforcer.js";

function resourceOf(r: Request): EventResource {
  switch (r.kind) {
    case "file-open":
    case "file-op": {
      const key = r.file.self ?? r.file.ancestors[0];
      return key ? { kind: "file", key, path: null } : { kind: "other", detail: r.operation };
    }
    case "connect":
    case "sendmsg":
      return {
        kind: "address",
        family: r.family,
        addr: formatIp(r.family, r.addr),
        port: r.protocol === "icmp" ? 0 : r.port,
        protocol: r.protocol,
      };
    case "exec":
      return r.target.kind === "file" && r.target.file.self
        ? { kind: "file", key: r.target.file.self, path: null }
        : { kind: "other", detail: r.target.kind };
    case "socket-create":
      return { kind: "other", detail: `family ${r.family} type ${r.type}` };
    case "unix-connect":
      return { kind: "file", key: r.socket, path: null };
    case "capability":
      return { kind: "other", detail: `capability ${r.cap}` };
    case "ptrace":
      return { kind: "other", detail: `ptrace ${r.mode}` };
    case "mount":
    case "module-load":
      return { kind: "other", detail: r.kind };
    default:
      return assertNever(r);
  }
}

export interface TaskInfo {
  readonly pid: number;
  readonly comm: string;
}

export function requestEvent(
  request: Request,
  decision: Decision,
  generation: number,
  task: TaskInfo,
): DecisionEvent {
  return {
    time: Date.now(),
    hook: request.kind,
    action: decision.action,
    ruleId: decision.ruleId,
    generation,
    pid: task.pid,
    uid: request.subject.uid,
    comm: task.comm,
    exe: request.subject.exe,
    cgroupId: request.subject.cgroups[request.subject.cgroups.length - 1] ?? 0n,
    resource: resourceOf(request),
  };
}
