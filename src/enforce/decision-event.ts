// A kernel decision record (struct pw_decision) as the agent reports it: the
// hook as the request kind decide() knows, the outcome as a policy action,
// the rule index as the rule's id.
import type { PwDecision } from "../abi/decision.js";
import type { DecisionEvent, EventResource } from "../agent/enforcer.js";
import type { Action, Protocol, RequestKind } from "../policy/index.js";
import { PROC_HOOK_KIND, procResource } from "./proc-event.js";

const HOOK_KIND: Readonly<Record<string, RequestKind>> = {
  fileOpen: "file-open",
  fileReceive: "file-open",
  inodeCreate: "file-op",
  inodeMkdir: "file-op",
  inodeSymlink: "file-op",
  inodeMknod: "file-op",
  inodeUnlink: "file-op",
  inodeRmdir: "file-op",
  inodeRename: "file-op",
  inodeLink: "file-op",
  inodeSetattr: "file-op",
  socketConnect: "connect",
  socketSendmsg: "sendmsg",
  socketCreate: "socket-create",
  unixStreamConnect: "unix-connect",
  unixMaySend: "unix-connect",
  ...PROC_HOOK_KIND,
};

const AF_INET6 = 10;

/** The IPPROTO_* a network record names, as the policy language calls it. */
const PROTOCOL_NAME: Readonly<Record<number, Protocol>> = {
  1: "icmp",
  6: "tcp",
  17: "udp",
  58: "icmp",
};

/** What the record names: a destination, a socket's family and type, or a file. */
function resourceOf(d: PwDecision, hook: RequestKind): EventResource {
  if (hook === "connect" || hook === "sendmsg")
    return {
      kind: "address",
      family: d.net.family === AF_INET6 ? 6 : 4,
      addr: d.net.addr,
      port: d.net.port,
      protocol: PROTOCOL_NAME[d.net.protocol] ?? null,
    };
  if (hook === "socket-create")
    return { kind: "other", detail: `family ${d.net.family} type ${d.op}` };
  return { kind: "file", key: d.file, path: null };
}

const OUTCOME_ACTION: Readonly<Record<string, Action>> = {
  allow: "allow",
  deny: "deny",
  audit: "audit",
  wouldDeny: "audit",
};

/** Names what a generation slot (0 or 1) held when the kernel decided. */
export interface SlotNames {
  ruleId(slot: number, rule: number | null): string | null;
  /** The policy generation the slot held. */
  generation(slot: number): number;
}

/** The event, or null for a hook or outcome this agent does not know (a newer program). */
export function decisionEvent(d: PwDecision, slots: SlotNames): DecisionEvent | null {
  const hook = HOOK_KIND[d.hook];
  const action = OUTCOME_ACTION[d.outcome];
  if (!hook || !action) return null;
  return {
    time: Date.now(),
    hook,
    action,
    ruleId: slots.ruleId(d.gen, d.rule),
    generation: slots.generation(d.gen),
    pid: d.tgid,
    uid: d.uid,
    comm: d.comm,
    exe: d.exe.ino === 0n ? null : d.exe,
    cgroupId: d.cgroupId,
    resource: procResource(d) ?? resourceOf(d, hook),
  };
}

/** The operator's name for a hook in status and metrics: "file_open". */
export function hookLabel(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
